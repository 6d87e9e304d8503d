import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPolicy } from '../src/app/use-cases/policy.ts';
import { type Policy, presets } from '../src/core/policy/policy.ts';
import { addPoolClient, addTestUser, createTestEnv, type Seller, type TestEnv } from './helpers.ts';
import { type Ack, checkInvariants, missingAcks } from './support/invariants.ts';
import { runCliProcess, startServerProcess } from './support/processes.ts';

/**
 * Issue 8, items 1 and 2a: the invariant storm. Four server processes on one PostgreSQL database,
 * 32 HTTP clients (30 managers, 2 heads) run claims, releases, swaps, head transfers, touches, won
 * deals by non-owners (which open disputes), head decisions, and sweeps (on demand and through the
 * CLI with `--now` jumps into the future). One server is killed with SIGKILL mid-run and restarted.
 * Every 2xx answer is recorded; afterwards the invariants must hold and every acknowledged write
 * must be in the database. STORM_SECONDS lengthens the run (default 35).
 */
const SECONDS = Number(process.env.STORM_SECONDS ?? 35);
const CAP = 3;
const MANAGERS = 30;
const HEADS = 2;
const CLIENTS = 200;

let env: TestEnv;
let heads: Seller[];
let managers: Seller[];
let clients: number[];

beforeAll(async () => {
  if (!process.env.DATABASE_URL) throw new Error('the storm needs DATABASE_URL (npm run test:pg)');
  env = await createTestEnv();
  // The server processes run on the real clock: sessions and hire dates must be valid now.
  env.clock.set(new Date());
  heads = await Promise.all(Array.from({ length: HEADS }, () => addTestUser(env, 'head')));
  managers = await Promise.all(Array.from({ length: MANAGERS }, () => addTestUser(env, 'manager')));
  const policy: Policy = {
    ...presets.balanced,
    caps: { defaultCap: CAP, headTransferMayExceedCap: true },
    newcomer: { ...presets.balanced.newcomer, enabled: false },
    claimProtectionDays: 0,
    reclaimCooldownDays: 0,
    resultCaps: { ...presets.balanced.resultCaps, enabled: false },
    contact: { cooldownDays: 0, nonOwnerOutreach: 'warn' },
    disputes: { ...presets.balanced.disputes, openOnWonDeal: true, autoResolution: 'head_decides' },
  };
  expect((await setPolicy(env.ctx, policy, heads[0]!.id, 'storm')).ok).toBe(true);
  clients = [];
  for (let i = 0; i < CLIENTS; i += 20)
    clients.push(...(await Promise.all(Array.from({ length: 20 }, () => addPoolClient(env, heads[0]!)))));
}, 300_000);
afterAll(() => env?.close());

type Reply = { status: number; code: string; body: any };

