import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bootstrap } from '../src/app/bootstrap.ts';
import type { AppContext } from '../src/app/context.ts';
import { activePolicy } from '../src/app/policy-store.ts';
import { createClient } from '../src/app/use-cases/create-client.ts';
import { addUser, login } from '../src/app/use-cases/users.ts';
import { connect } from '../src/db/connect.ts';
import { lockPath, readLock } from '../src/db/data-dir-lock.ts';
import { migrate } from '../src/db/migrate.ts';
import { type Ack, checkInvariants, missingAcks } from './support/invariants.ts';
import { startServerProcess } from './support/processes.ts';

/**
 * Issue 8, item 2b: a server on a PGlite data folder is killed with SIGKILL in the middle of a burst
 * of claims, releases and touches. Restarted on the same folder it opens cleanly (the stale lock is
 * taken over, PGlite recovers from its WAL), every write the server acknowledged is there, and the
 * invariants hold.
 */
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function openCtx(dir: string) {
  const database = await connect({ dataDir: dir });
  await migrate(database);
  const ctx: AppContext = { db: database.db, dbKind: database.kind, clock: () => new Date() };
  await bootstrap(ctx, { createAdmin: false });
  return { database, ctx };
}

describe('crash safety of the embedded database (PGlite)', () => {
  it('SIGKILL mid-burst, restart on the same folder: opens cleanly, nothing acknowledged is lost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fairbase-crash-'));
    dirs.push(dir);
    // Users, sessions and pool clients, written in this process; then the folder is handed to the server.
    const seed = await openCtx(dir);
    const users: { id: number; token: string }[] = [];
    for (let i = 0; i < 6; i++) {
      const email = `crash${i}@test.local`;
      const u = await addUser(seed.ctx, {
        name: `Crash ${i}`,
        email,
        password: 'password-123',
        role: 'manager',
        hiredAt: new Date(Date.now() - 365 * 86_400_000),
      });
      if (!u.ok) throw new Error(u.code);
      const s = await login(seed.ctx, email, 'password-123', null);
      if (!s.ok) throw new Error(s.code);
      users.push({ id: u.value.id, token: s.value.token });
    }
    const head = await addUser(seed.ctx, {
      name: 'Head',
      email: 'head@test.local',
      password: 'password-123',
      role: 'head',
    });
    if (!head.ok) throw new Error(head.code);
    const clients: number[] = [];
    for (let i = 0; i < 60; i++) {
      const c = await createClient(seed.ctx, {
        actor: { kind: 'user', id: head.value.id, role: 'head' },
        displayName: `Crash client ${i}`,
        claim: false,
      });
      if (!c.ok) throw new Error(c.code);
      clients.push(c.value.id);
    }
    const defaultCap = (await activePolicy(seed.ctx.db)).policy.caps.defaultCap;
    await seed.database.close();

    const serverEnv = { DATABASE_URL: '', FAIRBASE_DATA_DIR: dir };
    const server = await startServerProcess(serverEnv);
    const acks: Ack[] = [];
    const counts: Record<string, number> = {};
    let stop = false;
    const pick = <T>(a: T[]) => a[Math.floor(Math.random() * a.length)]!;
    const worker = async (u: { id: number; token: string }) => {
      const mine: number[] = [];
      while (!stop) {
        const roll = Math.random();
        const c = roll < 0.5 || mine.length === 0 ? pick(clients) : pick(mine);
        const [op, path, body] =
          roll < 0.5
            ? ['claim', `/api/clients/${c}/claim`, {}]
            : roll < 0.65
              ? ['release', `/api/clients/${c}/release`, {}]
              : ['touch', `/api/clients/${c}/touches`, { kind: 'call', outcome: 'reached' }];
        let status = 0;
        let json: any = null;
        try {
          const r = await fetch(`${server.url}${path}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${u.token}`, 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
          status = r.status;
          json = await r.json();
        } catch {
          counts[`${op}:NETWORK`] = (counts[`${op}:NETWORK`] ?? 0) + 1;
          return; // the server is gone: whatever was in flight is unknown, not acknowledged
        }
        const key = `${op}:${status < 300 ? 'OK' : (json?.error?.code ?? status)}`;
        counts[key] = (counts[key] ?? 0) + 1;
        expect(status, key).toBeLessThan(500);
        if (status >= 300) continue;
        if (op === 'touch') acks.push({ kind: 'touch', id: json.touch.id, clientId: c });
        else
          for (const e of json.events)
            acks.push({
              kind: 'event',
              id: e.id,
              clientId: e.clientId,
              toManagerId: e.toManagerId,
              type: e.type,
            });
        if (op === 'claim') mine.push(c);
        if (op === 'release') mine.splice(mine.indexOf(c), 1);
      }
    };
    const burst = Promise.all(users.map(worker));
    // Kill once the burst is well under way (some writes acknowledged, more in flight).
    while (acks.length < 40) await new Promise((r) => setTimeout(r, 20));
    await server.stop('SIGKILL');
    stop = true;
    await burst;
    const acknowledged = acks.length;
    expect(existsSync(lockPath(dir))).toBe(true); // the dead server's lock is still there
    console.log(`PGlite crash: killed after ${acknowledged} acknowledged writes`, counts);

    // Restart on the same folder: the stale lock is taken over and PGlite starts.
    const again = await startServerProcess(serverEnv);
    try {
      expect(readLock(dir)?.pid).toBe(again.child.pid);
      const u = users[0]!;
      const base = await fetch(`${again.url}/api/managers/${u.id}/base`, {
        headers: { authorization: `Bearer ${u.token}` },
      });
      expect(base.status).toBe(200);
      const free = clients.find((c) => !acks.some((a) => a.kind === 'event' && a.clientId === c));
      if (free !== undefined) {
        const r = await fetch(`${again.url}/api/clients/${free}/claim`, {
          method: 'POST',
          headers: { authorization: `Bearer ${u.token}`, 'content-type': 'application/json' },
          body: '{}',
        });
        expect(r.status).toBeLessThan(500);
      }
    } finally {
      await again.stop();
    }

    const after = await openCtx(dir);
    try {
      expect(await missingAcks(after.ctx.db, acks.slice(0, acknowledged))).toEqual([]);
      expect(await checkInvariants(after.ctx.db, { defaultCap })).toEqual([]);
    } finally {
      await after.database.close();
    }
  }, 240_000);
});
