import { z } from 'zod';
import { isoDate } from './schemas.ts';

/** API shapes of the audit log (issue 8, item 6). */

export const auditQuery = z.object({
  action: z.string().trim().max(100).optional().describe('e.g. policy.set, user.update, token.revoke'),
  actor: z.coerce.number().int().positive().optional().describe('The acting user id'),
  targetType: z.string().trim().max(50).optional().describe('user, policy, api_token, import'),
  targetId: z.string().trim().max(100).optional(),
  from: z.coerce.date().optional().describe('ISO time, inclusive'),
  to: z.coerce.date().optional().describe('ISO time, inclusive'),
  cursor: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const auditRecordOut = z.object({
  id: z.number(),
  at: isoDate,
  actorId: z.number().nullable(),
  actorLabel: z.string(),
  actorName: z.string().nullable(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
});

export const auditPageOut = z.object({ items: z.array(auditRecordOut), nextCursor: z.number().nullable() });
