import { z } from 'zod';
import { identifierKinds, sourceTypes } from '../core/identity/identifiers.ts';
import { validateInn, validateKpp, validateOgrn, validateOgrnip } from '../core/identity/ru-identifiers.ts';
import { policySchema } from '../core/policy/policy.ts';

/** Row ids are PostgreSQL `integer`s: a bigger number is not an id (and must not reach SQL). */
export const MAX_ID = 2_147_483_647;

/**
 * A date coming in (ISO string or epoch ms). Bounded to years 1900…9999: anything outside is a typo
 * or an attack, and years past 9999 are not ISO-8601 on the way back (nor storable by every driver).
 */
export const apiDate = (params?: Parameters<typeof z.coerce.date>[0]) =>
  z.coerce
    .date(params)
    .min(new Date('1900-01-01T00:00:00.000Z'), 'a date from 1900 on')
    .max(new Date('9999-12-31T23:59:59.999Z'), 'a date before the year 10000');

/** Dates leave the API as ISO-8601 strings. */
export const isoDate = z.date().transform((d) => d.toISOString());
const isoDateNullable = z
  .date()
  .nullable()
  .transform((d) => (d ? d.toISOString() : null));

export const idParam = z.object({ id: z.coerce.number().int().positive().max(MAX_ID) });
export const partParam = z.object({
  id: z.coerce.number().int().positive().max(MAX_ID),
  partId: z.coerce.number().int().positive().max(MAX_ID),
});

const text = (max: number) => z.string().trim().min(1).max(max);
const optText = (max: number) => z.string().trim().max(max).nullable().optional();

const errorMessages: Record<string, string> = {
  INVALID_LENGTH: 'wrong length',
  INVALID_CHARACTERS: 'only digits allowed',
  INVALID_CHECKSUM: 'checksum does not match',
  INVALID_COMPONENT: 'wrong first digit',
};

/** ИНН/КПП/ОГРН are checked by their checksums at the boundary, so a bad one names its field. */
const identifier = (validate: (v: string) => { ok: true; value: string } | { ok: false; error: string }) =>
  z
    .string()
    .trim()
    .nullable()
    .optional()
    .transform((v, ctx) => {
      if (v === null || v === undefined || v === '') return null;
      const r = validate(v);
      if (!r.ok) {
        ctx.addIssue({ code: 'custom', message: errorMessages[r.error] ?? r.error });
        return z.NEVER;
      }
      return r.value;
    });

const ogrnAny = (v: string) => (v.replace(/\D/g, '').length === 15 ? validateOgrnip(v) : validateOgrn(v));

export const legalEntityInput = z.object({
  name: text(300),
  legalForm: optText(60),
  inn: identifier(validateInn),
  kpp: identifier(validateKpp),
  ogrn: identifier(ogrnAny),
});
export const brandInput = z.object({ name: text(200) });
export const contactInput = z.object({
  name: text(200),
  position: optText(200),
  isDecisionMaker: z.boolean().optional(),
  phones: z.array(text(50)).max(20).optional(),
  emails: z.array(z.email().max(254)).max(20).optional(),
  doNotContact: z.boolean().optional(),
});
export const addressKind = z.enum(['hq', 'branch', 'store', 'other']);
export const addressInput = z.object({ kind: addressKind, address: text(500), city: optText(120) });

export const partInputs = {
  legalEntities: legalEntityInput,
  brands: brandInput,
  contacts: contactInput,
  addresses: addressInput,
} as const;

export const clientCreateInput = z.object({
  displayName: text(300),
  notes: optText(5000),
  legalEntities: z.array(legalEntityInput).max(50).optional(),
  brands: z.array(brandInput).max(50).optional(),
  contacts: z.array(contactInput).max(200).optional(),
  addresses: z.array(addressInput).max(200).optional(),
  claim: z.boolean().optional().describe('Put the new client in my base (default true for managers)'),
  lineId: z.number().int().positive().max(MAX_ID).optional(),
  force: z.boolean().optional().describe('Create although it matches an existing client; needs forceReason'),
  forceReason: z.string().trim().max(1000).optional(),
});
export const matchInput = clientCreateInput
  .pick({
    displayName: true,
    legalEntities: true,
    brands: true,
    contacts: true,
    addresses: true,
  })
  .partial();
