import { type ConnectOptions, connect, type Database } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import { bootstrap } from './bootstrap.ts';
import { fillTermKeys } from './identity/term-keys.ts';
import type { AppContext } from './context.ts';

export type Runtime = { database: Database; ctx: AppContext; close(): Promise<void> };

/** The wiring, and the only place that reads the real clock (a fixed `now` can be passed for replays and demos). */
export async function openRuntime(
  opts: ConnectOptions & { now?: Date | undefined; migrate?: boolean } = {},
): Promise<Runtime> {
  const database = await connect(opts);
  try {
    if (opts.migrate !== false) {
      await migrate(database);
      // Data the SQL migrations could not compute (0015: the vocabulary's transliteration keys).
      await fillTermKeys(database.db);
    }
    const fixed = opts.now;
    const ctx: AppContext = {
      db: database.db,
      dbKind: database.kind,
      clock: fixed ? () => new Date(fixed) : () => new Date(),
    };
    return { database, ctx, close: () => database.close() };
  } catch (e) {
    await database.close();
    throw e;
  }
}

export function envConnectOptions(env: NodeJS.ProcessEnv = process.env): ConnectOptions {
  return { databaseUrl: env.DATABASE_URL || undefined, dataDir: env.FAIRBASE_DATA_DIR || undefined };
}

export { bootstrap };
export { DataDirLockedError, liveHolder } from '../db/data-dir-lock.ts';
