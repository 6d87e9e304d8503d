import { MAX_ID } from './schemas.ts';
import { z } from 'zod';

/** Data export (C20): `GET /api/exports/:kind?format=&manager=&line=` streams a CSV or XLSX file. */

export const exportKindSchema = z.enum(['clients', 'pool', 'ledger', 'touches'], {
  message: 'one of clients, pool, ledger, touches',
});
export const exportFormatSchema = z.enum(['csv', 'xlsx'], { message: 'csv or xlsx' });

export const exportParams = z.object({ kind: exportKindSchema });

export const exportQuery = z.object({
  format: exportFormatSchema.default('xlsx'),
  /** One manager (user id); a manager may name only themselves. */
  manager: z.coerce.number().int().positive().max(MAX_ID).optional(),
  /** One line: its id or its name. */
  line: z.string().trim().min(1).max(200).optional(),
});
