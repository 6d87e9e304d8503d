/**
 * Touches and deals for the demo company, so coverage, nudges and plan-vs-fact have something
 * to show. The mix follows SPEC.md's picture of a real base: in a month, about half of a
 * manager's clients get a call and a quarter a meeting; the rest are never called. Pool
 * clients now and then get a call from someone. Pure and seeded, like the rest of the demo.
 */
import type { DemoDataset } from './generate-demo.ts';
import { chance, createRng, int, pick, type Rng } from './prng.ts';

export type DemoTouch = {
  /** Days before "now", with the time of day as the fraction (never negative: never in the future). */
  daysAgo: number;
  authorKey: string;
  kind: 'call' | 'meeting' | 'email' | 'proposal' | 'note';
  direction: 'outbound' | 'inbound';
  outcome: 'reached' | 'not_reached' | 'meeting_held' | 'proposal_sent' | 'refused' | 'other' | null;
  /** Index into the client's contacts, or null. */
  contactIndex: number | null;
  body: string;
  nextStep: string | null;
  /** Next step date relative to the touch, in days. */
  nextStepInDays: number | null;
};

export type DemoDeal = {
  managerKey: string;
  title: string;
  stage: 'lead' | 'proposal' | 'negotiation' | 'won' | 'lost';
  amountKopecks: number;
  createdDaysAgo: number;
  /** Won or lost this many days ago (closed deals only). */
  closedDaysAgo: number | null;
  expectedCloseInDays: number | null;
  legalEntityIndex: number | null;
  lostReason: string | null;
  /** Won deals: paid, and due this many days after the win. */
  paid: boolean;
  dueInDays: number | null;
};

export type DemoActivity = { touches: DemoTouch[][]; deals: DemoDeal[][] };

const CALL_REACHED = [
  'Поговорили с маркетологом, интерес к весенней кампании',
  'ЛПР на месте, попросил медиакит',
  'Обсудили бюджет на квартал',
  'Договорились о встрече',
  'Напомнили о спецпредложении на утренний эфир',
];
const CALL_MISSED = ['Не дозвонились, секретарь просила перезвонить', 'Не берут трубку', 'Номер занят'];
const MEETING = [
  'Встреча в офисе клиента, показали кейсы',
  'Презентация эфирной сетки',
  'Встреча с директором по маркетингу',
];
const EMAIL = [
  'Отправили медиакит и прайс',
  'Письмо с расчётом охвата',
  'Напомнили про скидку до конца месяца',
];
const PROPOSAL = ['КП на размещение в утреннем шоу', 'КП на спонсорство рубрики', 'КП на пакет роликов'];
const NOTES = [
  'Бюджет утверждают в конце квартала',
  'Работают с агентством, ЛПР в Москве',
  'Сезонный бизнес: пик весной',
];
const NEXT = ['Перезвонить', 'Отправить КП', 'Назначить встречу', 'Уточнить бюджет'];
const DEAL_TITLES = [
  'Весенняя кампания',
  'Спонсорство рубрики',
  'Пакет роликов',
  'Утреннее шоу',
  'Новогодняя акция',
];
const LOST = ['Ушли на ТВ', 'Нет бюджета', 'Выбрали другую станцию'];

type Period = { ownerKey: string; from: number; to: number };

/** Ownership periods of a client (daysAgo from > to), from its history. */
function periods(history: { daysAgo: number; ownerKey: string | null }[]): Period[] {
  const out: Period[] = [];
  history.forEach((step, i) => {
    if (!step.ownerKey) return;
    const next = history[i + 1];
    out.push({ ownerKey: step.ownerKey, from: step.daysAgo, to: next ? next.daysAgo : 0 });
  });
  return out;
}

function outboundContact(rng: Rng, contacts: { doNotContact: boolean }[]): number | null {
  const ok = contacts.map((c, i) => (c.doNotContact ? -1 : i)).filter((i) => i >= 0);
  return ok.length && chance(rng, 0.8) ? pick(rng, ok) : null;
}

