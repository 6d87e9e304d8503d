import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { AppContext } from '../app/context.ts';
import { readiness } from '../app/readiness.ts';
import { tokenForRequest, userForApiToken } from '../app/use-cases/api-tokens.ts';
import { userForSession } from '../app/use-cases/users.ts';
import { findNulText } from '../contract/text-safety.ts';
import { type RouteAccess, sessionToken } from './auth.ts';
import { csrfVerdict, loggerOptions, requestId } from './security.ts';
import { sendRejection } from './reply.ts';
import { registerAnalyticsRoutes } from './routes/analytics.ts';
import { registerAuditRoutes } from './routes/audit.ts';
import { registerAuthRoutes } from './routes/auth.ts';
import { registerDisputeRoutes } from './routes/disputes.ts';
import { registerClientRoutes } from './routes/clients.ts';
import { registerIdentityRoutes } from './routes/identity.ts';
import { registerLedgerRoutes } from './routes/ledger.ts';
import { registerOpsRoutes, type OpsHandler } from './routes/ops.ts';
import { registerOwnershipRoutes } from './routes/ownership.ts';
import { registerPolicyRoutes } from './routes/policy.ts';
import { registerReviewRoutes } from './routes/review.ts';
import { registerSweepRoutes } from './routes/sweep.ts';
import { apiTokenFromRequest, registerTelephonyRoutes } from './routes/telephony.ts';
import { registerDealRoutes } from './routes/deals.ts';
import { registerNotificationRoutes } from './routes/notifications.ts';
import { registerPlanRoutes } from './routes/plans.ts';
import { registerTouchRoutes } from './routes/touches.ts';
import { registerUserRoutes } from './routes/users.ts';

export type ServerOptions = {
  ctx: AppContext;
  logger?: FastifyServerOptions['logger'];
  trustProxy?: boolean;
  /** CLI pass-through (PGlite data folder held by this server): the token from the lock file, and the runner. */
  ops?: { token: string; run: OpsHandler } | null;
  /** Folder of the built web UI (web/dist): served at `/` with an SPA fallback; absent = `/` redirects to the API docs. */
  webRoot?: string | null;
  /** Extra origins allowed to send cookie-authenticated writes (besides the server's own), e.g. a dev server. */
  allowedOrigins?: readonly string[];
};

export type App = FastifyInstance & { routeAccess: Map<string, RouteAccess> };

