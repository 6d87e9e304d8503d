import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presets } from '../core/policy/policy.ts';
import { setPolicy } from '../app/use-cases/policy.ts';
import {
  addPoolClient,
  addTestUser,
  call,
  createTestEnv,
  ledgerRows,
  ownershipVsLedger,
  type Seller,
  type TestEnv,
} from '../../test/helpers.ts';

let env: TestEnv;
let head: Seller;
let anna: Seller;
let boris: Seller;

beforeAll(async () => {
  env = await createTestEnv();
  head = await addTestUser(env, 'head', { name: 'Head' });
  anna = await addTestUser(env, 'manager', { name: 'Anna' });
  boris = await addTestUser(env, 'manager', { name: 'Boris' });
  // A small cap keeps the tests short; everything else is the balanced preset.
  const policy = { ...presets.balanced, caps: { defaultCap: 3, headTransferMayExceedCap: false } };
  const res = await setPolicy(env.ctx, policy, head.id, 'test cap 3');
  expect(res.ok).toBe(true);
});
afterAll(() => env.close());

describe('claim (R-CLAIM-1, R-CLAIM-2, R-CAP-1)', () => {
  it('claims a pool client and records a ledger event with reason and policy version (R-CLAIM-1)', async () => {
    const c = await addPoolClient(env, head);
    const r = await call(env, anna, 'POST', `/api/clients/${c}/claim`);
    expect(r.status).toBe(200);
    expect(r.body.events).toHaveLength(1);
    expect(r.body.events[0]).toMatchObject({
      type: 'ClientClaimed',
      clientId: c,
      fromManagerId: null,
      toManagerId: anna.id,
      reasonCode: 'CLAIMED_FROM_POOL',
      rule: 'R-CLAIM-1',
      actor: `user:${anna.id}`,
      policyVersion: 2,
    });
    const ledger = await ledgerRows(env, c);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({
      type: 'ClientClaimed',
      to_manager_id: anna.id,
      reason_code: 'CLAIMED_FROM_POOL',
      policy_version: 2,
    });
    const card = await call(env, boris, 'GET', `/api/clients/${c}`);
    expect(card.body.owners[0]).toMatchObject({
      ownerId: anna.id,
      ownerName: 'Anna',
      lastReason: 'CLAIMED_FROM_POOL',
    });
    expect(card.body.owners[0].protectedUntil).toBe(
      new Date(env.clock.now.getTime() + 14 * 86_400_000).toISOString(),
    );
  });

  it('refuses a client owned by someone else and writes nothing (R-CLAIM-2)', async () => {
    const c = await addPoolClient(env, head);
    expect((await call(env, anna, 'POST', `/api/clients/${c}/claim`)).status).toBe(200);
    const r = await call(env, boris, 'POST', `/api/clients/${c}/claim`);
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'CLIENT_OWNED_BY_OTHER', details: { ownerId: anna.id } });
    expect(await ledgerRows(env, c)).toHaveLength(1);
    const again = await call(env, anna, 'POST', `/api/clients/${c}/claim`);
    expect(again.body.error.code).toBe('ALREADY_OWNER');
  });

  it('rejects at the cap with cap and count, and writes nothing (R-CAP-1)', async () => {
    const m = await addTestUser(env, 'manager');
    for (let i = 0; i < 3; i++) {
      const c = await addPoolClient(env, head);
      expect((await call(env, m, 'POST', `/api/clients/${c}/claim`)).status).toBe(200);
    }
    const extra = await addPoolClient(env, head);
    const r = await call(env, m, 'POST', `/api/clients/${extra}/claim`);
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'CAP_REACHED', details: { cap: 3, count: 3 } });
    expect(await ledgerRows(env, extra)).toHaveLength(0);
    const base = await call(env, head, 'GET', `/api/managers/${m.id}/base`);
    expect(base.body.manager).toMatchObject({ baseCount: 3, cap: 3 });
    expect(base.body.items).toHaveLength(3);
  });

  it('gives a newcomer the newcomer cap (R-NEW-1)', async () => {
    const rookie = await addTestUser(env, 'manager', { hiredDaysAgo: 10 });
    const list = await call(env, head, 'GET', '/api/managers');
    expect(list.body.items.find((m: { id: number }) => m.id === rookie.id)).toMatchObject({
      cap: 300,
      capSource: 'newcomer',
      newcomer: true,
    });
  });

  it('an inactive manager cannot claim (R-OWN-1)', async () => {
    const away = await addTestUser(env, 'manager', { status: 'on_leave' });
    const c = await addPoolClient(env, head);
    const r = await call(env, away, 'POST', `/api/clients/${c}/claim`);
    expect(r.body.error).toMatchObject({ code: 'USER_NOT_ACTIVE', details: { status: 'on_leave' } });
  });

  it('answers 404 for an unknown client and 400 naming the field for a bad id', async () => {
    expect((await call(env, anna, 'POST', '/api/clients/999999/claim')).body.error.code).toBe('NOT_FOUND');
    const bad = await call(env, anna, 'POST', '/api/clients/abc/claim');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('params.id');
  });
});

