import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { type ExportKind, exportFormats, exportKinds, planExport } from '../app/export.ts';
import { exportFileName, writeExport } from '../app/export-files.ts';
import type { CliKit } from './sweep-commands.ts';

const what: Record<ExportKind, string> = {
  clients: 'clients with their owners (every base, or one manager’s with --manager)',
  pool: 'clients in the pool',
  ledger: 'the ownership ledger (every event, or those from/to one manager)',
  touches: 'touches (all, or one manager’s as author)',
};

/**
 * `fairbase export clients|pool|ledger|touches` (C20): a CSV or XLSX file written page by page. The CLI is
 * the operator and exports anything; `--as USER` applies that user's access rules instead.
 */
export function registerExportCommands(exp: Command, kit: CliKit) {
  for (const kind of exportKinds) {
    exp
      .command(kind)
      .description(`${what[kind]} as XLSX or CSV (Excel, ru-RU: BOM and ';')`)
      .option('--manager <user>', 'one manager: id or e-mail')
      .option('--line <name>', 'one line of business: name or id')
      .option('--format <format>', 'xlsx or csv', 'xlsx')
      .option('--out <file>', `file to write (default ${kind}-YYYY-MM-DD.<format> in the current folder)`)
      .option('--as <user>', 'export as this user (their access rules: a manager gets their own data only)')
      .action((o: { manager?: string; line?: string; format: string; out?: string; as?: string }) =>
        kit.withCtx(async (ctx) => {
          const format = o.format as (typeof exportFormats)[number];
          if (!exportFormats.includes(format))
            kit.reject('VALIDATION_FAILED', {
              issues: [{ path: '--format', message: `xlsx or csv, got ${o.format}` }],
            });
          const m = o.manager ? await kit.userRef(ctx, o.manager, '--manager') : null;
          const as = o.as ? await kit.userRef(ctx, o.as, '--as') : null;
          const plan = kit.unwrap(
            await planExport(ctx.db, {
              kind,
              actor: as ? { id: as.id, role: as.role } : { id: null, role: 'admin' },
              managerId: m?.id,
              line: o.line,
            }),
          );
          const file = resolve(o.out ?? exportFileName(plan, format, ctx.clock()));
          const tty = Boolean(process.stderr.isTTY) && !kit.json();
          const res = await writeExport(plan, format, createWriteStream(file), (n) => {
            if (tty) process.stderr.write(`\r${kind}: ${n} rows`);
          });
          if (tty) process.stderr.write('\n');
          kit.print({ file, kind, format, rows: res.rows }, () => `${file}: ${res.rows} rows (${kind})`);
        }),
      );
  }
}
