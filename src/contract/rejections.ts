import type { RejectionCode } from '../core/outcome.ts';

type Entry = {
  status: number;
  exit: number;
  messageKey: string;
  message: (d: Record<string, unknown>) => string;
};

/**
 * The one table that maps every "no" to an HTTP status, a CLI exit code and a message key
 * (the web UI translates the key; the API and CLI also carry an English message).
 * `satisfies Record<RejectionCode, …>`: adding a code without a row does not compile.
 */
export const rejectionTable = {
  VALIDATION_FAILED: {
    status: 400,
    exit: 2,
    messageKey: 'errors.VALIDATION_FAILED',
    message: (d) => `Invalid input: ${issuesText(d)}`,
  },
  NOT_FOUND: {
    status: 404,
    exit: 3,
    messageKey: 'errors.NOT_FOUND',
    message: (d) => `Not found: ${String(d.entity ?? 'resource')}`,
  },
  UNAUTHENTICATED: {
    status: 401,
    exit: 4,
    messageKey: 'errors.UNAUTHENTICATED',
    message: () => 'Sign in first',
  },
  INVALID_CREDENTIALS: {
    status: 401,
    exit: 4,
    messageKey: 'errors.INVALID_CREDENTIALS',
    message: () => 'Wrong e-mail or password',
  },
  FORBIDDEN: {
    status: 403,
    exit: 5,
    messageKey: 'errors.FORBIDDEN',
    message: (d) => `Your role may not do this${d.allowed ? ` (allowed: ${String(d.allowed)})` : ''}`,
  },
  CONFLICT: {
    status: 409,
    exit: 6,
    messageKey: 'errors.CONFLICT',
    message: (d) => `Already exists${d.field ? `: ${String(d.field)}` : ''}`,
  },
  LOGIN_THROTTLED: {
    status: 429,
    exit: 8,
    messageKey: 'errors.LOGIN_THROTTLED',
    message: (d) =>
      `Too many failed sign-ins${d.scope === 'ip' ? ' from this address' : ' for this account'}; try again in ${String(d.retryAfterSeconds ?? 'a few')} seconds`,
  },
  CSRF_REJECTED: {
    status: 403,
    exit: 5,
    messageKey: 'errors.CSRF_REJECTED',
    message: (d) => `Cross-site request refused (origin ${String(d.origin ?? 'unknown')})`,
  },
  DATA_DIR_LOCKED: {
    status: 423,
    exit: 7,
    messageKey: 'errors.DATA_DIR_LOCKED',
    message: (d) => `The data folder is in use by PID ${String(d.pid)}`,
  },
  DUPLICATE_SUSPECTED: {
    status: 409,
    exit: 22,
    messageKey: 'errors.DUPLICATE_SUSPECTED',
    message: (d) =>
      `This looks like an existing client${Array.isArray(d.candidates) && d.candidates[0] ? ` (${String((d.candidates[0] as { client?: { displayName?: string } }).client?.displayName ?? '')})` : ''}: add the data to it, or repeat with "force": true and a "forceReason"`,
  },
  MERGE_SAME_CLIENT: {
    status: 400,
    exit: 23,
    messageKey: 'errors.MERGE_SAME_CLIENT',
    message: () => 'A client cannot be merged with itself (field "otherClientId")',
  },
  MERGE_OWNER_NOT_INVOLVED: {
    status: 400,
    exit: 24,
    messageKey: 'errors.MERGE_OWNER_NOT_INVOLVED',
    message: () =>
      'The chosen owner must own one of the two clients, or be null for the pool (field "ownerId")',
  },
  CAP_REACHED: {
    status: 409,
    exit: 10,
    messageKey: 'errors.CAP_REACHED',
    message: (d) => `The base is full: ${String(d.count)} of ${String(d.cap)} clients`,
  },
  CLIENT_OWNED_BY_OTHER: {
    status: 409,
    exit: 11,
    messageKey: 'errors.CLIENT_OWNED_BY_OTHER',
    message: (d) => `The client is in the base of manager ${String(d.ownerId)}`,
  },
  ALREADY_OWNER: {
    status: 409,
    exit: 12,
    messageKey: 'errors.ALREADY_OWNER',
    message: () => 'The client is already in your base',
  },
  NOT_OWNER: {
    status: 403,
    exit: 13,
    messageKey: 'errors.NOT_OWNER',
    message: () => 'Only the owner (or a head of sales) may do this',
  },
  CLIENT_IN_POOL: {
    status: 409,
    exit: 14,
    messageKey: 'errors.CLIENT_IN_POOL',
    message: () => 'The client is in the pool, nobody owns it',
  },
  REASON_REQUIRED: {
    status: 400,
    exit: 15,
    messageKey: 'errors.REASON_REQUIRED',
    message: () => 'A reason is required (field "reason")',
  },
  RECLAIM_COOLDOWN: {
    status: 409,
    exit: 16,
    messageKey: 'errors.RECLAIM_COOLDOWN',
    message: (d) => `You released this client recently; you may claim it again after ${String(d.until)}`,
  },
  CLIENT_PROTECTED: {
    status: 409,
    exit: 17,
    messageKey: 'errors.CLIENT_PROTECTED',
    message: (d) => `The client is protected until ${String(d.until)}; set overrideProtection to proceed`,
  },
  USER_NOT_ACTIVE: {
    status: 409,
    exit: 18,
    messageKey: 'errors.USER_NOT_ACTIVE',
    message: (d) => `The user is not active (${String(d.status)})`,
  },
  USER_CANNOT_OWN: {
    status: 409,
    exit: 19,
    messageKey: 'errors.USER_CANNOT_OWN',
    message: () => 'Only managers and heads of sales can own clients',
  },
  ROLE_NOT_ALLOWED: {
    status: 403,
    exit: 5,
    messageKey: 'errors.ROLE_NOT_ALLOWED',
    message: (d) => `Not allowed: ${String(d.reason ?? d.action ?? '')}`,
  },
  SWAP_SAME_CLIENT: {
    status: 400,
    exit: 20,
    messageKey: 'errors.SWAP_SAME_CLIENT',
    message: () => 'A swap needs two different clients (field "releaseClientId")',
  },
  TRANSFER_SAME_OWNER: {
    status: 409,
    exit: 21,
    messageKey: 'errors.TRANSFER_SAME_OWNER',
    message: () => 'The client already belongs to that manager',
  },
  EXTENSION_NOT_LATER: {
    status: 400,
    exit: 30,
    messageKey: 'errors.EXTENSION_NOT_LATER',
    message: (d) => `The extension must end in the future (field "until": ${String(d.until)})`,
  },
  DO_NOT_CONTACT: {
    status: 409,
    exit: 40,
    messageKey: 'errors.DO_NOT_CONTACT',
    message: () => 'This contact is marked do-not-contact: no outbound touches (field "contactId")',
  },
  NON_OWNER_OUTREACH_BLOCKED: {
    status: 409,
    exit: 41,
    messageKey: 'errors.NON_OWNER_OUTREACH_BLOCKED',
    message: (d) =>
      `The client is owned by manager ${Array.isArray(d.ownerIds) ? d.ownerIds.join(', ') : '?'}: the policy lets only the owner reach out`,
  },
  DEAL_CLOSED: {
    status: 409,
    exit: 42,
    messageKey: 'errors.DEAL_CLOSED',
    message: (d) =>
      `The deal is ${String(d.stage ?? 'closed')}: only a head of sales may reopen or change it`,
  },
  DEAL_NOT_WON: {
    status: 400,
    exit: 43,
    messageKey: 'errors.DEAL_NOT_WON',
    message: (d) => `Order dates belong to won deals only (field "${String(d.field ?? 'stage')}")`,
  },
  NOT_DEAL_MANAGER: {
    status: 403,
    exit: 44,
    messageKey: 'errors.NOT_DEAL_MANAGER',
    message: () => "Only the deal's manager or a head of sales may change it",
  },
  PLAN_WEEK_CLOSED: {
    status: 409,
    exit: 45,
    messageKey: 'errors.PLAN_WEEK_CLOSED',
    message: (d) =>
      `Week ${String(d.isoWeek)} is over: its plan is history (a head of sales may still edit it)`,
  },
  PLAN_CLIENT_NOT_AVAILABLE: {
    status: 409,
    exit: 46,
    messageKey: 'errors.PLAN_CLIENT_NOT_AVAILABLE',
    message: (d) =>
      `Client ${String(d.clientId)} is neither in this manager's base nor in the pool (field "${String(d.field ?? 'items')}")`,
  },
  NOT_PLAN_OWNER: {
    status: 403,
    exit: 47,
    messageKey: 'errors.NOT_PLAN_OWNER',
    message: () => 'A manager edits only their own weekly plan',
  },
  DISPUTE_ALREADY_OPEN: {
    status: 409,
    exit: 48,
    messageKey: 'errors.DISPUTE_ALREADY_OPEN',
    message: () => 'A dispute about this client in this line is already open; it is settled first',
  },
  DISPUTE_CLOSED: {
    status: 409,
    exit: 49,
    messageKey: 'errors.DISPUTE_CLOSED',
    message: (d) => `The dispute is already resolved (${String(d.resolution)})`,
  },
} satisfies Record<RejectionCode, Entry>;

function issuesText(d: Record<string, unknown>): string {
  const issues = (d.issues as { path: string; message: string }[] | undefined) ?? [];
  return issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ') || 'see details';
}

export function describeRejection(code: RejectionCode, details: Record<string, unknown>) {
  const e: Entry = rejectionTable[code];
  return {
    status: e.status,
    exit: e.exit,
    body: { error: { code, message: e.message(details), messageKey: e.messageKey, details } },
  };
}
