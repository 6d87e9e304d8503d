import { sql } from 'drizzle-orm';
import { openRuntime } from '../../src/app/compose.ts';

/**
 * A large pool for the performance check: N plain clients straight into a fresh data folder
 * (one INSERT … SELECT generate_series; no identity index, so «Кто владелец?» does not see them,
 * the pool's own search by name does). Runs between two server runs: after the first has
 * bootstrapped and seeded the folder (so the start-up does not rebuild the index for them).
 */
export async function bulkPool(dataDir: string, n: number) {
  const rt = await openRuntime({ dataDir });
  try {
    await rt.ctx.db.execute(sql`
      WITH line AS (SELECT id FROM lines WHERE is_default LIMIT 1),
      made AS (
        INSERT INTO clients (display_name, created_at, updated_at)
        SELECT 'Клиент копилки ' || g, now() - make_interval(days => g % 700), now() - make_interval(days => g % 700)
        FROM generate_series(1, ${n}) AS g
        RETURNING id, created_at
      )
      INSERT INTO ownership (client_id, line_id, owner_id, since)
      SELECT made.id, line.id, NULL, made.created_at FROM made, line`);
    await rt.ctx.db.execute(sql`ANALYZE clients`);
    await rt.ctx.db.execute(sql`ANALYZE ownership`);
  } finally {
    await rt.close();
  }
}
