import { sql, type SQL } from 'drizzle-orm';
import type { Role } from '../core/ownership/types.ts';
import { fail, ok, type Outcome } from '../core/outcome.ts';
import type { Executor } from '../db/connect.ts';
import { rows } from '../db/raw.ts';

/**
 * Data export (C20): clients (a base), the pool, the ledger, touches — as a stream of pages read by
 * keyset (never the whole table in memory). The file writers are in export-files.ts.
 *
 * Access: a manager exports their own base and their own touches, and the pool (everyone's); a head
 * or an admin exports anything, optionally one manager's; the ledger is for heads and admins only.
 */

export const exportKinds = ['clients', 'pool', 'ledger', 'touches'] as const;
export type ExportKind = (typeof exportKinds)[number];
export const exportFormats = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof exportFormats)[number];

/** How a column is written: text, a whole number, a date-time (UTC), or money (kopecks in the data, rubles in the file). */
export type ColumnType = 'text' | 'int' | 'datetime' | 'money';
export type Column = { title: string; type: ColumnType; width: number };
export type Cell = string | number | Date | null;

export type ExportActor = { id: number | null; role: Role };

export type ExportPlan = {
  kind: ExportKind;
  /** A sheet name and a file name stem, Russian. */
  sheet: string;
  fileStem: string;
  columns: Column[];
  /** Pages of rows in a stable order; each page is one query. */
  pages: () => AsyncGenerator<Cell[][]>;
};

export const PAGE_SIZE = 5_000;

const typeRu: Record<string, string> = {
  ClientClaimed: 'Взят в базу',
  ClientReleased: 'Возвращён в копилку',
  OwnershipTransferred: 'Передан',
  ClientExpired: 'Возвращён в копилку: истёк срок',
  ProtectionGranted: 'Выдана защита',
  DisputeResolved: 'Спор решён',
  ClientsMerged: 'Клиенты объединены',
};
const kindRu: Record<string, string> = {
  call: 'Звонок',
  meeting: 'Встреча',
  email: 'Письмо',
  proposal: 'КП',
  note: 'Заметка',
};
const directionRu: Record<string, string> = { outbound: 'Исходящее', inbound: 'Входящее' };
const outcomeRu: Record<string, string> = {
  reached: 'Дозвонились',
  not_reached: 'Не дозвонились',
  meeting_held: 'Встреча состоялась',
  proposal_sent: 'КП отправлено',
  refused: 'Отказ',
  other: 'Другое',
};

const col = (title: string, type: ColumnType = 'text', width = 16): Column => ({ title, type, width });
const date = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const txt = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

const clientColumns = [
  col('ID клиента', 'int', 12),
  col('Клиент', 'text', 36),
  col('Направление', 'text', 22),
  col('Владелец', 'text', 24),
  col('В базе с', 'datetime'),
  col('Защита до', 'datetime'),
  col('Юрлица', 'text', 36),
  col('ИНН', 'text', 24),
  col('Бренды', 'text', 24),
  col('Телефоны', 'text', 28),
  col('Почта', 'text', 28),
  col('Адрес', 'text', 40),
  col('Последнее касание', 'datetime', 18),
  col('Выиграно, ₽', 'money', 16),
  col('Создан', 'datetime'),
];

const ledgerColumns = [
  col('№ события', 'int', 12),
  col('Дата', 'datetime', 18),
  col('Событие', 'text', 30),
  col('ID клиента', 'int', 12),
  col('Клиент', 'text', 36),
  col('Направление', 'text', 22),
  col('От кого', 'text', 24),
  col('Кому', 'text', 24),
  col('Причина', 'text', 22),
  col('Правило', 'text', 12),
  col('Версия правил', 'int', 12),
  col('Кто сделал', 'text', 24),
  col('Защита до', 'datetime'),
];

const touchColumns = [
  col('№ касания', 'int', 12),
  col('Дата', 'datetime', 18),
  col('ID клиента', 'int', 12),
  col('Клиент', 'text', 36),
  col('Направление', 'text', 22),
  col('Автор', 'text', 24),
  col('Тип', 'text', 12),
  col('Вход/исход', 'text', 12),
  col('Результат', 'text', 20),
  col('Контакт', 'text', 24),
  col('Следующий шаг', 'text', 30),
  col('Когда', 'datetime'),
  col('Текст', 'text', 50),
];

export type ExportRequest = {
  kind: ExportKind;
  actor: ExportActor;
  /** One manager's base / ledger / touches (id). A manager may name only themselves. */
  managerId?: number;
  /** One line: its id, or its name (case-insensitive). */
  line?: string | number;
  pageSize?: number;
};