describe('invariant storm on PostgreSQL (issue 8: 1, 2a)', () => {
  it('4 servers, 32 clients, a SIGKILL and restart mid-run: 0 violations, no acknowledged write lost', async () => {
    const serverEnv = { DATABASE_URL: env.databaseUrl!, FAIRBASE_DATA_DIR: '' };
    const servers = await Promise.all([0, 1, 2, 3].map(() => startServerProcess(serverEnv)));
    const urls = servers.map((s) => s.url);
    const counts: Record<string, number> = {};
    const count = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);
    const acks: Ack[] = [];
    /** Who we last saw owning a client (from acknowledged events): a hint for picking targets. */
    const ownerHint = new Map<number, number | null>();
    const pick = <T>(a: T[]) => a[Math.floor(Math.random() * a.length)]!;
    const fiveXX: string[] = [];
    const started = Date.now();
    const deadline = started + SECONDS * 1000;
    let killed = false;
    let restartedAt = 0;
    let crashFailed = false;
    let afterRestart = 0;
    /** Until the deadline, and at least 3 s past the restart so that the restarted server serves too. */
    const running = () =>
      !crashFailed &&
      (Date.now() < deadline || (killed && (!restartedAt || Date.now() < restartedAt + 3000)));

    const request = async (
      who: Seller,
      i: number,
      method: string,
      path: string,
      body?: unknown,
    ): Promise<Reply> => {
      // A server that is down (killed, restarting) is skipped, as a reverse proxy would.
      const k = urls[i % urls.length] ? i % urls.length : (i + 1) % urls.length;
      try {
        const r = await fetch(`${urls[k]}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${who.token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(60_000),
        });
        const json = (await r.json()) as any;
        if (k === 2 && restartedAt) afterRestart++;
        if (r.status >= 500)
          fiveXX.push(`${method} ${path} ${r.status} ${JSON.stringify(json).slice(0, 200)}`);
        return {
          status: r.status,
          code: r.status < 300 ? 'OK' : (json?.error?.code ?? String(r.status)),
          body: json,
        };
      } catch {
        // The server died under us (the SIGKILL): the outcome is unknown, so nothing is acknowledged.
        await new Promise((r) => setTimeout(r, 200));
        return { status: 0, code: 'NETWORK', body: null };
      }
    };
    const ackEvents = (body: any) => {
      for (const e of body?.events ?? []) {
        acks.push({
          kind: 'event',
          id: e.id,
          clientId: e.clientId,
          toManagerId: e.toManagerId,
          type: e.type,
        });
        ownerHint.set(e.clientId, e.toManagerId);
      }
    };

    const manager = async (m: Seller, i: number) => {
      const mine = new Set<number>();
      while (running()) {
        const roll = Math.random();
        const own = () => (mine.size > 0 && Math.random() < 0.85 ? pick([...mine]) : pick(clients));
        let op: string;
        let r: Reply;
        if (roll < 0.3) {
          op = 'claim';
          const c = pick(clients);
          r = await request(m, i, 'POST', `/api/clients/${c}/claim`, {});
          if (r.code === 'OK') mine.add(c);
        } else if (roll < 0.42) {
          op = 'release';
          const c = own();
          r = await request(m, i, 'POST', `/api/clients/${c}/release`, {});
          if (r.code === 'OK' || r.code === 'NOT_OWNER') mine.delete(c);
        } else if (roll < 0.52) {
          op = 'swap';
          const out = own();
          const c = pick(clients);
          r = await request(m, i, 'POST', `/api/clients/${c}/swap`, { releaseClientId: out });
          if (r.code === 'OK') {
            mine.delete(out);
            mine.add(c);
          }
        } else if (roll < 0.75) {
          op = 'touch';
          const c = own();
          r = await request(m, i, 'POST', `/api/clients/${c}/touches`, { kind: 'call', outcome: 'reached' });
          if (r.code === 'OK') acks.push({ kind: 'touch', id: r.body.touch.id, clientId: c });
        } else if (roll < 0.83) {
          op = 'wonDeal';
          // A client someone else owns, as far as we know: the win opens a dispute (R-DISP-1).
          const others = [...ownerHint].filter(([, o]) => o !== null && o !== m.id).map(([c]) => c);
          const c = others.length ? pick(others) : pick(clients);
          r = await request(m, i, 'POST', `/api/clients/${c}/deals`, {
            title: 'Storm order',
            amountKopecks: 1 + Math.floor(Math.random() * 10_000_000),
            stage: 'won',
          });
          if (r.code === 'OK') {
            acks.push({ kind: 'deal', id: r.body.deal.id, clientId: c, stage: 'won' });
            if (r.body.events.some((e: any) => e.disputeId)) count('wonDeal:dispute opened');
          }
        } else {
          op = 'read';
          r = await request(m, i, 'GET', `/api/managers/${m.id}/base`);
        }
        if (r.code === 'OK' && op !== 'touch' && op !== 'wonDeal' && op !== 'read') ackEvents(r.body);
        count(`${op}:${r.code}`);
        // Our picture of our base drifts (transfers, disputes, sweeps): re-read it now and then.
        if (Math.random() < 0.05) {
          const b = await request(m, i, 'GET', `/api/managers/${m.id}/base?limit=500`);
          if (b.code === 'OK' && Array.isArray(b.body.items)) {
            mine.clear();
            for (const it of b.body.items) mine.add(it.clientId ?? it.id);
          }
        }
      }
    };

    const head = async (h: Seller, i: number) => {
      let first = true;
      while (running()) {
        const roll = first ? 0.95 : Math.random();
        first = false;
        let op: string;
        let r: Reply;
        if (roll < 0.45) {
          op = 'transfer';
          r = await request(h, i, 'POST', `/api/clients/${pick(clients)}/transfer`, {
            toManagerId: pick(managers).id,
            reason: 'storm: rebalancing',
            overrideProtection: true,
          });
        } else if (roll < 0.9) {
          op = 'decide';
          const open = await request(h, i, 'GET', '/api/disputes?status=open&limit=50');
          const items: { id: number }[] = open.body?.items ?? [];
          if (!items.length) {
            count('decide:none open');
            await new Promise((res) => setTimeout(res, 50));
            continue;
          }
          const d = pick(items);
          const resolution = pick(['keep', 'transfer', 'split'] as const);
          r = await request(h, i, 'POST', `/api/disputes/${d.id}/decide`, {
            resolution,
            comment: 'storm decision',
            ...(resolution === 'split'
              ? { ownerBps: Math.floor(Math.random() * 10_001), clientTo: pick(['owner', 'claimant']) }
              : {}),
          });
          if (r.code === 'OK') acks.push({ kind: 'decision', disputeId: d.id });
        } else {
          op = 'sweep';
          r = await request(h, i, 'POST', '/api/sweep', {});
        }
        if (r.code === 'OK' && op === 'transfer') ackEvents(r.body);
        count(`${op}:${r.code}`);
      }
    };

    // Sweeps at future instants through the CLI (a fifth process on the database): warnings, then expiry.
    const sweeps = async () => {
      for (const [at, days] of [
        [0.2, 50],
        [0.55, 75],
      ] as const) {
        await new Promise((res) => setTimeout(res, Math.max(0, started + SECONDS * 1000 * at - Date.now())));
        const now = new Date(Date.now() + days * 86_400_000).toISOString();
        const r = await runCliProcess(['--now', now, '--json', 'sweep'], { DATABASE_URL: env.databaseUrl! });
        if (r.code === 0) {
          const rep = JSON.parse(r.stdout);
          counts['cliSweep:expired'] = (counts['cliSweep:expired'] ?? 0) + rep.expired.length;
          counts['cliSweep:warned'] = (counts['cliSweep:warned'] ?? 0) + rep.warned.length;
        }
        // A failed sweep is reported in full. Seen once before the manager lock became FOR NO KEY UPDATE:
        // a deadlock between a sweep inserting a notification (foreign-key check on users) and a claim.
        if (r.code !== 0) console.log(`cli sweep +${days}d failed (exit ${r.code}):\n${r.stderr}`);
        count(`cliSweep(+${days}d):${r.code === 0 ? 'OK' : `exit ${r.code}`}`);
      }
    };

    // Crash: SIGKILL server 2 at 40 % of the run, restart it on the same database, carry on.
    const crash = async () => {
      await new Promise((res) => setTimeout(res, SECONDS * 400));
      await servers[2]!.stop('SIGKILL');
      killed = true;
      urls[2] = '';
      try {
        servers[2] = await startServerProcess(serverEnv);
      } catch (e) {
        crashFailed = true;
        throw e;
      }
      urls[2] = servers[2].url;
      restartedAt = Date.now();
    };

    try {
      await Promise.all([
        ...managers.map((m, i) => manager(m, i)),
        ...heads.map((h, i) => head(h, i)),
        sweeps(),
        crash(),
      ]);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }

    const violations = await checkInvariants(env.ctx.db, { defaultCap: CAP });
    const missing = await missingAcks(env.ctx.db, acks);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(
      [
        `storm: ${SECONDS} s, 4 servers (one SIGKILLed at ${Math.round(SECONDS * 0.4)} s, back after ${((restartedAt - started) / 1000 - SECONDS * 0.4).toFixed(1)} s), ${MANAGERS} managers + ${HEADS} heads, ${CLIENTS} clients, cap ${CAP}`,
        `operations: ${total}; acknowledged writes: ${acks.length}; answered by the restarted server: ${afterRestart}`,
        ...Object.entries(counts)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => `  ${k.padEnd(40)} ${v}`),
        `violations: ${violations.length}; acknowledged writes missing: ${missing.length}; 5xx: ${fiveXX.length}`,
        ...violations.slice(0, 20),
        ...missing.slice(0, 20),
        ...fiveXX.slice(0, 10),
      ].join('\n'),
    );
    expect(killed).toBe(true);
    expect(afterRestart).toBeGreaterThan(0);
    expect(violations).toEqual([]);
    expect(missing).toEqual([]);
    expect(fiveXX).toEqual([]);
    // The mix really happened.
    for (const k of ['claim', 'release', 'swap', 'transfer', 'touch', 'wonDeal', 'decide', 'sweep'])
      expect(counts[`${k}:OK`] ?? 0, k).toBeGreaterThan(0);
    expect(counts['claim:CAP_REACHED'] ?? 0).toBeGreaterThan(0);
    expect(counts['wonDeal:dispute opened'] ?? 0).toBeGreaterThan(0);
    // Every sweep at a future instant ran to the end, concurrently with the mix.
    expect(
      Object.keys(counts)
        .filter((k) => k.startsWith('cliSweep('))
        .sort(),
    ).toEqual(['cliSweep(+50d):OK', 'cliSweep(+75d):OK']);
  }, 600_000);
});