describe('release (R-REL-1, R-REL-2, R-LOCK-1, R-CLAIM-4)', () => {
  it('the owner releases to the pool; the ledger says why (R-REL-1)', async () => {
    const c = await addPoolClient(env, head);
    await call(env, anna, 'POST', `/api/clients/${c}/claim`);
    const r = await call(env, anna, 'POST', `/api/clients/${c}/release`, { reason: 'closed the shop' });
    expect(r.status).toBe(200);
    expect(r.body.events[0]).toMatchObject({
      type: 'ClientReleased',
      fromManagerId: anna.id,
      toManagerId: null,
      reasonCode: 'RELEASED_BY_OWNER',
      details: { reason: 'closed the shop' },
    });
    const pool = await call(env, boris, 'GET', `/api/pool?limit=500`);
    expect(pool.body.items.map((i: { id: number }) => i.id)).toContain(c);
  });

  it('another manager may not release it (R-LOCK-1), a head only with a reason (R-REL-2) and over protection only with override (R-PROT-2)', async () => {
    const c = await addPoolClient(env, head);
    await call(env, anna, 'POST', `/api/clients/${c}/claim`);
    expect((await call(env, boris, 'POST', `/api/clients/${c}/release`)).body.error.code).toBe('NOT_OWNER');
    const noReason = await call(env, head, 'POST', `/api/clients/${c}/release`);
    expect(noReason.body.error).toMatchObject({ code: 'REASON_REQUIRED', details: { field: 'reason' } });
    const prot = await call(env, head, 'POST', `/api/clients/${c}/release`, { reason: 'no activity' });
    expect(prot.body.error.code).toBe('CLIENT_PROTECTED');
    const ok = await call(env, head, 'POST', `/api/clients/${c}/release`, {
      reason: 'no activity',
      overrideProtection: true,
    });
    expect(ok.status).toBe(200);
    expect(ok.body.events[0]).toMatchObject({
      reasonCode: 'RELEASED_BY_HEAD',
      actor: `user:${head.id}`,
      details: { reason: 'no activity', protectionOverridden: true },
    });
    expect(await ledgerRows(env, c)).toHaveLength(2);
  });

  it('the releaser cannot claim it back within the cooldown, anyone else can (R-CLAIM-4)', async () => {
    const c = await addPoolClient(env, head);
    const m = await addTestUser(env, 'manager');
    await call(env, m, 'POST', `/api/clients/${c}/claim`);
    await call(env, m, 'POST', `/api/clients/${c}/release`);
    env.clock.advanceDays(13);
    const r = await call(env, m, 'POST', `/api/clients/${c}/claim`);
    expect(r.body.error.code).toBe('RECLAIM_COOLDOWN');
    env.clock.advanceDays(1.01);
    expect((await call(env, m, 'POST', `/api/clients/${c}/claim`)).status).toBe(200);
  });

  it('releasing a pool client is refused', async () => {
    const c = await addPoolClient(env, head);
    expect((await call(env, anna, 'POST', `/api/clients/${c}/release`)).body.error.code).toBe(
      'CLIENT_IN_POOL',
    );
  });
});

