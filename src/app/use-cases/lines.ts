import { asc, eq, sql } from 'drizzle-orm';
import { fail, ok, type Outcome } from '../../core/outcome.ts';
import type { Executor } from '../../db/connect.ts';
import { lines } from '../../db/schema/index.ts';
import type { AppContext } from '../context.ts';

export async function listLines(ex: Executor) {
  return ex
    .select({ id: lines.id, name: lines.name, isDefault: lines.isDefault, active: lines.active })
    .from(lines)
    .orderBy(asc(lines.id));
}

/**
 * Open a new line of business (C24): every existing client gets a pool slot in it, in the same
 * transaction, so "one ownership row per (client, line)" holds from the first moment.
 */
export async function addLine(
  ctx: AppContext,
  name: string,
): Promise<Outcome<{ id: number; name: string; clients: number }>> {
  const now = ctx.clock();
  const clean = name.trim();
  if (!clean) return fail('VALIDATION_FAILED', { issues: [{ path: 'name', message: 'required' }] });
  return ctx.db.transaction(async (tx) => {
    const [dup] = await tx
      .select({ id: lines.id })
      .from(lines)
      .where(eq(sql`lower(${lines.name})`, clean.toLowerCase()));
    if (dup) return fail('CONFLICT', { field: 'name', name: clean });
    const [row] = await tx.insert(lines).values({ name: clean, createdAt: now }).returning({ id: lines.id });
    const res = await tx.execute(
      sql`INSERT INTO ownership (client_id, line_id, owner_id, since) SELECT id, ${row!.id}, NULL, ${now} FROM clients`,
    );
    const count = Number(
      (res as unknown as { rowCount?: number; affectedRows?: number }).rowCount ??
        (res as { affectedRows?: number }).affectedRows ??
        0,
    );
    return ok({ id: row!.id, name: clean, clients: count });
  });
}