export function generateDemoActivity(data: DemoDataset, seed = 42): DemoActivity {
  const rng = createRng(seed ^ 0x5bd1e995);
  const touches: DemoTouch[][] = [];
  const deals: DemoDeal[][] = [];
  for (const client of data.clients) {
    const ts: DemoTouch[] = [];
    const ds: DemoDeal[] = [];
    const at = (day: number) => Math.max(0, day - (9 + int(rng, 0, 9)) / 24 - rng() / 48);
    for (const p of periods(client.history)) {
      // How the owner works this client: never (≈45%), calls only (≈30%), calls and meetings (≈25%).
      const r = rng();
      const style = r < 0.45 ? 'neglected' : r < 0.75 ? 'called' : 'met';
      if (style === 'neglected') {
        if (chance(rng, 0.15) && p.from - p.to > 2)
          ts.push(
            touch(
              rng,
              at(int(rng, Math.ceil(p.to) + 1, Math.floor(p.from))),
              p.ownerKey,
              'note',
              client.contacts,
            ),
          );
        continue;
      }
      let day = p.from - int(rng, 0, 6);
      while (day > p.to) {
        const kind: DemoTouch['kind'] =
          style === 'met' && chance(rng, 0.45)
            ? 'meeting'
            : chance(rng, 0.15)
              ? 'email'
              : chance(rng, 0.05)
                ? 'proposal'
                : 'call';
        ts.push(touch(rng, at(day), p.ownerKey, kind, client.contacts));
        day -= style === 'met' ? int(rng, 5, 16) : int(rng, 8, 25);
      }
      if (style === 'met' && chance(rng, 0.45) && p.from - p.to > 5) {
        const created = int(rng, Math.ceil(p.to) + 1, Math.floor(p.from));
        const r2 = rng();
        const stage: DemoDeal['stage'] =
          r2 < 0.4 ? 'won' : r2 < 0.55 ? 'lost' : r2 < 0.7 ? 'negotiation' : r2 < 0.85 ? 'proposal' : 'lead';
        const closed = stage === 'won' || stage === 'lost' ? Math.max(0, created - int(rng, 3, 30)) : null;
        ds.push({
          managerKey: p.ownerKey,
          title: pick(rng, DEAL_TITLES),
          stage,
          amountKopecks: int(rng, 30, 1500) * 1000 * 100,
          createdDaysAgo: created,
          closedDaysAgo: closed,
          expectedCloseInDays: closed === null ? int(rng, 5, 60) : null,
          legalEntityIndex: client.legalEntities.length ? int(rng, 0, client.legalEntities.length - 1) : null,
          lostReason: stage === 'lost' ? pick(rng, LOST) : null,
          paid: stage === 'won' && closed !== null && closed > 14 && chance(rng, 0.8),
          dueInDays: stage === 'won' ? 14 : null,
        });
      }
      // Now and then the client calls in.
      if (chance(rng, 0.1) && p.from - p.to > 2) {
        const t = touch(
          rng,
          at(int(rng, Math.ceil(p.to) + 1, Math.floor(p.from))),
          p.ownerKey,
          'call',
          client.contacts,
        );
        ts.push({ ...t, direction: 'inbound', outcome: 'reached' });
      }
    }
    // Someone else's call on a pool client (or, rarely, on another's: one voice shows it).
    if (data.managers.length && chance(rng, 0.08)) {
      const m = pick(rng, data.managers);
      ts.push(
        touch(
          rng,
          at(int(rng, 1, Math.max(1, Math.min(60, m.hiredDaysAgo)))),
          m.key,
          'call',
          client.contacts,
        ),
      );
    }
    ts.sort((a, b) => b.daysAgo - a.daysAgo);
    touches.push(ts);
    deals.push(ds);
  }
  return { touches, deals };
}

function touch(
  rng: Rng,
  daysAgo: number,
  authorKey: string,
  kind: DemoTouch['kind'],
  contacts: { doNotContact: boolean }[],
): DemoTouch {
  const base = {
    daysAgo,
    authorKey,
    kind,
    direction: 'outbound' as const,
    nextStep: null,
    nextStepInDays: null,
  };
  switch (kind) {
    case 'call': {
      const reached = chance(rng, 0.45);
      const next = reached && chance(rng, 0.5);
      return {
        ...base,
        outcome: reached ? (chance(rng, 0.08) ? 'refused' : 'reached') : 'not_reached',
        contactIndex: outboundContact(rng, contacts),
        body: pick(rng, reached ? CALL_REACHED : CALL_MISSED),
        nextStep: next ? pick(rng, NEXT) : null,
        nextStepInDays: next ? int(rng, 1, 14) : null,
      };
    }
    case 'meeting':
      return {
        ...base,
        outcome: 'meeting_held',
        contactIndex: outboundContact(rng, contacts),
        body: pick(rng, MEETING),
      };
    case 'email':
      return { ...base, outcome: null, contactIndex: outboundContact(rng, contacts), body: pick(rng, EMAIL) };
    case 'proposal':
      return {
        ...base,
        outcome: 'proposal_sent',
        contactIndex: outboundContact(rng, contacts),
        body: pick(rng, PROPOSAL),
      };
    case 'note':
      return { ...base, outcome: null, contactIndex: null, body: pick(rng, NOTES) };
  }
}
