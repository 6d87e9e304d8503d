import { z } from 'zod';
import { importFields, presetNames } from '../core/import/presets.ts';
import { reasonCodeOut } from './schemas.ts';

/** API shapes of import (C20): upload = dry run, apply, list, detail; the report is CSV. */

const mapping = z
  .partialRecord(z.enum(importFields), z.array(z.string().min(1).max(200)).max(10))
  .describe('field → the columns it is read from, over the preset (an empty list clears the field)');

const settings = {
  preset: z.enum(presetNames).optional().describe('default: detected from the headers'),
  mapping: mapping.optional(),
  ownerColumn: z.string().min(1).max(200).optional().describe('the column naming the owner (e-mail or name)'),
  line: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('line of business: id or name (default line otherwise)'),
  confirmMaybe: z
    .union([z.literal('all'), z.array(z.number().int().positive()).max(100_000)])
    .optional()
    .describe("'maybe' rows to import as new clients: 'all' or row numbers"),
  overCap: z.boolean().optional().describe("assign owners even over their cap (a head's choice)"),
};

export const importUploadInput = z.object({
  fileName: z
    .string()
    .min(1)
    .max(255)
    .describe('the file name; .xlsx is read as a workbook, anything else as CSV'),
  contentBase64: z
    .string()
    .min(1)
    .max(70_000_000)
    .regex(/^[A-Za-z0-9+/=\s]+$/, { message: 'base64 expected' })
    .describe('the file, base64-encoded (CSV in UTF-8 or Windows-1251, or XLSX)'),
  ...settings,
});

export const importApplyInput = z.object(settings);

const counts = z.object({
  rows: z.number(),
  clients: z.number(),
  created: z.number(),
  linked: z.number(),
  maybe: z.number(),
  maybeConfirmed: z.number(),
  sameInFile: z.number(),
  errors: z.number(),
  warnings: z.number(),
  owned: z.number(),
  pool: z.number(),
  overCap: z.number(),
});

export const importGroupOut = z.object({
  row: z.number(),
  rows: z.array(z.number()),
  displayName: z.string(),
  decision: z.enum(['create', 'link', 'maybe']),
  clientId: z.number().nullable(),
  clientName: z.string().nullable(),
  score: z.number().nullable(),
  reasons: z.array(z.string()),
  reasonCodes: z.array(reasonCodeOut).describe('the same reasons, structured (in the same order)'),
  confirmed: z.boolean(),
  ownerId: z.number().nullable(),
  ownerName: z.string().nullable(),
  poolReason: z.enum(['UNKNOWN_OWNER', 'AMBIGUOUS_OWNER', 'OWNER_CANNOT_OWN', 'OVER_CAP']).nullable(),
});

export const importIssueOut = z.object({
  row: z.number(),
  column: z.string(),
  reason: z.string(),
  value: z.string(),
  severity: z.enum(['error', 'warning']),
});

export const importPlanOut = z.object({
  id: z.number(),
  status: z.enum(['dry_run', 'applied', 'failed']),
  fileName: z.string(),
  format: z.enum(['csv', 'xlsx']),
  encoding: z.string().nullable(),
  separator: z.string().nullable(),
  preset: z.enum(presetNames),
  headers: z.array(z.string()),
  mapping: z.record(z.string(), z.array(z.string())),
  fields: z.array(z.string()).describe('every field a column can be mapped to'),
  lineId: z.number(),
  counts,
  groups: z
    .array(importGroupOut)
    .describe('decisions per client: every link and maybe, the first 200 new ones'),
  issues: z.array(importIssueOut).describe('the first 1000 problems (all of them in the report)'),
  preview: z.array(z.object({ row: z.number(), values: z.record(z.string(), z.string()) })),
});

export const importListItemOut = z.object({
  id: z.number(),
  fileName: z.string(),
  preset: z.string(),
  status: z.enum(['dry_run', 'applied', 'failed']),
  actorId: z.number(),
  actorName: z.string().nullable(),
  createdAt: z.string(),
  appliedAt: z.string().nullable(),
  counts: counts.partial(),
  error: z.string().nullable(),
});

export const importListQuery = z.object({
  previews: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1')
    .describe('also list dry runs (every upload is one); default: applied and failed imports only'),
});

export const importListOut = z.object({ items: z.array(importListItemOut) });

export const importDetailOut = importListItemOut.extend({
  mapping: z.record(z.string(), z.array(z.string())),
  options: z.record(z.string(), z.unknown()),
  lineId: z.number().nullable(),
  summary: z.record(z.string(), z.unknown()),
});
