import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countViolations } from '../../../bench/checks.ts';
import { createTestEnv, ownershipVsLedger, type TestEnv } from '../../../test/helpers.ts';
import { DEMO_SCALE_DOMAIN } from '../../core/demo/scale-plan.ts';
import { effectiveCap } from '../../core/ownership/decide.ts';
import { rows } from '../../db/raw.ts';
import { lookup } from '../identity/lookup.ts';
import { reindexClients } from '../identity/reindex.ts';
import { loadRules } from '../use-cases/ownership-support.ts';
import { type DemoScaleResult, loadDemoAtScale } from './scale.ts';

/**
 * The demo at scale on a small N: 1 500 clients (300 generated in full, the rest copies), 12 months,
 * 6 managers, 15 000 touches. Now is the test clock's 2026-06-01, so the history runs from June 2025.
 */
let env: TestEnv;
let res: DemoScaleResult;
const phases = new Set<string>();

beforeAll(async () => {
  env = await createTestEnv();
  const out = await loadDemoAtScale(env.ctx, {
    clients: 1_500,
    months: 12,
    managers: 6,
    touches: 15_000,
    seed: 7,
    password: 'demo-password',
    templateClients: 300,
    onProgress: (p) => phases.add(p),
  });
  if (!out.ok) throw new Error(`${out.code} ${JSON.stringify(out.details)}`);
  res = out.value;
}, 300_000);

afterAll(async () => {
  await env?.close();
});

