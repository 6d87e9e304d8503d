// Response shapes come from the server's own zod contract (types only: nothing of it is bundled).
import type { z } from 'zod';
import type {
  apiTokenCreatedOut,
  apiTokenOut,
  changeOut,
  clientCardOut,
  clientListItemOut,
  createdOut,
  eventOut,
  lookupOut,
  managerOut,
  matchResultOut,
  policyOut,
  policyVersionOut,
  reviewOut,
  userOut,
} from '../../../src/contract/schemas.ts';

export type User = z.output<typeof userOut>;
export type Manager = z.output<typeof managerOut>;
export type ClientCard = z.output<typeof clientCardOut>;
export type ClientListItem = z.output<typeof clientListItemOut>;
export type LedgerEvent = z.output<typeof eventOut>;
export type Change = z.output<typeof changeOut>;
export type LookupResult = z.output<typeof lookupOut>;
export type LookupItem = LookupResult['items'][number];
export type MatchResult = z.output<typeof matchResultOut>;
export type Created = z.output<typeof createdOut>;
export type PolicyDoc = z.output<typeof policyOut>;
export type PolicyVersion = z.output<typeof policyVersionOut>;
export type Review = z.output<typeof reviewOut>;
export type ApiToken = z.output<typeof apiTokenOut>;
export type ApiTokenCreated = z.output<typeof apiTokenCreatedOut>;
export type Page<T> = { items: T[]; nextCursor: number | null };
export type Line = { id: number; name: string; isDefault: boolean; active: boolean };
export type BaseOut = { manager: Manager; items: ClientListItem[]; nextCursor: number | null };

// Export (C20): GET /api/exports/:kind?format=
export type ExportKind = z.output<typeof import('../../../src/contract/exports.ts').exportKindSchema>;
export type ExportFormat = z.output<typeof import('../../../src/contract/exports.ts').exportFormatSchema>;
// Import (C20)
export type ImportPlan = z.output<typeof import('../../../src/contract/imports.ts').importPlanOut>;
export type ImportList = z.output<typeof import('../../../src/contract/imports.ts').importListOut>;