export const lookupQuery = z.object({
  q: z.string().trim().min(1).max(200),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});
export const mergeInput = z.object({
  otherClientId: z.number().int().positive().max(MAX_ID),
  ownerId: z
    .number()
    .int()
    .positive()
    .max(MAX_ID)
    .nullable()
    .optional()
    .describe('Owner of the merged client: one of the two owners, or null'),
});
export const forceFields = {
  force: z.boolean().optional(),
  forceReason: z.string().trim().max(1000).optional(),
};
export const clientPatchInput = z
  .object({ displayName: text(300).optional(), notes: optText(5000) })
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change' });

const cursorLimit = {
  cursor: z.coerce.number().int().positive().max(MAX_ID).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
};

export const pageQuery = z.object(cursorLimit);

export const clientListQuery = z.object({
  q: z.string().trim().max(200).optional(),
  owner: z.union([z.literal('me'), z.coerce.number().int().positive().max(MAX_ID)]).optional(),
  line: z.coerce.number().int().positive().max(MAX_ID).optional(),
  status: z.enum(['pool', 'owned']).optional(),
  ...cursorLimit,
});
export const poolQuery = z.object({
  q: z.string().trim().max(200).optional(),
  line: z.coerce.number().int().positive().max(MAX_ID).optional(),
  ...cursorLimit,
});
export const ledgerQuery = z.object({
  clientId: z.coerce.number().int().positive().max(MAX_ID).optional(),
  managerId: z.coerce.number().int().positive().max(MAX_ID).optional(),
  line: z.coerce.number().int().positive().max(MAX_ID).optional(),
  from: apiDate().optional(),
  to: apiDate().optional(),
  order: z.enum(['asc', 'desc']).default('asc'),
  ...cursorLimit,
});
export const ownerAtQuery = z.object({ at: apiDate() });
export const lineQuery = z.object({ line: z.coerce.number().int().positive().max(MAX_ID).optional() });

export const claimInput = z.object({ lineId: z.number().int().positive().max(MAX_ID).optional() }).nullish();
export const releaseInput = z
  .object({
    lineId: z.number().int().positive().max(MAX_ID).optional(),
    reason: z.string().trim().max(1000).optional(),
    overrideProtection: z.boolean().optional(),
  })
  .nullish();
export const swapInput = z.object({
  releaseClientId: z.number().int().positive().max(MAX_ID),
  lineId: z.number().int().positive().max(MAX_ID).optional(),
});
export const transferInput = z.object({
  toManagerId: z.number().int().positive().max(MAX_ID),
  reason: z.string().trim().min(1, 'a reason is required').max(1000),
  lineId: z.number().int().positive().max(MAX_ID).optional(),
  overrideProtection: z.boolean().optional(),
});

