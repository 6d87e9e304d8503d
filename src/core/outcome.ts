import type { ActivityRejectionCode } from './activity/codes.ts';
import type { RuleRejectionCode } from './ownership/types.ts';

/** Codes that are not rule decisions but still a clear "no" to the caller. */
export const boundaryRejectionCodes = [
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'INVALID_CREDENTIALS',
  'FORBIDDEN',
  'CONFLICT',
  'DATA_DIR_LOCKED',
  /** C2: the record matches an existing client; link to it, or force with a reason. */
  'DUPLICATE_SUSPECTED',
  /** Too many failed sign-ins for this account or address: wait (details.retryAfterSeconds). */
  'LOGIN_THROTTLED',
  /** A cookie-authenticated state-changing request from a foreign Origin (CSRF defence). */
  'CSRF_REJECTED',
] as const;
export type BoundaryRejectionCode = (typeof boundaryRejectionCodes)[number];
export type RejectionCode = RuleRejectionCode | BoundaryRejectionCode | ActivityRejectionCode;

/** What a use case returns: a value, or a "no" with its code and details (never an exception). */
export type Outcome<T> =
  | { ok: true; value: T }
  | { ok: false; code: RejectionCode; details: Record<string, unknown> };

export function ok<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: RejectionCode, details: Record<string, unknown> = {}): Outcome<T> {
  return { ok: false, code, details };
}