describe('swap (R-SWAP-1)', () => {
  it('at the cap, releases one and claims another atomically', async () => {
    const m = await addTestUser(env, 'manager');
    const mine: number[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await addPoolClient(env, head);
      mine.push(c);
      await call(env, m, 'POST', `/api/clients/${c}/claim`);
    }
    const wanted = await addPoolClient(env, head);
    const r = await call(env, m, 'POST', `/api/clients/${wanted}/swap`, { releaseClientId: mine[0] });
    expect(r.status).toBe(200);
    expect(r.body.events.map((e: { type: string; clientId: number }) => [e.type, e.clientId])).toEqual([
      ['ClientReleased', mine[0]],
      ['ClientClaimed', wanted],
    ]);
    expect(r.body.events[0]).toMatchObject({
      reasonCode: 'SWAP_RELEASE',
      details: { swappedOut: mine[0], swappedIn: wanted },
    });
    const base = await call(env, m, 'GET', `/api/managers/${m.id}/base`);
    expect(base.body.manager.baseCount).toBe(3);
  });

  it('both or neither: a swap for an owned client releases nothing', async () => {
    const m = await addTestUser(env, 'manager');
    const mine = await addPoolClient(env, head);
    await call(env, m, 'POST', `/api/clients/${mine}/claim`);
    const taken = await addPoolClient(env, head);
    await call(env, anna, 'POST', `/api/clients/${taken}/claim`).catch(() => {});
    const owner = (await call(env, head, 'GET', `/api/clients/${taken}`)).body.owners[0].ownerId;
    const r = await call(env, m, 'POST', `/api/clients/${taken}/swap`, { releaseClientId: mine });
    expect(r.status).toBe(owner === null ? 200 : 409);
    if (owner !== null) {
      expect(r.body.error.code).toBe('CLIENT_OWNED_BY_OTHER');
      expect((await call(env, m, 'GET', `/api/clients/${mine}`)).body.owners[0].ownerId).toBe(m.id);
      expect(await ledgerRows(env, mine)).toHaveLength(1);
    }
  });

  it('refuses to swap a client with itself, and one I do not own', async () => {
    const c = await addPoolClient(env, head);
    const same = await call(env, boris, 'POST', `/api/clients/${c}/swap`, { releaseClientId: c });
    expect(same.body.error.code).toBe('SWAP_SAME_CLIENT');
    const other = await addPoolClient(env, head);
    const notMine = await call(env, boris, 'POST', `/api/clients/${c}/swap`, { releaseClientId: other });
    expect(notMine.body.error).toMatchObject({
      code: 'CLIENT_IN_POOL',
      details: { field: 'releaseClientId' },
    });
    const missing = await call(env, boris, 'POST', `/api/clients/${c}/swap`, {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.issues[0].path).toBe('body.releaseClientId');
  });
});

describe('transfer (R-XFER-1, R-XFER-2)', () => {
  it('a head moves a client from a manager to another with a reason', async () => {
    const c = await addPoolClient(env, head);
    const from = await addTestUser(env, 'manager');
    const to = await addTestUser(env, 'manager');
    await call(env, from, 'POST', `/api/clients/${c}/claim`);
    env.clock.advanceDays(15); // past the claim protection
    const r = await call(env, head, 'POST', `/api/clients/${c}/transfer`, {
      toManagerId: to.id,
      reason: 'B closed the deal',
    });
    expect(r.status).toBe(200);
    expect(r.body.events[0]).toMatchObject({
      type: 'OwnershipTransferred',
      fromManagerId: from.id,
      toManagerId: to.id,
      reasonCode: 'HEAD_TRANSFER',
      rule: 'R-XFER-1',
      details: { reason: 'B closed the deal' },
    });
    const ledger = await call(env, from, 'GET', `/api/ledger?managerId=${from.id}&order=desc`);
    expect(ledger.body.items[0]).toMatchObject({
      clientId: c,
      fromManagerId: from.id,
      reasonCode: 'HEAD_TRANSFER',
    });
  });

  it('managers may not transfer (403), a reason is required, the target cap holds (R-XFER-2)', async () => {
    const c = await addPoolClient(env, head);
    expect(
      (await call(env, anna, 'POST', `/api/clients/${c}/transfer`, { toManagerId: boris.id, reason: 'x' }))
        .status,
    ).toBe(403);
    const noReason = await call(env, head, 'POST', `/api/clients/${c}/transfer`, {
      toManagerId: boris.id,
      reason: '',
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details.issues[0].path).toBe('body.reason');
    const full = await addTestUser(env, 'manager');
    for (let i = 0; i < 3; i++)
      await call(env, full, 'POST', `/api/clients/${await addPoolClient(env, head)}/claim`);
    const r = await call(env, head, 'POST', `/api/clients/${c}/transfer`, {
      toManagerId: full.id,
      reason: 'key client',
    });
    expect(r.body.error).toMatchObject({ code: 'CAP_REACHED', details: { field: 'toManagerId', cap: 3 } });
    await setPolicy(
      env.ctx,
      { ...presets.balanced, caps: { defaultCap: 3, headTransferMayExceedCap: true } },
      head.id,
      'allow over cap',
    );
    const over = await call(env, head, 'POST', `/api/clients/${c}/transfer`, {
      toManagerId: full.id,
      reason: 'key client',
    });
    expect(over.status).toBe(200);
    expect(over.body.events[0]).toMatchObject({
      rule: 'R-XFER-2',
      details: { overCap: true },
      policyVersion: 3,
    });
    await setPolicy(
      env.ctx,
      { ...presets.balanced, caps: { defaultCap: 3, headTransferMayExceedCap: false } },
      head.id,
      'back',
    );
  });

  it('cannot give a client to an admin or to its owner', async () => {
    const admin = await addTestUser(env, 'admin');
    const c = await addPoolClient(env, head);
    expect(
      (await call(env, head, 'POST', `/api/clients/${c}/transfer`, { toManagerId: admin.id, reason: 'x' }))
        .body.error.code,
    ).toBe('USER_CANNOT_OWN');
    await call(env, head, 'POST', `/api/clients/${c}/transfer`, { toManagerId: boris.id, reason: 'x' });
    expect(
      (await call(env, head, 'POST', `/api/clients/${c}/transfer`, { toManagerId: boris.id, reason: 'x' }))
        .body.error.code,
    ).toBe('TRANSFER_SAME_OWNER');
  });
});

describe('ledger (R-LEDGER-1..3)', () => {
  it('answers who owned a client at a date, and its history', async () => {
    const c = await addPoolClient(env, head);
    const m1 = await addTestUser(env, 'manager');
    const m2 = await addTestUser(env, 'manager');
    const t1 = new Date(env.clock.now);
    await call(env, m1, 'POST', `/api/clients/${c}/claim`);
    env.clock.advanceDays(20);
    await call(env, m1, 'POST', `/api/clients/${c}/release`);
    env.clock.advanceDays(1);
    await call(env, m2, 'POST', `/api/clients/${c}/claim`);
    // Sessions last 30 days and the test clock has moved on: read as someone signed in now.
    const reader = await addTestUser(env, 'manager');
    const at = async (d: Date) => {
      const r = await call(
        env,
        reader,
        'GET',
        `/api/clients/${c}/owner?at=${encodeURIComponent(d.toISOString())}`,
      );
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.lines[0].ownerId;
    };
    expect(await at(new Date(t1.getTime() - 1000))).toBe(null);
    expect(await at(new Date(t1.getTime() + 86_400_000))).toBe(m1.id);
    expect(await at(new Date(t1.getTime() + 20.5 * 86_400_000))).toBe(null);
    expect(await at(env.clock.now)).toBe(m2.id);
    const history = await call(env, reader, 'GET', `/api/clients/${c}/history`);
    expect(history.body.items.map((e: { type: string }) => e.type)).toEqual([
      'ClientClaimed',
      'ClientReleased',
      'ClientClaimed',
    ]);
    const bad = await call(env, reader, 'GET', `/api/clients/${c}/owner?at=yesterday`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('querystring.at');
  });

  it('the ledger is append-only: UPDATE and DELETE fail (R-LEDGER-2)', async () => {
    const failure = (p: Promise<unknown>) =>
      p.then(
        () => 'succeeded',
        (e: Error & { cause?: Error }) => String(e.cause?.message ?? e.message),
      );
    expect(await failure(env.ctx.db.execute(sql`UPDATE ownership_events SET reason_code = 'X'`))).toMatch(
      /append-only: UPDATE/,
    );
    expect(await failure(env.ctx.db.execute(sql`DELETE FROM ownership_events`))).toMatch(
      /append-only: DELETE/,
    );
    expect(await failure(env.ctx.db.execute(sql`TRUNCATE ownership_events`))).toMatch(
      /append-only: TRUNCATE/,
    );
    expect((await ledgerRows(env)).length).toBeGreaterThan(10);
  });

  it('current ownership equals the fold of the ledger (R-LEDGER-1)', async () => {
    expect(await ownershipVsLedger(env.ctx.db)).toEqual([]);
  });
});