export const loginInput = z.object({
  email: z.string().trim().min(3).max(254),
  password: z.string().min(1).max(200),
});
export const passwordChangeInput = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: z.string().min(8, 'at least 8 characters').max(200),
});
export const roleSchema = z.enum(['manager', 'head', 'admin']);
export const statusSchema = z.enum(['active', 'on_leave', 'left']);
export const userCreateInput = z.object({
  name: text(200),
  email: z.email().max(254),
  password: z.string().min(8, 'at least 8 characters').max(200),
  role: roleSchema,
  hiredAt: apiDate().optional(),
});
export const userPatchInput = z
  .object({
    name: text(200).optional(),
    role: roleSchema.optional(),
    status: statusSchema.optional(),
    capOverride: z.number().int().min(1).max(100_000).nullable().optional(),
    phoneExtension: z
      .string()
      .trim()
      .regex(/^[0-9A-Za-z*#+_-]{1,20}$/, 'digits, letters and * # + _ - only')
      .nullable()
      .optional()
      .describe('Internal phone extension, where the PBX rings the owner'),
    password: z.string().min(8, 'at least 8 characters').max(200).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change' });
export const policyPutInput = z.object({ policy: policySchema, note: z.string().trim().max(500).optional() });

// ---- responses ----
export const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    messageKey: z.string(),
    details: z.record(z.string(), z.unknown()),
  }),
});
export const userOut = z.object({
  id: z.number(),
  name: z.string(),
  email: z.string(),
  role: roleSchema,
  status: statusSchema,
  hiredAt: isoDate,
  capOverride: z.number().nullable(),
  phoneExtension: z.string().nullable(),
});
export const ownerOut = z.object({
  lineId: z.number(),
  lineName: z.string(),
  ownerId: z.number().nullable(),
  ownerName: z.string().nullable(),
  since: isoDate,
  protectedUntil: isoDateNullable,
  lastReason: z.string().nullable(),
});
const partBase = {
  id: z.number(),
  clientId: z.number(),
  createdBy: z.number().nullable(),
  createdAt: isoDate,
};
export const clientCardOut = z.object({
  id: z.number(),
  displayName: z.string(),
  notes: z.string().nullable(),
  createdBy: z.number().nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
  mergedInto: z.number().nullable().describe('Set when this client was merged into another'),
  isKey: z.boolean().describe('Marked as a key client by a head (C17)'),
  legalEntities: z.array(
    z.object({
      ...partBase,
      name: z.string(),
      legalForm: z.string().nullable(),
      inn: z.string().nullable(),
      kpp: z.string().nullable(),
      ogrn: z.string().nullable(),
    }),
  ),
  brands: z.array(z.object({ ...partBase, name: z.string() })),
  contacts: z.array(
    z.object({
      ...partBase,
      name: z.string(),
      position: z.string().nullable(),
      isDecisionMaker: z.boolean(),
      phones: z.array(z.string()),
      emails: z.array(z.string()),
      doNotContact: z.boolean(),
    }),
  ),
  addresses: z.array(
    z.object({ ...partBase, kind: addressKind, address: z.string(), city: z.string().nullable() }),
  ),
  owners: z.array(ownerOut),
  lastContact: z
    .object({
      touchId: z.number(),
      occurredAt: isoDate,
      authorId: z.number(),
      authorName: z.string(),
      kind: z.string(),
      direction: z.string(),
      outcome: z.string().nullable(),
    })
    .nullable()
    .describe(
      'Our company last contacted them on … (who, how): the latest call, meeting, e-mail or proposal',
    ),
});
export const clientListItemOut = z.object({
  id: z.number(),
  displayName: z.string(),
  createdAt: isoDate,
  lineId: z.number(),
  ownerId: z.number().nullable(),
  ownerName: z.string().nullable(),
  since: isoDate,
  protectedUntil: isoDateNullable,
  isKey: z.boolean().describe('Marked as a key client by a head (C17)'),
  lastTouchAt: isoDateNullable.describe('The owner’s latest touch with the client'),
  lastTouchKind: z.string().nullable(),
  nextStep: z.string().nullable().describe('The latest next step written on a touch of this client'),
  nextStepAt: isoDateNullable,
});
export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.number().nullable() });

