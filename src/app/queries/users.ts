import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/connect.ts';
import { users } from '../../db/schema/index.ts';
import type { PublicUser } from '../use-cases/users.ts';

/** A user by numeric id or e-mail (CLI arguments). */
export async function findUserByRef(ex: Executor, ref: string): Promise<PublicUser | null> {
  const cols = {
    id: users.id,
    name: users.name,
    email: users.email,
    role: users.role,
    status: users.status,
    hiredAt: users.hiredAt,
    capOverride: users.capOverride,
    phoneExtension: users.phoneExtension,
  };
  const where = /^\d+$/.test(ref)
    ? eq(users.id, Number(ref))
    : eq(sql`lower(${users.email})`, ref.trim().toLowerCase());
  const [u] = await ex.select(cols).from(users).where(where);
  return u ?? null;
}
