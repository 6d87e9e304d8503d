import type { Command } from 'commander';
import { backupPglite, backupPostgres, restorePglite, restorePostgres } from '../app/backup.ts';
import type { CliKit } from './sweep-commands.ts';

/**
 * `fairbase backup OUT` and `fairbase restore IN` (issue 8, item 7). Embedded: a .tar.gz of the data
 * folder (taken through the running server when it holds the folder); PostgreSQL (DATABASE_URL):
 * pg_dump / pg_restore custom format.
 */
export function registerBackupCommands(program: Command, kit: CliKit, env: NodeJS.ProcessEnv) {
  program
    .command('backup <out>')
    .description(
      'back up the database: embedded → a .tar.gz of the data folder; PostgreSQL → pg_dump custom format (needs pg_dump on PATH)',
    )
    .action(async (out: string) => {
      if (env.DATABASE_URL) {
        const r = kit.unwrap(backupPostgres(env.DATABASE_URL, out));
        kit.print(r, () => `PostgreSQL backup written to ${r.file} (${r.bytes} bytes)`);
        return;
      }
      await kit.withCtx(async (ctx) => {
        const r = kit.unwrap(await backupPglite(ctx, out));
        kit.print(r, () => `data folder backup written to ${r.file} (${r.bytes} bytes)`);
      });
    });
  program
    .command('restore <in>')
    .description(
      'restore a backup: embedded → into an empty data folder (FAIRBASE_DATA_DIR or --data-dir; the server must be stopped); PostgreSQL → pg_restore into DATABASE_URL',
    )
    .option(
      '--data-dir <dir>',
      'embedded: the data folder to restore into (default FAIRBASE_DATA_DIR, else ./data)',
    )
    .option('--force', 'replace an existing database (embedded: the old one is moved aside, not deleted)')
    .action(async (input: string, o: { dataDir?: string; force?: boolean }) => {
      if (env.DATABASE_URL && !o.dataDir) {
        const r = kit.unwrap(restorePostgres(env.DATABASE_URL, input, Boolean(o.force)));
        kit.print(r, () => `restored ${r.from} into ${r.target}`);
        return;
      }
      const r = kit.unwrap(
        await restorePglite(o.dataDir ?? env.FAIRBASE_DATA_DIR ?? 'data', input, Boolean(o.force)),
      );
      kit.print(r, () =>
        [
          `restored ${r.from} into the data folder ${r.target}`,
          ...(r.movedAside ? [`the database it held was moved to ${r.movedAside}`] : []),
        ].join('\n'),
      );
    });
}