export async function buildServer(opts: ServerOptions): Promise<App> {
  const app = Fastify({
    // Structured logs (pino) with secrets redacted (http/security.ts); request ids: X-Request-Id or a UUID.
    logger: loggerOptions(opts.logger ?? false),
    genReqId: (req) => requestId(req.headers['x-request-id']) ?? randomUUID(),
    trustProxy: opts.trustProxy ?? false,
    bodyLimit: 5 * 1024 * 1024,
    // A URL fastify cannot route (a path parameter over 100 characters, broken %-encoding) is bad input.
    // (Fastify calls this for FST_ERR_BAD_URL and FST_ERR_MAX_PARAM_LENGTH; no route uses async constraints.)
    frameworkErrors: (err, _req, reply) =>
      sendRejection(reply, 'VALIDATION_FAILED', { issues: [{ path: 'params', message: err.message }] }),
  }).withTypeProvider<ZodTypeProvider>() as unknown as App;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('user', null);
  await app.register(cookie);

  // ── Security plugins (issue 8, item 5) ──────────────────────────────────────────────────────
  // Headers: a CSP the built web UI runs under (scripts and styles from 'self'; antd's CSS-in-JS
  // injects <style> elements, hence 'unsafe-inline' for styles only; ECharts draws on canvas).
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        // Plain-HTTP installs on a LAN must keep working: no forced upgrade.
        upgradeInsecureRequests: null,
      },
    },
  });
  // A per-process flood guard, only on routes that ask for it (the login); see app/login-throttle.ts.
  await app.register(rateLimit, {
    global: false,
    // Thrown to the error handler below, which answers 429 LOGIN_THROTTLED in the usual error shape.
    errorResponseBuilder: (_req, c) =>
      Object.assign(new Error('rate limited'), {
        statusCode: 429,
        rateLimited: true,
        retryAfterSeconds: Math.ceil(c.ttl / 1000),
      }),
  });
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  // CSRF: a state-changing request authenticated by the session cookie must come from our own origin.
  app.addHook('onRequest', async (req, reply) => {
    const verdict = csrfVerdict(req, opts.allowedOrigins ?? []);
    if (verdict) return sendRejection(reply, 'CSRF_REJECTED', verdict);
  });
  // ── end of security plugins ──────────────────────────────────────────────────────────────────
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Fairbase API', version: '0.1.0', description: 'Who owns which client, and why.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'fairbase_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  // Every /api route must declare its access; a route without one fails at start-up, not in production.
  const routeAccess = new Map<string, RouteAccess>();
  app.decorate('routeAccess', routeAccess);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') || route.url.startsWith('/api/docs')) return;
    const access = route.config?.access;
    if (!access) throw new Error(`route ${route.method} ${route.url} declares no access`);
    for (const m of [route.method].flat()) if (m !== 'HEAD') routeAccess.set(`${m} ${route.url}`, access);
  });

  app.addHook('onRequest', async (req, reply) => {
    const access = req.routeOptions.config?.access;
    if (!access || access === 'public') return;
    if (access === 'ops') {
      const token = req.headers['x-fairbase-ops-token'];
      if (!opts.ops || typeof token !== 'string' || token !== opts.ops.token)
        return sendRejection(reply, 'FORBIDDEN', {});
      return;
    }
    if (access === 'telephony') {
      // Machines only (C18): an API token of scope telephony; a user's session cookie is not enough.
      const plain = apiTokenFromRequest(req);
      const apiToken = plain ? await tokenForRequest(opts.ctx, plain) : null;
      if (apiToken?.scope !== 'telephony')
        return sendRejection(reply, 'UNAUTHENTICATED', { credential: 'api token' });
      return;
    }
    const token = sessionToken(req);
    // A `full` API token (fbt_…) acts as its creator; any other token is a session token.
    const user = !token
      ? null
      : token.startsWith('fbt_')
        ? await userForApiToken(opts.ctx, token)
        : await userForSession(opts.ctx, token);
    if (!user) return sendRejection(reply, 'UNAUTHENTICATED', {});
    if (!access.includes(user.role))
      return sendRejection(reply, 'FORBIDDEN', { role: user.role, allowed: access.join(',') });
    req.user = user;
  });

  // PostgreSQL text cannot hold NUL: reject it at the boundary, naming the field, before any SQL.
  app.addHook('preValidation', async (req, reply) => {
    const bad =
      findNulText(req.params, 'params') ??
      findNulText(req.query, 'querystring') ??
      findNulText(req.body, 'body');
    if (bad) return sendRejection(reply, 'VALIDATION_FAILED', { issues: [bad] });
  });

  app.setErrorHandler((err, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'body';
      return sendRejection(reply, 'VALIDATION_FAILED', {
        issues: err.validation.map((v) => ({
          path: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'),
          message: v.message ?? 'invalid',
        })),
      });
    }
    const e = err as { statusCode?: number; code?: string; message: string; rateLimited?: boolean };
    if (e.rateLimited) {
      const retryAfterSeconds = (err as { retryAfterSeconds?: number }).retryAfterSeconds ?? 60;
      return sendRejection(reply, 'LOGIN_THROTTLED', { scope: 'ip', retryAfterSeconds });
    }
    if (
      e.statusCode === 400 ||
      e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
      e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
    ) {
      return sendRejection(reply, 'VALIDATION_FAILED', { issues: [{ path: 'body', message: e.message }] });
    }
    if (e.statusCode === 415 || e.statusCode === 413) {
      return reply.code(e.statusCode).send({
        error: {
          code: 'VALIDATION_FAILED',
          message: e.message,
          messageKey: 'errors.VALIDATION_FAILED',
          details: { issues: [{ path: 'body', message: e.message }] },
        },
      });
    }
    req.log.error(err);
    return reply.code(500).send({
      error: {
        code: 'INTERNAL',
        message: 'Internal error; see the server log',
        messageKey: 'errors.INTERNAL',
        details: {},
      },
    });
  });
  const webRoot = opts.webRoot ?? null;
  if (webRoot) {
    // The built web UI; hashed assets are immutable, index.html is always revalidated.
    await app.register(fastifyStatic, {
      root: webRoot,
      // wildcard: files are looked up per request, so a rebuild under a running server is served at once.
      index: ['index.html'],
      setHeaders: (res, path) => {
        res.header(
          'cache-control',
          path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }
  app.setNotFoundHandler((req, reply) => {
    // SPA fallback: any GET outside /api that is not a file is a screen of the web UI.
    const path = req.url.split('?')[0] ?? '';
    const isScreen = !path.startsWith('/api') && !path.startsWith('/assets/');
    if (webRoot && (req.method === 'GET' || req.method === 'HEAD') && isScreen) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return sendRejection(reply, 'NOT_FOUND', { entity: 'route', url: req.url });
  });

  // Without the web UI, the root leads a visitor to the API documentation.
  if (!webRoot) app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/api/docs'));
  // ── Health (liveness) and readiness (issue 8, item 8) ───────────────────────────────────────
  app.get('/api/health', { config: { access: 'public' } }, async () => ({
    status: 'ok',
    db: opts.ctx.dbKind,
  }));
  app.get(
    '/api/ready',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Readiness: the database answers and every migration is applied (503 otherwise)',
      },
    },
    async (_req, reply) => {
      const r = await readiness(opts.ctx);
      return reply.code(r.ready ? 200 : 503).send(r);
    },
  );
  // ── end of health ────────────────────────────────────────────────────────────────────────────
  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
  registerAuthRoutes(app, opts.ctx);
  registerAuditRoutes(app, opts.ctx);
  registerClientRoutes(app, opts.ctx);
  registerIdentityRoutes(app, opts.ctx);
  registerOwnershipRoutes(app, opts.ctx);
  registerLedgerRoutes(app, opts.ctx);
  registerPolicyRoutes(app, opts.ctx);
  registerUserRoutes(app, opts.ctx);
  registerTelephonyRoutes(app, opts.ctx);
  registerReviewRoutes(app, opts.ctx);
  registerSweepRoutes(app, opts.ctx);
  registerAnalyticsRoutes(app, opts.ctx);
  registerDisputeRoutes(app, opts.ctx);
  registerTouchRoutes(app, opts.ctx);
  registerDealRoutes(app, opts.ctx);
  registerNotificationRoutes(app, opts.ctx);
  registerPlanRoutes(app, opts.ctx);
  (await import('./routes/money.ts')).registerMoneyRoutes(app, opts.ctx);
  (await import('./routes/simulations.ts')).registerSimulationRoutes(app, opts.ctx);
  (await import('./routes/exports.ts')).registerExportRoutes(app, opts.ctx);
  (await import('./routes/key-clients.ts')).registerKeyClientRoutes(app, opts.ctx);
  (await import('./routes/imports.ts')).registerImportRoutes(app, opts.ctx);
  registerOpsRoutes(app, opts.ops?.run ?? null);
  return app;
}
