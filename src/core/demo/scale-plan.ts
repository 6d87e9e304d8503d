/**
 * The plan of a demo history at scale (`fairbase demo --clients N --months M --managers K`): the staff
 * (activity levels, hire dates), the history window, and the days on which sales cycles start, drawn with
 * the seasonality of radio advertising. Pure: the caller passes now; the database does the bulk work
 * (app/demo/scale.ts).
 */
import { createRng, int, pick } from './prng.ts';

export const DEMO_SCALE_DOMAIN = 'scale.radio-demo.ru';
const DAY = 86_400_000;

/**
 * Relative demand for radio advertising by calendar month (January = index 0): low in January and in
 * summer, peaks in spring and from September to December (budgets before the holidays).
 */
export const RADIO_SEASONALITY = [0.35, 0.8, 1.2, 1.35, 1.1, 0.6, 0.45, 0.55, 1.2, 1.45, 1.5, 1.3] as const;

export type DemoScaleOptions = {
  clients: number;
  /** Months of history before now; default 12. */
  months?: number;
  /** Sales managers besides the head; default max(8, clients / 2000). */
  managers?: number;
  /** Touches to generate; default 10 per client. */
  touches?: number;
  seed?: number;
};

export type ScaleManager = {
  name: string;
  email: string;
  role: 'manager' | 'head';
  hiredAt: Date;
  /** Activity: 3 busy, 2 steady, 1 slow — the share of sales cycles and of the cap they fill. */
  weight: number;
  /** Share of the effective cap this manager's base fills. */
  fill: number;
};

export type DemoScalePlan = {
  seed: number;
  clients: number;
  touches: number;
  historyStart: Date;
  historyDays: number;
  head: ScaleManager;
  managers: ScaleManager[];
  /** Start days of sales cycles: each day of the window repeated by its month's weight (×10). */
  daySlots: Date[];
};

const FIRST = [
  'Анна',
  'Мария',
  'Елена',
  'Ольга',
  'Наталья',
  'Ирина',
  'Алексей',
  'Дмитрий',
  'Сергей',
  'Андрей',
];
const LAST = [
  'Иванов',
  'Смирнов',
  'Кузнецов',
  'Попов',
  'Васильев',
  'Петров',
  'Соколов',
  'Михайлов',
  'Новиков',
  'Фёдоров',
];

export function demoScalePlan(opts: DemoScaleOptions, now: Date): DemoScalePlan {
  const seed = (opts.seed ?? 42) >>> 0;
  const clients = Math.max(1, Math.floor(opts.clients));
  const months = Math.max(1, Math.floor(opts.months ?? 12));
  const count = Math.max(1, Math.floor(opts.managers ?? Math.max(8, Math.round(clients / 2000))));
  const rng = createRng(seed ^ 0x51ed270b);
  const dayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const historyStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, now.getUTCDate()));
  const historyDays = Math.round((dayStart - historyStart.getTime()) / DAY);
  const person = (
    i: number,
    role: ScaleManager['role'],
    hiredDaysAgo: number,
    weight: number,
    fill: number,
  ) => {
    const female = i % 2 === 0;
    const first = female ? pick(rng, FIRST.slice(0, 6)) : pick(rng, FIRST.slice(6));
    const last = pick(rng, LAST) + (female ? 'а' : '');
    return {
      name: `${first} ${last}`,
      email:
        role === 'head' ? `head@${DEMO_SCALE_DOMAIN}` : `m${String(i).padStart(4, '0')}@${DEMO_SCALE_DOMAIN}`,
      role,
      hiredAt: new Date(dayStart - hiredDaysAgo * DAY),
      weight,
      fill,
    };
  };
  const head = person(0, 'head', historyDays + int(rng, 365, 3000), 0, 0);
  const managers: ScaleManager[] = [];
  for (let i = 1; i <= count; i++) {
    // Every 20th manager is a newcomer (hired 20–80 days ago): a small base, well under any cap.
    if (count >= 4 && i % 20 === 4) {
      managers.push(person(i, 'manager', int(rng, 20, 80), 1, 0.3));
      continue;
    }
    const r = rng();
    const [weight, fill] = r < 0.2 ? [3, 0.95] : r < 0.7 ? [2, 0.8] : [1, 0.5];
    managers.push(person(i, 'manager', historyDays + int(rng, 30, 2000), weight, fill));
  }
  const daySlots: Date[] = [];
  for (let d = 0; d < historyDays; d++) {
    const day = new Date(historyStart.getTime() + d * DAY);
    const reps = Math.round(RADIO_SEASONALITY[day.getUTCMonth()]! * 10);
    for (let k = 0; k < reps; k++) daySlots.push(day);
  }
  return {
    seed,
    clients,
    touches: Math.max(0, Math.floor(opts.touches ?? clients * 10)),
    historyStart,
    historyDays,
    head,
    managers,
    daySlots,
  };
}
