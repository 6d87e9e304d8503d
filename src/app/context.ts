import type { Db } from '../db/connect.ts';

/** What every use case gets: the database and the clock (compose.ts is the only place that reads the real one). */
export type AppContext = {
  db: Db;
  dbKind: 'pglite' | 'postgres';
  clock: () => Date;
};
