import { randomBytes } from 'node:crypto';
import type { AppContext } from '../src/app/context.ts';
import { setPolicy } from '../src/app/use-cases/policy.ts';
import { addUser, login } from '../src/app/use-cases/users.ts';
import { type Policy, presets } from '../src/core/policy/policy.ts';

export const BENCH_CAP = 100_000;

/** Balanced, but no protection, no cooldown and a cap that never binds: claims measure the engine, not the rules. */
export function benchPolicy(): Policy {
  const base = presets.balanced;
  return {
    ...base,
    preset: 'custom',
    caps: { ...base.caps, defaultCap: BENCH_CAP },
    claimProtectionDays: 0,
    reclaimCooldownDays: 0,
  };
}

export async function applyBenchPolicy(ctx: AppContext): Promise<number> {
  const res = await setPolicy(ctx, benchPolicy(), null, 'benchmark: no protection, no cooldown, cap 100000');
  if (!res.ok) throw new Error(`setPolicy: ${res.code} ${JSON.stringify(res.details)}`);
  return res.value.version;
}

export type BenchManager = { id: number; email: string; token: string };

/** Managers hired a year ago (no newcomer rules), each signed in (a session token for Bearer auth). */
export async function addManagers(ctx: AppContext, n: number, prefix: string): Promise<BenchManager[]> {
  const hiredAt = new Date(ctx.clock().getTime() - 365 * 86_400_000);
  const tag = randomBytes(3).toString('hex');
  const password = 'bench-password-1';
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const email = `${prefix}${i + 1}-${tag}@bench.local`;
      const added = await addUser(ctx, {
        name: `Bench ${prefix} ${i + 1}`,
        email,
        password,
        role: 'manager',
        hiredAt,
      });
      if (!added.ok) throw new Error(`addUser ${email}: ${added.code}`);
      const session = await login(ctx, email, password, 'fairbase-bench');
      if (!session.ok) throw new Error(`login ${email}: ${session.code}`);
      return { id: added.value.id, email, token: session.value.token };
    }),
  );
}
