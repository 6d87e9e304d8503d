import { sql } from 'drizzle-orm';
import { lookup } from '../../src/app/identity/lookup.ts';
import type { Executor } from '../../src/db/connect.ts';
import { rows } from '../../src/db/raw.ts';

/** What a database answers (counts, ownership, the ledger's tail, a lookup): equal before a backup and after its restore. */
export async function answers(db: Executor) {
  const [counts] = await rows<Record<string, number>>(
    db,
    sql`SELECT (SELECT count(*)::int FROM clients) AS clients, (SELECT count(*)::int FROM users) AS users,
          (SELECT count(*)::int FROM ownership WHERE owner_id IS NOT NULL) AS owned,
          (SELECT count(*)::int FROM ownership_events) AS ledger, (SELECT count(*)::int FROM touches) AS touches,
          (SELECT count(*)::int FROM deals) AS deals, (SELECT max(version)::int FROM policies) AS policy`,
  );
  const owners = await rows<{ client_id: number; owner_id: number | null }>(
    db,
    sql`SELECT client_id, owner_id FROM ownership ORDER BY client_id, line_id`,
  );
  const [first] = await rows<{ display_name: string }>(
    db,
    sql`SELECT display_name FROM clients ORDER BY id LIMIT 1`,
  );
  const word =
    first!.display_name
      .replace(/[«»"]/g, '')
      .split(/\s+/)
      .find((w) => w.length > 3) ?? first!.display_name;
  const found = (await lookup(db, word)).map((x) => JSON.stringify(x));
  return { counts, owners, lookup: { word, found } };
}
