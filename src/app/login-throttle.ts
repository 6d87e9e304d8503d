import { and, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/connect.ts';
import { rows } from '../db/raw.ts';
import { loginThrottle } from '../db/schema/index.ts';

/**
 * Login throttling (issue 8, item 5): failed sign-ins are counted per account (the e-mail as
 * typed, lower-cased, known or not) and per client address, in the database — so every server
 * process on one PostgreSQL sees the same counters (an in-memory limiter would give an attacker
 * N × the limit behind a load balancer). Fixed windows: `max` failures within `windowMs` lock the
 * key for `lockMs`. A successful sign-in clears the account's counter (not the address's).
 * The increment is one `INSERT … ON CONFLICT DO UPDATE`: concurrent failures never lose a count.
 */
export type ThrottleLimits = { max: number; windowMs: number; lockMs: number };

export const LOGIN_LIMITS: { account: ThrottleLimits; ip: ThrottleLimits } = {
  account: { max: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
  ip: { max: 30, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
};

export type ThrottleKey = { key: string; scope: 'account' | 'ip'; limits: ThrottleLimits };

export function throttleKeys(email: string, ip: string | null): ThrottleKey[] {
  const keys: ThrottleKey[] = [
    { key: `account:${email.trim().toLowerCase()}`, scope: 'account', limits: LOGIN_LIMITS.account },
  ];
  if (ip) keys.push({ key: `ip:${ip}`, scope: 'ip', limits: LOGIN_LIMITS.ip });
  return keys;
}

export type Lockout = { scope: 'account' | 'ip'; retryAfterSeconds: number };

/** The lockout in force for any of the keys (the longest), or null. */
export async function activeLockout(ex: Executor, keys: ThrottleKey[], now: Date): Promise<Lockout | null> {
  const locked = await ex
    .select({ key: loginThrottle.key, lockedUntil: loginThrottle.lockedUntil })
    .from(loginThrottle)
    .where(
      and(
        inArray(
          loginThrottle.key,
          keys.map((k) => k.key),
        ),
        sql`${loginThrottle.lockedUntil} > ${now}`,
      ),
    );
  let worst: Lockout | null = null;
  for (const l of locked) {
    const seconds = Math.ceil((l.lockedUntil!.getTime() - now.getTime()) / 1000);
    const scope = keys.find((k) => k.key === l.key)?.scope ?? 'account';
    if (!worst || seconds > worst.retryAfterSeconds) worst = { scope, retryAfterSeconds: seconds };
  }
  return worst;
}

/** Count one failure for each key; returns the lockout it started, if any. */
export async function recordFailure(ex: Executor, keys: ThrottleKey[], now: Date): Promise<Lockout | null> {
  let worst: Lockout | null = null;
  for (const k of keys) {
    const windowFrom = new Date(now.getTime() - k.limits.windowMs);
    const lockUntil = new Date(now.getTime() + k.limits.lockMs);
    const [row] = await rows<{ locked_until: Date | string | null }>(
      ex,
      sql`INSERT INTO login_throttle (key, failures, window_start, locked_until)
          VALUES (${k.key}, 1, ${now}, ${k.limits.max <= 1 ? lockUntil : null})
          ON CONFLICT (key) DO UPDATE SET
            failures = CASE WHEN login_throttle.window_start <= ${windowFrom} THEN 1
                            ELSE login_throttle.failures + 1 END,
            window_start = CASE WHEN login_throttle.window_start <= ${windowFrom} THEN ${now}
                                ELSE login_throttle.window_start END,
            locked_until = CASE
              WHEN (CASE WHEN login_throttle.window_start <= ${windowFrom} THEN 1
                         ELSE login_throttle.failures + 1 END) >= ${k.limits.max} THEN ${lockUntil}::timestamptz
              ELSE login_throttle.locked_until END
          RETURNING locked_until`,
    );
    const until = row?.locked_until ? new Date(row.locked_until) : null;
    if (until && until > now) {
      const seconds = Math.ceil((until.getTime() - now.getTime()) / 1000);
      if (!worst || seconds > worst.retryAfterSeconds) worst = { scope: k.scope, retryAfterSeconds: seconds };
    }
  }
  return worst;
}

/** A successful sign-in clears the account's counter, and old unlocked rows go (the table stays small). */
export async function clearAccount(ex: Executor, email: string, now: Date): Promise<void> {
  await ex
    .delete(loginThrottle)
    .where(sql`${loginThrottle.key} = ${`account:${email.trim().toLowerCase()}`}`);
  const dayAgo = new Date(now.getTime() - 86_400_000);
  await ex
    .delete(loginThrottle)
    .where(
      and(
        lt(loginThrottle.windowStart, dayAgo),
        or(isNull(loginThrottle.lockedUntil), lt(loginThrottle.lockedUntil, now)),
      ),
    );
}
