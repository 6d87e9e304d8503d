import type { FastifyRequest, FastifyServerOptions } from 'fastify';

/**
 * Request-level security helpers of the HTTP adapter (issue 8, items 5 and 8): request ids,
 * log redaction and the CSRF origin check. server.ts wires them in.
 */

/** An incoming X-Request-Id is kept when it looks like an id (a proxy's, a client's); else a new UUID. */
export function requestId(header: string | string[] | undefined): string | null {
  const v = Array.isArray(header) ? header[0] : header;
  return v && /^[A-Za-z0-9._:-]{1,100}$/.test(v) ? v : null;
}

/** Never logged: credentials in headers, cookies set, and any password/token field of a logged object. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-token"]',
  'req.headers["x-fairbase-ops-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'password',
  'token',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.token',
  'body.password',
  'body.currentPassword',
  'body.newPassword',
];

type LoggerOption = FastifyServerOptions['logger'];

/** The server's pino options with redaction added (false stays false: no logging). */
export function loggerOptions(logger: LoggerOption): LoggerOption {
  if (!logger) return false;
  const base = logger === true ? {} : (logger as Record<string, unknown>);
  return { ...base, redact: { paths: REDACT_PATHS, censor: '[redacted]' } } as LoggerOption;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * CSRF defence in depth (besides SameSite=Lax cookies): a state-changing request that may be
 * authenticated by the browser's cookie must come from our own origin. Returns the details of a
 * refusal, or null to let the request through.
 * - Requests carrying `Authorization`, `X-Api-Token` or the CLI's ops token are exempt: a browser
 *   never adds those to a cross-site request by itself.
 * - No Origin and no Referer (curl, scripts, the CLI): allowed; every browser in use sends Origin
 *   on cross-site POST/PUT/PATCH/DELETE.
 * - Origin (or Referer's origin) must have the request's own host (with trustProxy, the proxy's
 *   X-Forwarded-Host) or be in `allowed` (FAIRBASE_ALLOWED_ORIGINS). `Origin: null` is refused.
 */
export function csrfVerdict(req: FastifyRequest, allowed: readonly string[]): Record<string, string> | null {
  if (!STATE_CHANGING.has(req.method)) return null;
  const h = req.headers;
  if (h.authorization || h['x-api-token'] || h['x-fairbase-ops-token']) return null;
  const origin = typeof h.origin === 'string' ? h.origin : null;
  const referer = typeof h.referer === 'string' ? h.referer : null;
  const claimed = origin ?? (referer ? originOf(referer) : null);
  if (origin === null && referer === null) return null;
  if (!claimed || claimed === 'null') return { origin: String(origin ?? referer) };
  if (allowed.includes(claimed)) return null;
  try {
    const url = new URL(claimed);
    // The request's host read with the origin's scheme, so a default port (:80, :443) compares equal.
    const own = new URL(`${url.protocol}//${req.host}`).host;
    return url.host === own ? null : { origin: claimed };
  } catch {
    return { origin: claimed };
  }
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
