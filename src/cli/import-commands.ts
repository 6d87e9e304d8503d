import { readFileSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { getImport, type ImportPlan, listImports, runImport } from '../app/import/run.ts';
import { parseMapOption, type PresetName, presetNames } from '../core/import/presets.ts';
import { table } from './output.ts';
import { type CliKit, progressBar } from './sweep-commands.ts';

function formatPlan(id: number, plan: ImportPlan, dryRun: boolean): string {
  const c = plan.counts;
  const head = `${dryRun ? 'DRY RUN — nothing written. ' : ''}Import #${id} of ${plan.fileName} (${plan.format}${
    plan.encoding ? `, ${plan.encoding}` : ''
  }${plan.separator ? `, "${plan.separator}"` : ''}; preset ${plan.preset}): ${c.rows} rows → ${c.clients} clients`;
  const lines = [
    head,
    `  ${dryRun ? 'would create' : 'created'} ${c.created} (owner ${c.owned}, pool ${c.pool}${c.overCap ? `, ${c.overCap} over cap → pool` : ''}), linked to existing ${c.linked}, maybe (held) ${c.maybe}, maybe confirmed ${c.maybeConfirmed}, same as another row ${c.sameInFile}, errors ${c.errors}, warnings ${c.warnings}`,
    `  mapping: ${Object.entries(plan.mapping)
      .map(([f, cols]) => `${f}=${cols.join('|')}`)
      .join(', ')}`,
  ];
  const maybe = plan.groups.filter((g) => g.decision === 'maybe' && !g.confirmed);
  if (maybe.length)
    lines.push(
      '',
      'maybe (import them with --confirm-maybe all or --confirm-maybe <row,row>):',
      table(
        maybe.slice(0, 50).map((g) => ({
          row: g.row,
          name: g.displayName,
          'client?': `#${g.clientId} ${g.clientName ?? ''}`,
          score: g.score,
          why: g.reasons.join('; '),
        })),
      ),
    );
  const problems = plan.issues.slice(0, 30);
  if (problems.length)
    lines.push(
      '',
      `problems${plan.issues.length > 30 ? ` (first 30 of ${plan.issues.length}; all in the report)` : ''}:`,
      table(problems.map((i) => ({ row: i.row, column: i.column, reason: i.reason, value: i.value }))),
    );
  return lines.join('\n');
}

/** `fairbase import FILE` and `fairbase imports` (C20). */
export function registerImportCommands(program: Command, kit: CliKit) {
  program
    .command('import <file>')
    .description(
      'import clients from an amoCRM / Bitrix24 export or any sheet (CSV UTF-8 or Windows-1251, "," or ";"; XLSX first sheet); all or nothing',
    )
    .requiredOption('--as <user>', 'head of sales or admin: id or e-mail')
    .option('--preset <preset>', `${presetNames.join(' | ')} (default: detected from the headers)`)
    .option(
      '--map <field=Column,...>',
      'map fields to columns over the preset, e.g. name=Компания,phone=Тел.',
    )
    .option('--owner-column <column>', 'the column with the manager (e-mail or name) who owns the client')
    .option('--line <line>', 'line of business: id or name (default line otherwise)')
    .option('--dry-run', 'show what would happen, write nothing but the import record')
    .option('--report <out.csv>', 'write the report (row, column, reason, decision) to this file')
    .option('--confirm-maybe <rows>', "import 'maybe' rows as new clients: all, or row numbers 12,15")
    .option(
      '--over-cap',
      "assign owners even over their cap (a head's choice); otherwise those clients go to the pool",
    )
    .action(
      (
        file: string,
        o: {
          as: string;
          preset?: string;
          map?: string;
          ownerColumn?: string;
          line?: string;
          dryRun?: boolean;
          report?: string;
          confirmMaybe?: string;
          overCap?: boolean;
        },
      ) =>
        kit.withCtx(async (ctx) => {
          const u = await kit.userRef(ctx, o.as, '--as');
          if (o.preset !== undefined && !(presetNames as readonly string[]).includes(o.preset))
            kit.reject('VALIDATION_FAILED', {
              issues: [{ path: '--preset', message: `one of ${presetNames.join(', ')}, got ${o.preset}` }],
            });
          let map: Record<string, string[]> | undefined;
          if (o.map !== undefined) {
            const m = parseMapOption(o.map);
            if ('error' in m && typeof m.error === 'string')
              kit.reject('VALIDATION_FAILED', { issues: [{ path: '--map', message: m.error }] });
            map = m as Record<string, string[]>;
          }
          let confirmMaybe: 'all' | number[] | undefined;
          if (o.confirmMaybe !== undefined) {
            if (o.confirmMaybe.trim() === 'all') confirmMaybe = 'all';
            else {
              const parts = o.confirmMaybe.split(',').map((s) => s.trim());
              if (parts.some((p) => !/^\d+$/.test(p)))
                kit.reject('VALIDATION_FAILED', {
                  issues: [
                    {
                      path: '--confirm-maybe',
                      message: `"all" or row numbers like 12,15, got ${o.confirmMaybe}`,
                    },
                  ],
                });
              confirmMaybe = parts.map(Number);
            }
          }
          let bytes: Buffer;
          try {
            bytes = readFileSync(resolve(file));
          } catch (e) {
            kit.reject('VALIDATION_FAILED', {
              issues: [
                { path: 'file', message: `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? e}` },
              ],
            });
          }
          const bar = kit.json() ? () => {} : progressBar(kit.io, 'import');
          const done = { match: 0, write: 0 };
          const res = kit.unwrap(
            await runImport(ctx, {
              actor: { id: u.id, role: u.role },
              file: { name: basename(file), bytes },
              settings: {
                preset: o.preset as PresetName | undefined,
                map,
                ownerColumn: o.ownerColumn,
                line: o.line,
                confirmMaybe,
                overCap: Boolean(o.overCap),
              },
              dryRun: Boolean(o.dryRun),
              // Matching and writing go batch by batch, a batch written while the next is matched:
              // one bar over both (a dry run only matches).
              onProgress: (p) => {
                done[p.phase] = p.done;
                bar(done.match + done.write, o.dryRun ? p.total : p.total * 2);
              },
            }),
          );
          if (o.report) writeFileSync(resolve(o.report), res.plan.report, 'utf8');
          kit.print(
            {
              id: res.id,
              status: res.status,
              counts: res.plan.counts,
              preset: res.plan.preset,
              mapping: res.plan.mapping,
              report: o.report ?? null,
            },
            () =>
              `${formatPlan(res.id, res.plan, Boolean(o.dryRun))}${o.report ? `\nreport: ${resolve(o.report)}` : ''}`,
          );
        }),
    );

  program
    .command('imports')
    .description('past imports (C20); --report <id> writes the report of one')
    .option('--report <id>', 'the import whose report to print (or write with --out)')
    .option('--out <file>', 'with --report: write the CSV to this file')
    .action((o: { report?: string; out?: string }) =>
      kit.withCtx(async (ctx) => {
        if (o.report !== undefined) {
          const imp = kit.unwrap(await getImport(ctx.db, kit.intArg(o.report, '--report')));
          if (o.out) {
            writeFileSync(resolve(o.out), imp.report, 'utf8');
            kit.print(
              { id: imp.id, file: resolve(o.out) },
              () => `report of import #${imp.id}: ${resolve(o.out!)}`,
            );
          } else kit.print({ id: imp.id, report: imp.report }, () => imp.report.replace(/^\uFEFF/, ''));
          return;
        }
        const list = await listImports(ctx.db);
        kit.print(list, () =>
          table(
            list.map((i) => ({
              id: i.id,
              file: i.fileName,
              preset: i.preset,
              status: i.status,
              by: i.actorName,
              at: i.appliedAt ?? i.createdAt,
              rows: i.counts.rows ?? '',
              created: i.counts.created ?? '',
              linked: i.counts.linked ?? '',
              maybe: i.counts.maybe ?? '',
              errors: i.counts.errors ?? '',
            })),
          ),
        );
      }),
    );
}