export const eventOut = z.object({
  id: z.number(),
  type: z.string(),
  clientId: z.number(),
  lineId: z.number(),
  fromManagerId: z.number().nullable(),
  toManagerId: z.number().nullable(),
  actor: z.string(),
  reasonCode: z.string(),
  rule: z.string(),
  policyVersion: z.number(),
  occurredAt: isoDate,
  protectedUntil: isoDateNullable,
  details: z.record(z.string(), z.unknown()),
});
export const changeOut = z.object({ events: z.array(eventOut) });
export const managerOut = userOut.extend({
  baseCount: z.number(),
  cap: z.number(),
  capSource: z.enum(['policy', 'newcomer', 'override']),
  newcomer: z.boolean(),
});
export const policyOut = z.object({ version: z.number(), policy: policySchema });
export const policyVersionOut = z.object({
  version: z.number(),
  note: z.string().nullable(),
  createdBy: z.number().nullable(),
  createdAt: isoDate,
});
export const ownerAtOut = z.object({
  clientId: z.number(),
  at: isoDate,
  lines: z.array(
    z.object({
      lineId: z.number(),
      ownerId: z.number().nullable(),
      since: isoDateNullable,
      event: eventOut.nullable(),
    }),
  ),
});
export const idOut = z.object({ id: z.number() });
const identifierKind = z.enum(identifierKinds);
const sourceType = z.enum(sourceTypes);
export const clientSummaryOut = z.object({
  id: z.number(),
  displayName: z.string(),
  owners: z.array(ownerOut),
  lastTouchAt: isoDateNullable,
});
/** A match reason for screens (src/core/identity/reason-code.ts): the UI translates it by code. */
export const reasonCodeOut = z.object({
  code: z.string().describe('SAME_INN, SAME_OGRN, SAME_PHONE, SAME_EMAIL, SAME_DOMAIN, NAME_SIMILAR, …'),
  kind: identifierKind,
  similarity: z.number(),
  display: z.string().describe('the matched identifier as written on the other client'),
  contact: z.string().nullable().describe('the contact an exact phone/e-mail belongs to'),
});
export const matchResultOut = z.object({
  clientId: z.number(),
  score: z.number(),
  outcome: z.enum(['same', 'maybe', 'different']),
  reasons: z.array(
    z.object({
      code: z.string(),
      kind: identifierKind,
      similarity: z.number(),
      matched: z.object({ display: z.string(), kind: identifierKind, sourceType, sourceId: z.number() }),
      query: z.string(),
      contact: z.string().optional(),
      text: z.string(),
    }),
  ),
  client: clientSummaryOut,
});
export const createdOut = z.object({ id: z.number(), duplicates: z.array(matchResultOut) });
export const lookupOut = z.object({
  items: z.array(
    z.object({
      clientId: z.number(),
      score: z.number(),
      matched: z.object({ kind: identifierKind, display: z.string(), sourceType }).nullable(),
      client: clientSummaryOut,
    }),
  ),
});

// ---- API tokens and telephony (C18) ----
export const apiTokenScope = z.enum(['telephony', 'full']);
export const apiTokenCreateInput = z.object({
  name: text(100).describe('What the token is for, e.g. "Asterisk, office PBX"'),
  scope: apiTokenScope
    .default('telephony')
    .describe('telephony: caller lookup only; full: acts as its creator on the whole API (keep it secret)'),
});
export const apiTokenOut = z.object({
  id: z.number(),
  name: z.string(),
  scope: apiTokenScope,
  createdBy: z.number(),
  createdByName: z.string().nullable(),
  createdAt: isoDate,
  revokedAt: isoDateNullable,
  lastUsedAt: isoDateNullable,
});
export const apiTokenCreatedOut = apiTokenOut.extend({
  token: z.string().describe('The secret (fbt_…): shown in this answer only; store it in the PBX now'),
});
export const telephonyLookupQuery = z.object({
  phone: z
    .string()
    .max(64)
    .describe('Caller ID in any common format: +7 927 100-20-30, 89271002030, 79271002030'),
  format: z
    .enum(['json', 'text'])
    .default('json')
    .describe('text: just the extension to ring, or an empty body (for an Asterisk dialplan CURL())'),
});
export const telephonyLookupOut = z.object({
  phone: z.string().describe('The caller ID in E.164'),
  found: z.boolean(),
  clients: z.array(
    z.object({
      clientId: z.number(),
      displayName: z.string(),
      matched: z.object({ display: z.string(), contactName: z.string().nullable() }),
      owners: z.array(
        z.object({
          lineId: z.number(),
          lineName: z.string(),
          ownerId: z.number(),
          ownerName: z.string(),
          ownerExtension: z.string().nullable(),
          ownerStatus: statusSchema,
        }),
      ),
      status: z.enum(['owned', 'pool']),
    }),
  ),
});

