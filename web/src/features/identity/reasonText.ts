import type { TFunction } from 'i18next';

/**
 * What the screens get: a structured reason (import, review: src/core/identity/reason-code.ts) or a
 * full match reason (create dialog). The code is a string on the wire; unknown codes still show.
 */
export type ReasonInput = {
  code: string;
  kind: string;
  similarity: number;
  display?: string;
  contact?: string | null;
  matched?: { display: string };
};

const NAME_KINDS = new Set(['display_name', 'legal_name', 'brand']);

/**
 * Why two records look like one client, in the user's language, from the reason's code and fields
 * (never the server's English `text`): «тот же ИНН», «тот же телефон, что у контакта Иванов И.»,
 * «название бренда похоже на 92 %», «тот же адрес», «разные ИНН».
 */
export function reasonText(t: TFunction, r: ReasonInput): string {
  const pct = Math.round(r.similarity * 100);
  const display = r.display ?? r.matched?.display ?? '';
  const contact = r.contact ?? null;
  switch (r.code) {
    case 'SAME_INN':
      return t('identityReason.sameInn');
    case 'SAME_OGRN':
      return t('identityReason.sameOgrn');
    case 'SAME_PHONE':
      return contact ? t('identityReason.samePhoneOfContact', { contact }) : t('identityReason.samePhone');
    case 'SAME_EMAIL':
      return contact ? t('identityReason.sameEmailOfContact', { contact }) : t('identityReason.sameEmail');
    case 'SAME_DOMAIN':
      return t('identityReason.sameDomain');
    case 'NAME_SIMILAR': {
      const kind = NAME_KINDS.has(r.kind) ? r.kind : 'display_name';
      return r.similarity === 1
        ? t(`identityReason.sameName.${kind}`)
        : t(`identityReason.nameSimilar.${kind}`, { pct });
    }
    case 'SAME_CONTACT_NAME':
      return t('identityReason.sameContactName', { name: display });
    case 'SAME_ADDRESS':
      return t('identityReason.sameAddress');
    case 'ADDRESS_SIMILAR':
      return t('identityReason.addressSimilar', { pct });
    case 'DIFFERENT_INN':
      return t('identityReason.differentInn');
    default:
      return t('identityReason.other', { code: r.code });
  }
}

/** A list of reasons as one line, each once (two pairs of one group may give the same words). */
export function reasonsText(t: TFunction, reasons: readonly ReasonInput[] | undefined): string {
  return [...new Set((reasons ?? []).map((r) => reasonText(t, r)))].join('; ');
}
