import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { commissionCsv, commissionXlsx } from '../app/money-export.ts';
import { commissionForMonth, receivables } from '../app/queries/money.ts';
import { commissionQuery } from '../contract/money.ts';
import { registerExportCommands } from './export-commands.ts';
import { table } from './output.ts';
import type { CliKit } from './sweep-commands.ts';

const rub = (kopecks: number) =>
  (kopecks / 100).toLocaleString('ru-RU', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Commission export (C12) and receivables (C22). */
export function registerMoneyCommands(program: Command, kit: CliKit) {
  const exp = program.command('export').description('export reports and data as files');
  registerExportCommands(exp, kit);
  exp
    .command('commission')
    .description(
      'monthly commission per manager (orders won in the month, UTC) as XLSX (summary + per-order sheet) or CSV',
    )
    .requiredOption('--month <YYYY-MM>', 'the month')
    .option('--format <format>', 'xlsx or csv', 'xlsx')
    .option('--out <file>', 'file to write (default commission-YYYY-MM.<format> in the current folder)')
    .option('--detail', 'csv: the per-order lines instead of the summary')
    .option('--manager <user>', 'one manager only: id or e-mail')
    .action((o: { month: string; format: string; out?: string; detail?: boolean; manager?: string }) =>
      kit.withCtx(async (ctx) => {
        if (!commissionQuery.shape.month.safeParse(o.month).success)
          kit.reject('VALIDATION_FAILED', {
            issues: [{ path: '--month', message: `a month as YYYY-MM is required, got ${o.month}` }],
          });
        if (o.format !== 'xlsx' && o.format !== 'csv')
          kit.reject('VALIDATION_FAILED', {
            issues: [{ path: '--format', message: `xlsx or csv, got ${o.format}` }],
          });
        const m = o.manager ? await kit.userRef(ctx, o.manager, '--manager') : null;
        const report = await commissionForMonth(ctx.db, { month: o.month, managerId: m?.id });
        const file = resolve(o.out ?? `commission-${o.month}.${o.format}`);
        if (o.format === 'xlsx') writeFileSync(file, await commissionXlsx(report));
        else writeFileSync(file, commissionCsv(report, Boolean(o.detail)), 'utf8');
        const t = report.totals;
        kit.print(
          { file, month: report.month, managers: report.rows.length, orders: t.orders, totals: t },
          () =>
            `${file}: ${report.rows.length} managers, ${t.orders} orders, credited ${rub(t.creditedKopecks)} ₽, commission ${rub(t.commissionKopecks)} ₽ (held back ${rub(t.heldBackKopecks)} ₽)`,
        );
      }),
    );

  program
    .command('receivables')
    .description('overdue orders (won, due date passed, unpaid) per manager in aging buckets (C22)')
    .option('--manager <user>', 'one manager only: id or e-mail')
    .option('--orders', 'also list the overdue orders')
    .action((o: { manager?: string; orders?: boolean }) =>
      kit.withCtx(async (ctx) => {
        const m = o.manager ? await kit.userRef(ctx, o.manager, '--manager') : null;
        const r = await receivables(ctx.db, { now: ctx.clock(), managerId: m?.id });
        const bucketCols = (b: (typeof r.totals)['buckets']) => ({
          '1–30 ₽': rub(b['1-30'].amountKopecks),
          '31–60 ₽': rub(b['31-60'].amountKopecks),
          '61–90 ₽': rub(b['61-90'].amountKopecks),
          '90+ ₽': rub(b['90+'].amountKopecks),
        });
        kit.print(r, () =>
          [
            `Overdue orders as of ${r.asOf}`,
            table([
              ...r.rows.map((x) => ({
                manager: x.managerName,
                orders: x.orders,
                'total ₽': rub(x.totalKopecks),
                ...bucketCols(x.buckets),
              })),
              ...(r.rows.length
                ? [
                    {
                      manager: 'total',
                      orders: r.totals.orders,
                      'total ₽': rub(r.totals.totalKopecks),
                      ...bucketCols(r.totals.buckets),
                    },
                  ]
                : []),
            ]),
            ...(o.orders
              ? [
                  '',
                  table(
                    r.orders.map((x) => ({
                      deal: x.dealId,
                      client: x.clientName,
                      manager: x.managerName,
                      '₽': rub(x.amountKopecks),
                      due: x.dueAt.slice(0, 10),
                      days: x.daysOverdue,
                    })),
                  ),
                ]
              : []),
          ].join('\n'),
        );
      }),
    );
}
