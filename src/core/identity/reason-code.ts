import type { IdentifierKind } from './identifiers.ts';
import type { MatchReason } from './match.ts';

/**
 * A match reason as the screens need it: the code and the fields the UI builds its own (translated)
 * text from («тот же ИНН», «название бренда похоже на 92 %»). `display` is the candidate's identifier
 * as written; `contact` names the contact an exact phone/e-mail sits on, else null.
 */
export type ReasonCode = {
  code: MatchReason['code'];
  kind: IdentifierKind;
  similarity: number;
  display: string;
  contact: string | null;
};

export function reasonCodeOf(r: MatchReason): ReasonCode {
  return {
    code: r.code,
    kind: r.kind,
    similarity: r.similarity,
    display: r.matched.display,
    contact: r.contact ?? null,
  };
}

/**
 * What makes two reasons read the same on screen (the English `text` is a function of exactly these:
 * code, kind, whole percent, contact; the same-contact reason also names the contact as written).
 * Lists of reasons gathered from many pairs keep one of each.
 */
export function reasonKey(r: ReasonCode): string {
  const who = r.code === 'SAME_CONTACT_NAME' ? r.display : (r.contact ?? '');
  const pct = r.similarity === 1 ? 'same' : Math.round(r.similarity * 100);
  return `${r.code}|${r.kind}|${pct}|${who}`;
}
