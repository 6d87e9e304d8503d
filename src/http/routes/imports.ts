import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { AppContext } from '../../app/context.ts';
import {
  applyImport,
  getImport,
  type ImportSettings,
  type ImportView,
  listImports,
  previewImport,
} from '../../app/import/run.ts';
import { importFields } from '../../core/import/presets.ts';
import type { Outcome } from '../../core/outcome.ts';
import {
  importApplyInput,
  importDetailOut,
  importListOut,
  importListQuery,
  importPlanOut,
  importUploadInput,
} from '../../contract/imports.ts';
import { idParam } from '../../contract/schemas.ts';
import type { Role } from '../../core/ownership/types.ts';
import { currentUser } from '../auth.ts';
import { sendOutcome } from '../reply.ts';

/** Heads of sales and admins import; a manager's base comes in through their head (decided for C20). */
const IMPORTERS: readonly Role[] = ['head', 'admin'];

/** Where the use case's field names live in the request body. */
const BODY_FIELD: Record<string, string> = {
  file: 'body.contentBase64',
  map: 'body.mapping',
  ownerColumn: 'body.ownerColumn',
  line: 'body.line',
};

function bodyPaths<T>(out: Outcome<T>): Outcome<T> {
  if (out.ok) return out;
  const d = out.details as { field?: string; issues?: { path: string; message: string }[] };
  const field = d.field ? (BODY_FIELD[d.field] ?? `body.${d.field}`) : undefined;
  return {
    ...out,
    details: {
      ...out.details,
      ...(field ? { field } : {}),
      ...(d.issues ? { issues: d.issues.map((i) => ({ ...i, path: BODY_FIELD[i.path] ?? i.path })) } : {}),
    },
  };
}

function settingsOf(b: z.infer<typeof importApplyInput>): ImportSettings {
  return {
    preset: b.preset,
    map: b.mapping as Record<string, string[]> | undefined,
    ownerColumn: b.ownerColumn,
    line: b.line,
    confirmMaybe: b.confirmMaybe,
    overCap: b.overCap,
  };
}

function planView(v: ImportView): z.infer<typeof importPlanOut> {
  const p = v.plan;
  const held = p.groups.filter((g) => g.decision !== 'create');
  const fresh = p.groups.filter((g) => g.decision === 'create').slice(0, 200);
  return {
    id: v.id,
    status: v.status,
    fileName: p.fileName,
    format: p.format,
    encoding: p.encoding,
    separator: p.separator,
    preset: p.preset,
    headers: p.headers,
    mapping: p.mapping as Record<string, string[]>,
    fields: [...importFields],
    lineId: p.lineId,
    counts: p.counts,
    groups: [...held, ...fresh].sort((a, b) => a.row - b.row),
    issues: p.issues.slice(0, 1000),
    preview: p.preview,
  };
}

/** Import of CRM exports (C20): upload (a dry run), apply, list, report. */
export function registerImportRoutes(root: FastifyInstance, ctx: AppContext) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/imports',
    {
      config: { access: IMPORTERS },
      bodyLimit: 100 * 1024 * 1024,
      schema: {
        tags: ['import'],
        summary: 'Upload a CRM export: a dry run that stores the import and returns its plan',
        description:
          'JSON body: `fileName` and `contentBase64` (CSV in UTF-8 or Windows-1251 with `,` `;` or tab, or XLSX: ' +
          'its first sheet). The preset (amocrm, bitrix24, generic) is detected from the headers unless given; ' +
          '`mapping` overrides fields. Nothing but the import record is written. The answer: detected preset and ' +
          'mapping, the first rows, counts, and per client the decision (create, link to an existing client, maybe) ' +
          'with the evidence. Heads and admins only.',
        body: importUploadInput,
        response: { 201: importPlanOut },
      },
    },
    async (req, reply) => {
      const u = currentUser(req);
      const b = req.body;
      const bytes = Buffer.from(b.contentBase64, 'base64');
      const out = await previewImport(ctx, {
        actor: { id: u.id, role: u.role },
        file: { name: b.fileName, bytes },
        settings: settingsOf(b),
      });
      return sendOutcome(reply, bodyPaths(out), 201, planView);
    },
  );
  app.post(
    '/api/imports/:id/apply',
    {
      config: { access: IMPORTERS },
      schema: {
        tags: ['import'],
        summary: 'Apply an uploaded import: all or nothing, in one transaction',
        description:
          'Settings given here (mapping, confirmMaybe, overCap…) replace those of the upload. Clients owned by the ' +
          'manager named in the file get a ledger event with reason IMPORTED and `details.importId`. ' +
          'An applied import cannot be applied again (409).',
        params: idParam,
        body: importApplyInput,
        response: { 200: importPlanOut },
      },
    },
    async (req, reply) => {
      const u = currentUser(req);
      const out = await applyImport(ctx, {
        actor: { id: u.id, role: u.role },
        importId: req.params.id,
        settings: Object.fromEntries(
          Object.entries(settingsOf(req.body)).filter(([, v]) => v !== undefined),
        ) as ImportSettings,
      });
      return sendOutcome(reply, bodyPaths(out), 200, planView);
    },
  );
  app.get(
    '/api/imports',
    {
      config: { access: IMPORTERS },
      schema: {
        tags: ['import'],
        summary: 'Past imports, newest first (dry runs only with ?previews=1)',
        querystring: importListQuery,
        response: { 200: importListOut },
      },
    },
    async (req) => ({ items: await listImports(ctx.db, 100, { previews: req.query.previews }) }),
  );
  app.get(
    '/api/imports/:id',
    {
      config: { access: IMPORTERS },
      schema: {
        tags: ['import'],
        summary: 'One import: status, counts, mapping, and the stored preview and decisions',
        params: idParam,
        response: { 200: importDetailOut },
      },
    },
    async (req, reply) => {
      const out = await getImport(ctx.db, req.params.id);
      return sendOutcome(reply, out, 200, ({ report: _r, ...rest }) => rest);
    },
  );
  app.get(
    '/api/imports/:id/report.csv',
    {
      config: { access: IMPORTERS },
      schema: {
        tags: ['import'],
        summary: 'The report as CSV (UTF-8 with BOM, `;`): row, column, reason, decision, client_id, detail',
        params: idParam,
      },
    },
    async (req, reply) => {
      const out = await getImport(ctx.db, req.params.id);
      if (!out.ok) return sendOutcome(reply, out);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="import-${out.value.id}-report.csv"`)
        .send(out.value.report);
    },
  );
}