/** Check access and resolve the filters; the rows are read only when `pages()` is iterated. */
export async function planExport(ex: Executor, req: ExportRequest): Promise<Outcome<ExportPlan>> {
  const { actor, kind } = req;
  const isManager = actor.role === 'manager';
  if (kind === 'ledger' && isManager)
    return fail('FORBIDDEN', { field: 'kind', reason: 'the ledger is for heads' });
  if (isManager && req.managerId !== undefined && req.managerId !== actor.id)
    return fail('FORBIDDEN', { field: 'manager', reason: 'a manager exports their own base only' });
  let managerId = isManager && kind !== 'pool' ? (actor.id ?? undefined) : req.managerId;
  if (kind === 'pool') managerId = undefined;
  if (managerId !== undefined) {
    const [u] = await rows<{ id: number }>(ex, sql`SELECT id FROM users WHERE id = ${managerId}`);
    if (!u) return fail('NOT_FOUND', { field: 'manager', id: managerId });
  }
  let lineId: number | undefined;
  if (req.line !== undefined && req.line !== '') {
    const ref = String(req.line).trim();
    // Digits are an id when they can be one (int4); otherwise, like any text, a name.
    const [l] =
      /^\d{1,10}$/.test(ref) && Number(ref) <= 2_147_483_647
        ? await rows<{ id: number }>(ex, sql`SELECT id FROM lines WHERE id = ${Number(ref)}`)
        : await rows<{ id: number }>(ex, sql`SELECT id FROM lines WHERE lower(name) = lower(${ref})`);
    if (!l) return fail('NOT_FOUND', { field: 'line', line: ref });
    lineId = Number(l.id);
  }
  const size = req.pageSize ?? PAGE_SIZE;
  const base = { kind, fileStem: kind === 'pool' ? 'pool' : kind };
  if (kind === 'clients' || kind === 'pool')
    return ok({
      ...base,
      sheet: kind === 'pool' ? 'Копилка' : 'Клиенты',
      columns: clientColumns,
      pages: () => clientPages(ex, { pool: kind === 'pool', managerId, lineId, size }),
    });
  if (kind === 'ledger')
    return ok({
      ...base,
      sheet: 'Журнал',
      columns: ledgerColumns,
      pages: () => ledgerPages(ex, { managerId, lineId, size }),
    });
  return ok({
    ...base,
    sheet: 'Касания',
    columns: touchColumns,
    pages: () => touchPages(ex, { managerId, lineId, size }),
  });
}

const and = (parts: (SQL | false | undefined)[]) =>
  sql.join(
    parts.filter((p): p is SQL => Boolean(p)),
    sql` AND `,
  );

type Filters = { managerId?: number; lineId?: number; size: number };

async function* clientPages(ex: Executor, f: Filters & { pool: boolean }): AsyncGenerator<Cell[][]> {
  let after: [number, number] = [0, 0];
  for (;;) {
    const page = await rows<Record<string, unknown>>(
      ex,
      sql`SELECT o.client_id, o.line_id, c.display_name, l.name AS line, u.name AS owner, o.since, o.protected_until,
            (SELECT string_agg(le.name, ', ' ORDER BY le.id) FROM legal_entities le WHERE le.client_id = c.id) AS entities,
            (SELECT string_agg(le.inn, ', ' ORDER BY le.id) FROM legal_entities le WHERE le.client_id = c.id AND le.inn IS NOT NULL) AS inns,
            (SELECT string_agg(b.name, ', ' ORDER BY b.id) FROM brands b WHERE b.client_id = c.id) AS brands,
            (SELECT string_agg(p, ', ') FROM contacts k CROSS JOIN LATERAL unnest(k.phones) p WHERE k.client_id = c.id) AS phones,
            (SELECT string_agg(m, ', ') FROM contacts k CROSS JOIN LATERAL unnest(k.emails) m WHERE k.client_id = c.id) AS emails,
            (SELECT a.address FROM addresses a WHERE a.client_id = c.id ORDER BY (a.kind <> 'hq'), a.id LIMIT 1) AS address,
            (SELECT max(t.occurred_at) FROM touches t WHERE t.client_id = c.id) AS last_touch,
            (SELECT sum(d.amount_kopecks) FROM deals d WHERE d.client_id = c.id AND d.line_id = o.line_id AND d.stage = 'won') AS won,
            c.created_at
          FROM ownership o
          JOIN clients c ON c.id = o.client_id
          JOIN lines l ON l.id = o.line_id
          LEFT JOIN users u ON u.id = o.owner_id
          WHERE ${and([
            sql`(o.client_id, o.line_id) > (${after[0]}, ${after[1]})`,
            sql`c.merged_into IS NULL`,
            f.pool && sql`o.owner_id IS NULL`,
            f.managerId !== undefined && sql`o.owner_id = ${f.managerId}`,
            f.lineId !== undefined && sql`o.line_id = ${f.lineId}`,
          ])}
          ORDER BY o.client_id, o.line_id
          LIMIT ${f.size}`,
    );
    if (!page.length) return;
    yield page.map((r) => [
      num(r.client_id),
      txt(r.display_name),
      txt(r.line),
      txt(r.owner) ?? 'копилка',
      date(r.since),
      date(r.protected_until),
      txt(r.entities),
      txt(r.inns),
      txt(r.brands),
      txt(r.phones),
      txt(r.emails),
      txt(r.address),
      date(r.last_touch),
      num(r.won),
      date(r.created_at),
    ]);
    const last = page[page.length - 1]!;
    after = [Number(last.client_id), Number(last.line_id)];
    if (page.length < f.size) return;
  }
}

