import { sql } from 'drizzle-orm';
import { termKey } from '../../core/identity/identifiers.ts';
import type { Executor } from '../../db/connect.ts';
import { rows } from '../../db/raw.ts';

const BATCH = 10_000;

/**
 * Fill in the transliteration key of vocabulary words written before migration 0015 (the key is
 * computed in JavaScript, so SQL could not). Walks the partial index of words without a key, in
 * batches; idempotent, and cheap when there is nothing to do (one probe of an empty index). Run at
 * start-up after the migrations; several instances starting together only repeat each other's work.
 */
export async function fillTermKeys(ex: Executor, onProgress?: (done: number) => void): Promise<number> {
  let done = 0;
  for (;;) {
    const batch = await rows<{ term: string }>(
      ex,
      sql`SELECT term FROM identity_terms WHERE key IS NULL ORDER BY term LIMIT ${BATCH}`,
    );
    if (batch.length === 0) return done;
    const pairs = JSON.stringify(batch.map((b) => [b.term, termKey(b.term)]));
    await ex.execute(sql`UPDATE identity_terms t SET key = x->>1
      FROM jsonb_array_elements(${pairs}::jsonb) x
      WHERE t.term = x->>0 AND t.key IS NULL`);
    done += batch.length;
    onProgress?.(done);
  }
}