describe('fairbase demo at scale', () => {
  it('writes the requested volumes and reports progress', async () => {
    expect(res.clients).toBe(1_500);
    expect(res.managers).toBe(6);
    const [c] = await rows<{ n: number }>(env.ctx.db, sql`SELECT count(*)::int AS n FROM clients`);
    expect(Number(c!.n)).toBe(1_500);
    expect(res.touches).toBeGreaterThan(12_000);
    expect(res.touches).toBeLessThan(16_000);
    expect(res.deals).toBeGreaterThan(500);
    expect(res.owned).toBeGreaterThan(100);
    expect([...phases]).toEqual(expect.arrayContaining(['users', 'clients', 'ownership', 'touches']));
  });

  it('keeps every base within its cap, and the ledger folds to the ownership table', async () => {
    expect(await ownershipVsLedger(env.ctx.db)).toEqual([]);
    const rules = await loadRules(env.ctx.db, undefined);
    if (!rules.ok) throw new Error(rules.code);
    const policy = rules.value.policy.policy;
    const v = await countViolations(env.ctx.db, rules.value.lineIds[0]!, policy.caps.defaultCap);
    expect(v.total).toBe(0);
    const bases = await rows<{ id: number; hired_at: Date; n: number }>(
      env.ctx.db,
      sql`SELECT u.id, u.hired_at, count(o.client_id)::int AS n FROM users u
          LEFT JOIN ownership o ON o.owner_id = u.id WHERE u.role = 'manager' GROUP BY u.id, u.hired_at`,
    );
    expect(bases).toHaveLength(6);
    for (const b of bases) {
      const cap = effectiveCap(
        policy,
        { hiredAt: new Date(b.hired_at), capOverride: null },
        env.clock.now,
      ).cap;
      expect(Number(b.n)).toBeLessThanOrEqual(cap);
    }
    // Activity levels differ: the busiest base is at least twice the quietest.
    const sizes = bases.map((b) => Number(b.n)).sort((x, y) => x - y);
    expect(sizes.at(-1)!).toBeGreaterThanOrEqual(2 * sizes[0]!);
    // Some clients changed hands: an earlier owner released them.
    const [rel] = await rows<{ n: number }>(
      env.ctx.db,
      sql`SELECT count(*)::int AS n FROM ownership_events WHERE type = 'ClientReleased'`,
    );
    expect(Number(rel!.n)).toBeGreaterThan(0);
  });

  it('has touches only by managers who existed then, none in the future, and deals that follow 2–4 week cycles', async () => {
    const [bad] = await rows<{ n: number }>(
      env.ctx.db,
      sql`SELECT count(*)::int AS n FROM touches t LEFT JOIN users u ON u.id = t.author_id
          WHERE u.id IS NULL OR u.role <> 'manager' OR u.email NOT LIKE ${`%@${DEMO_SCALE_DOMAIN}`}
             OR t.occurred_at < u.hired_at OR t.occurred_at > ${env.clock.now.toISOString()}::timestamptz`,
    );
    expect(Number(bad!.n)).toBe(0);
    const cycles = await rows<{ stage: string; n: number; min_days: number; max_days: number }>(
      env.ctx.db,
      sql`SELECT stage, count(*)::int AS n,
            min(extract(epoch FROM coalesce(won_at, lost_at) - created_at) / 86400)::float AS min_days,
            max(extract(epoch FROM coalesce(won_at, lost_at) - created_at) / 86400)::float AS max_days
          FROM deals GROUP BY stage ORDER BY stage`,
    );
    const byStage = Object.fromEntries(cycles.map((c) => [c.stage, c]));
    expect(Number(byStage.won?.n)).toBeGreaterThan(0);
    expect(Number(byStage.lost?.n)).toBeGreaterThan(Number(byStage.won?.n));
    for (const s of ['won', 'lost']) {
      expect(Number(byStage[s]!.min_days)).toBeGreaterThanOrEqual(14);
      expect(Number(byStage[s]!.max_days)).toBeLessThanOrEqual(28);
    }
    // Each closed deal ends a sequence of touches on its client by its manager.
    const [orphans] = await rows<{ n: number }>(
      env.ctx.db,
      sql`SELECT count(*)::int AS n FROM deals d WHERE d.stage IN ('won', 'lost') AND NOT EXISTS (
            SELECT 1 FROM touches t WHERE t.client_id = d.client_id AND t.author_id = d.manager_id
              AND t.occurred_at BETWEEN d.created_at AND coalesce(d.won_at, d.lost_at))`,
    );
    expect(Number(orphans!.n)).toBe(0);
  });

  it('shows the seasonality of radio advertising: more touches in October than in January', async () => {
    const m = await rows<{ month: number; n: number }>(
      env.ctx.db,
      sql`SELECT extract(month FROM occurred_at AT TIME ZONE 'UTC')::int AS month, count(*)::int AS n
          FROM touches GROUP BY 1`,
    );
    const by = Object.fromEntries(m.map((r) => [Number(r.month), Number(r.n)]));
    expect(by[10]!).toBeGreaterThan(by[1]! * 2);
    expect(by[10]!).toBeGreaterThan(by[7]!);
  });

  it('indexes the copies: a copied client is found by its own ИНН and phone; some clients share a phone', async () => {
    const [copy] = await rows<{ client_id: number; inn: string; phone: string }>(
      env.ctx.db,
      sql`SELECT e.client_id, e.inn, (SELECT p FROM contacts k, unnest(k.phones) p WHERE k.client_id = e.client_id LIMIT 1) AS phone
          FROM legal_entities e WHERE e.client_id > (SELECT min(id) + 1000 FROM clients) AND e.inn IS NOT NULL
            AND EXISTS (SELECT 1 FROM contacts k WHERE k.client_id = e.client_id AND cardinality(k.phones) > 0)
          ORDER BY e.client_id LIMIT 1`,
    );
    expect(copy).toBeDefined();
    const byInn = await lookup(env.ctx.db, copy!.inn, 5);
    expect(byInn.map((r) => r.clientId)).toEqual([Number(copy!.client_id)]);
    const byPhone = await lookup(env.ctx.db, copy!.phone, 5);
    expect(byPhone.map((r) => r.clientId)).toContain(Number(copy!.client_id));
    const [shared] = await rows<{ n: number }>(
      env.ctx.db,
      sql`SELECT count(*)::int AS n FROM (SELECT value FROM client_identifiers WHERE kind = 'phone'
          GROUP BY value HAVING count(DISTINCT client_id) > 1) s`,
    );
    expect(Number(shared!.n)).toBeGreaterThan(0);
    const [brands] = await rows<{ n: number }>(
      env.ctx.db,
      sql`SELECT count(DISTINCT b.client_id)::int AS n FROM brands b JOIN legal_entities e ON e.client_id = b.client_id
          WHERE lower(b.name) <> lower(e.name)`,
    );
    expect(Number(brands!.n)).toBeGreaterThan(100);
  });

  it('gives each copy a word of its own, indexed exactly as a rewrite of its index would be', async () => {
    const copies = await rows<{ id: number; display_name: string }>(
      env.ctx.db,
      sql`SELECT id, display_name FROM clients WHERE id >= (SELECT min(id) + 300 FROM clients) ORDER BY id`,
    );
    expect(copies).toHaveLength(1_200);
    // The copies' names are distinct (the templates' namesakes are gone) and none is a template's.
    const names = new Set(copies.map((c) => c.display_name));
    expect(names.size).toBe(1_200);
    const [clash] = await rows<{ n: number }>(
      env.ctx.db,
      sql`SELECT count(*)::int AS n FROM clients a JOIN clients b ON a.display_name = b.display_name AND a.id < b.id`,
    );
    expect(Number(clash!.n)).toBeLessThan(30);
    // Index rows of some copies, then the same clients re-indexed from their stored data: identical.
    const sample = copies.filter((_, i) => i % 97 === 0).map((c) => Number(c.id));
    const indexOf = async () =>
      rows<{
        client_id: number;
        kind: string;
        value: string;
        source_type: string;
        source_id: number;
        tokens: string[];
      }>(
        env.ctx.db,
        sql`SELECT i.client_id, i.kind, i.value, i.source_type, i.source_id,
              ARRAY(SELECT t.token FROM identity_tokens t WHERE t.identifier_id = i.id ORDER BY t.token) AS tokens
            FROM client_identifiers i WHERE i.client_id = ANY(${`{${sample.join(',')}}`}::int[])
            ORDER BY i.client_id, i.kind, i.value, i.source_type, i.source_id`,
      );
    const words = async () =>
      rows<{ client_id: number; token: string }>(
        env.ctx.db,
        sql`SELECT DISTINCT client_id, token FROM identity_tokens WHERE client_id = ANY(${`{${sample.join(',')}}`}::int[])
            ORDER BY 1, 2`,
      );
    const before = (await indexOf()).map(({ tokens: _, ...r }) => r);
    const wordsBefore = await words();
    await reindexClients(env.ctx.db, sample);
    expect(before).toEqual((await indexOf()).map(({ tokens: _, ...r }) => r));
    expect(wordsBefore).toEqual(await words());
    // A copy is found by the first letters of its own word, as a user types them.
    const templateWords = new Set(
      (
        await rows<{ display_name: string }>(
          env.ctx.db,
          sql`SELECT display_name FROM clients WHERE id < (SELECT min(id) + 300 FROM clients)`,
        )
      ).flatMap((c) => c.display_name.split(/\s+/)),
    );
    let typed = 0;
    for (const target of copies.filter((_, i) => i % 150 === 1)) {
      const own = target.display_name.split(/\s+/).filter((w) => !templateWords.has(w));
      expect(own.length).toBeGreaterThan(0);
      const word = own[0]!.toLowerCase();
      const found = await lookup(env.ctx.db, word.slice(0, Math.max(4, Math.ceil(word.length * 0.7))), 10);
      if (found.some((r) => r.clientId === Number(target.id))) typed++;
    }
    expect(typed).toBeGreaterThanOrEqual(7);
  });

  it('refuses a database that already has clients', async () => {
    const again = await loadDemoAtScale(env.ctx, { clients: 10, password: 'x' });
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.code).toBe('CONFLICT');
  });
});