// ---- base review (C23) ----
export const reviewQuery = z.object({
  untouchedDays: z.coerce.number().int().min(1).max(36_500).default(730),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const reviewClientRef = { clientId: z.number(), displayName: z.string() };
export const duplicateScanStartedOut = z.object({
  started: z.boolean().describe('false: a scan is already running'),
  runningSince: isoDateNullable,
});
export const reviewOut = z.object({
  generatedAt: isoDate,
  untouchedDays: z.number(),
  untouchedSince: isoDate,
  basis: z
    .literal('touches')
    .describe(
      'untouched = added before the cut-off and no touch since: for a contact, no touch of its client naming it or naming nobody; for a legal entity, no touch of its client and no deal with it opened or won',
    ),
  limit: z.number(),
  invalidIdentifiers: z.array(
    z.object({
      ...reviewClientRef,
      legalEntityId: z.number(),
      legalEntityName: z.string(),
      field: z.enum(['inn', 'kpp', 'ogrn']),
      value: z.string(),
      error: z.string(),
    }),
  ),
  unparseablePhones: z.array(
    z.object({
      ...reviewClientRef,
      contactId: z.number(),
      contactName: z.string(),
      value: z.string(),
      error: z.string(),
    }),
  ),
  staleContacts: z.array(
    z.object({
      ...reviewClientRef,
      contactId: z.number(),
      contactName: z.string(),
      createdAt: isoDate,
      lastTouchAt: isoDateNullable.describe('the latest touch naming this contact or nobody'),
    }),
  ),
  staleLegalEntities: z.array(
    z.object({
      ...reviewClientRef,
      legalEntityId: z.number(),
      legalEntityName: z.string(),
      inn: z.string().nullable(),
      createdAt: isoDate,
      lastTouchAt: isoDateNullable.describe("the client's latest touch"),
    }),
  ),
  likelyDuplicates: z.array(
    z.object({
      clients: z.array(z.number()),
      score: z.number(),
      reasons: z.array(z.string()),
      reasonCodes: z.array(reasonCodeOut).describe('the same reasons, structured (in the same order)'),
    }),
  ),
  duplicateScan: z
    .object({
      source: z
        .enum(['live', 'scan', 'none'])
        .describe(
          'live: clustered for this review (a small base); scan: the latest scan of a large base; none: not scanned yet',
        ),
      scannedAt: isoDateNullable.describe('when the scan shown finished'),
      scanRunningSince: isoDateNullable.describe('a scan is running (nightly, or asked for by a head)'),
      scanProblem: z
        .discriminatedUnion('code', [
          z.object({ code: z.literal('BASE_TOO_LARGE'), clients: z.number(), heapLimitMb: z.number() }),
          z.object({ code: z.literal('FAILED'), message: z.string() }),
        ])
        .nullable()
        .describe('the latest scan ended without a result: too large for the server’s memory, or an error'),
    })
    .describe('where likelyDuplicates come from'),
  forcedDuplicates: z
    .array(
      z.object({
        overrideId: z.number(),
        ...reviewClientRef,
        actorId: z.number(),
        actorName: z.string().nullable(),
        reason: z.string(),
        occurredAt: isoDate,
        matched: z.array(
          z.object({
            ...reviewClientRef,
            score: z.number(),
            reasons: z.array(reasonCodeOut),
          }),
        ),
      }),
    )
    .describe(
      'clients created or given data despite a `same` match (forced with a reason), newest first, while both still stand alone',
    ),
  counts: z.object({
    invalidIdentifiers: z.number(),
    unparseablePhones: z.number(),
    staleContacts: z.number(),
    staleLegalEntities: z.number(),
    likelyDuplicates: z.number(),
    forcedDuplicates: z.number(),
  }),
});