async function* ledgerPages(ex: Executor, f: Filters): AsyncGenerator<Cell[][]> {
  let after = 0;
  for (;;) {
    const page = await rows<Record<string, unknown>>(
      ex,
      sql`SELECT e.id, e.occurred_at, e.type, e.client_id, c.display_name, l.name AS line,
            uf.name AS from_name, ut.name AS to_name, e.reason_code, e.rule, e.policy_version, e.actor,
            ua.name AS actor_name, e.protected_until
          FROM ownership_events e
          LEFT JOIN clients c ON c.id = e.client_id
          LEFT JOIN lines l ON l.id = e.line_id
          LEFT JOIN users uf ON uf.id = e.from_manager_id
          LEFT JOIN users ut ON ut.id = e.to_manager_id
          LEFT JOIN users ua ON e.actor LIKE 'user:%' AND ua.id::text = substr(e.actor, 6)
          WHERE ${and([
            sql`e.id > ${after}`,
            f.managerId !== undefined &&
              sql`(e.from_manager_id = ${f.managerId} OR e.to_manager_id = ${f.managerId})`,
            f.lineId !== undefined && sql`e.line_id = ${f.lineId}`,
          ])}
          ORDER BY e.id
          LIMIT ${f.size}`,
    );
    if (!page.length) return;
    yield page.map((r) => [
      num(r.id),
      date(r.occurred_at),
      typeRu[String(r.type)] ?? txt(r.type),
      num(r.client_id),
      txt(r.display_name),
      txt(r.line),
      txt(r.from_name) ?? (r.type === 'ClientClaimed' ? 'копилка' : null),
      txt(r.to_name) ?? (r.type === 'ClientReleased' || r.type === 'ClientExpired' ? 'копилка' : null),
      txt(r.reason_code),
      txt(r.rule),
      num(r.policy_version),
      txt(r.actor_name) ?? txt(r.actor),
      date(r.protected_until),
    ]);
    after = Number(page[page.length - 1]!.id);
    if (page.length < f.size) return;
  }
}

async function* touchPages(ex: Executor, f: Filters): AsyncGenerator<Cell[][]> {
  // Keyset on (occurred_at, id): the (author_id, occurred_at) and (occurred_at) indexes serve both scopes.
  let after: [string, number] | null = null;
  for (;;) {
    const cursor: SQL | false =
      after !== null &&
      sql`t.occurred_at >= ${after[0]}::timestamptz AND (t.occurred_at, t.id) > (${after[0]}::timestamptz, ${after[1]})`;
    const page: Record<string, unknown>[] = await rows<Record<string, unknown>>(
      ex,
      sql`SELECT t.id, t.occurred_at, to_char(t.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_key,
            t.client_id, c.display_name, l.name AS line, u.name AS author, t.kind, t.direction, t.outcome,
            k.name AS contact, t.next_step, t.next_step_at, t.body
          FROM touches t
          JOIN clients c ON c.id = t.client_id
          JOIN users u ON u.id = t.author_id
          LEFT JOIN lines l ON l.id = t.line_id
          LEFT JOIN contacts k ON k.id = t.contact_id
          WHERE ${and([
            sql`true`,
            cursor,
            f.managerId !== undefined && sql`t.author_id = ${f.managerId}`,
            f.lineId !== undefined && sql`(t.line_id = ${f.lineId} OR t.line_id IS NULL)`,
          ])}
          ORDER BY t.occurred_at, t.id
          LIMIT ${f.size}`,
    );
    if (!page.length) return;
    yield page.map((r) => [
      num(r.id),
      date(r.occurred_at),
      num(r.client_id),
      txt(r.display_name),
      txt(r.line) ?? 'все направления',
      txt(r.author),
      kindRu[String(r.kind)] ?? txt(r.kind),
      directionRu[String(r.direction)] ?? txt(r.direction),
      r.outcome === null ? null : (outcomeRu[String(r.outcome)] ?? txt(r.outcome)),
      txt(r.contact),
      txt(r.next_step),
      date(r.next_step_at),
      txt(r.body),
    ]);
    const last = page[page.length - 1]!;
    after = [String(last.at_key), Number(last.id)];
    if (page.length < f.size) return;
  }
}
