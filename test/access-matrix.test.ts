import { writeFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../src/db/raw.ts';
import { buildServer } from '../src/http/server.ts';
import { addTestUser, call, createTestEnv, type TestEnv } from './helpers.ts';
import { casesFor, type OpenApiDoc, type RouteSpec, routeSpecs, urlFor } from './support/fuzz-routes.ts';
import { changedTables, stateProbe } from './support/fuzz-state.ts';
import { buildWorld, refreshSession, type World } from './support/fuzz-world.ts';

/**
 * Issue 8, item 4: the role × route matrix, generated from the route table (`config.access` of
 * every route). Each route is called as every kind of caller; the expected outcome is computed
 * from the declaration: 401 without valid credentials, 403 for a role outside the list, else the
 * gate lets it through. A manager acting on someone else's client never moves that client, and the
 * ownership routes refuse him with their rule code, changing nothing.
 */

let env: TestEnv;
let world: World;
let revokedSession: string;

beforeAll(async () => {
  env = await createTestEnv();
  world = await buildWorld(env);
  const m = await addTestUser(env, 'manager', { name: 'Signed-out manager' });
  const out = await call(env, m, 'POST', '/api/auth/logout');
  if (out.status !== 200) throw new Error('logout failed');
  revokedSession = m.token;
}, 180_000); // a loaded CI box: users (argon2), clients, tokens
afterAll(() => env?.close());

const columns = [
  'anonymous',
  'revoked session',
  'revoked API token',
  'telephony token',
  'manager (other’s client)',
  'manager (own client)',
  'head',
  'admin',
] as const;
type Column = (typeof columns)[number];

function headersFor(col: Column): Record<string, string> {
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  switch (col) {
    case 'anonymous':
      return {};
    case 'revoked session':
      return bearer(revokedSession);
    case 'revoked API token':
      return bearer(world.revokedApiToken);
    case 'telephony token':
      return bearer(world.telephonyToken);
    case 'head':
      return bearer(world.head.token);
    case 'admin':
      return bearer(world.admin.token);
    default:
      return bearer(world.manager.token);
  }
}
const userOf = (col: Column): 'head' | 'admin' | 'manager' | null =>
  col === 'head' ? 'head' : col === 'admin' ? 'admin' : col.startsWith('manager') ? 'manager' : null;

/** What the declaration says this caller gets: 'pass' (through the gate), 401 or 403. */
function expected(access: unknown, col: Column): 'pass' | 401 | 403 {
  if (access === 'public') return 'pass';
  if (access === 'ops') return 403;
  if (access === 'telephony') return col === 'telephony token' ? 'pass' : 401;
  const role = userOf(col);
  if (!role) return 401;
  return (access as readonly string[]).includes(role) ? 'pass' : 403;
}

/** A call as a world user, signing in again if an earlier cell signed them out. */
async function asUser(key: 'head' | 'manager' | 'manager2', method: string, url: string, payload?: unknown) {
  let r = await call(env, world[key], method, url, payload);
  if (r.status === 401) {
    await refreshSession(env, world, world[key]);
    r = await call(env, world[key], method, url, payload);
  }
  return r;
}

type Parts = { legalEntityId: number; brandId: number; contactId: number; addressId: number };
type Fresh = { own: number; other: number; ownParts: Parts; otherParts: Parts };

/** Two new clients per route (mine, and manager 2's), so no earlier call has moved them. */
async function freshClients(): Promise<Fresh> {
  const body = (name: string) => ({
    displayName: name,
    legalEntities: [{ name: `${name} LLC` }],
    brands: [{ name: `${name} brand` }],
    contacts: [{ name: `${name} contact` }],
    addresses: [{ kind: 'hq', address: `${name} street 1` }],
    force: true,
    forceReason: 'access matrix fixture',
  });
  const make = async (who: 'manager' | 'manager2', name: string) => {
    const r = await asUser(who, 'POST', '/api/clients', body(name));
    if (r.status !== 201) throw new Error(`fixture client: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.id as number;
  };
  const own = await make('manager', `Own ${Math.random().toString(36).slice(2, 8)}`);
  const other = await make('manager2', `Other ${Math.random().toString(36).slice(2, 8)}`);
  const partsOf = async (id: number) => {
    const card = (await asUser('head', 'GET', `/api/clients/${id}`)).body;
    return {
      legalEntityId: card.legalEntities[0].id as number,
      brandId: card.brands[0].id as number,
      contactId: card.contacts[0].id as number,
      addressId: card.addresses[0].id as number,
    };
  };
  return { own, other, ownParts: await partsOf(own), otherParts: await partsOf(other) };
}

async function ownersOf(clientId: number): Promise<string> {
  const r = await rows<{ line_id: number; owner_id: number | null }>(
    env.ctx.db,
    sql`SELECT line_id, owner_id FROM ownership WHERE client_id = ${clientId} ORDER BY line_id`,
  );
  return JSON.stringify(r);
}

describe('role × route access matrix (issue 8, access control)', () => {
  it('a route without a declared access cannot even be registered', async () => {
    const app = await buildServer({ ctx: env.ctx });
    expect(() => app.get('/api/zz-undeclared', async () => ({}))).toThrow(/declares no access/);
    await app.close().catch(() => {});
  });

  it('every route × every caller gets what its declaration says', { timeout: 600_000 }, async () => {
    await env.app.ready();
    const doc = env.app.swagger() as unknown as OpenApiDoc;
    const specs = routeSpecs(doc, env.app.routeAccess);
    // Every documented operation is in the route table (so it has a declared access), and every declaration is real.
    for (const [path, ops] of Object.entries(doc.paths))
      for (const m of Object.keys(ops))
        expect(
          env.app.routeAccess.has(`${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
          `${m} ${path}`,
        ).toBe(true);
    for (const s of specs)
      expect(
        s.access === 'public' ||
          s.access === 'ops' ||
          s.access === 'telephony' ||
          (Array.isArray(s.access) && s.access.length > 0),
        s.key,
      ).toBe(true);

    const probe = await stateProbe(env.ctx.db);
    const tagOf = (s: RouteSpec) =>
      (
        doc.paths[s.path.replace(/:(\w+)/g, '{$1}')]?.[s.method.toLowerCase()] as
          | { tags?: string[] }
          | undefined
      )?.tags ?? [];
    const failures: string[] = [];
    const table: { spec: RouteSpec; cells: Record<Column, string> }[] = [];
    let cellsCount = 0;
    for (const spec of specs) {
      const fresh = await freshClients();
      const onClient = spec.path.startsWith('/api/clients/:id');
      const cells = {} as Record<Column, string>;
      for (const col of columns) {
        const clientId = col === 'manager (other’s client)' ? fresh.other : fresh.own;
        const fixtures = {
          ...world.fixtures,
          clientId,
          otherClientId: col === 'manager (other’s client)' ? fresh.own : fresh.other,
          ...(col === 'manager (other’s client)' ? fresh.otherParts : fresh.ownParts),
        };
        const c = casesFor(spec, fixtures, { perField: 0, perRoute: 1 })[0]!;
        const send = async () => {
          const hasBody = c.body !== undefined && spec.method !== 'GET' && spec.method !== 'DELETE';
          const r = await env.app.inject({
            method: spec.method as 'GET',
            url: urlFor(spec, c),
            headers: { ...headersFor(col), ...(hasBody ? { 'content-type': 'application/json' } : {}) },
            ...(hasBody ? { payload: JSON.stringify(c.body) } : {}),
          });
          let body: { error?: { code?: string; details?: { allowed?: string } } } | null = null;
          try {
            body = JSON.parse(r.body);
          } catch {}
          const code = body?.error?.code ?? '';
          // The gate's own refusals: no valid credentials, or a role outside the declared list.
          const gate =
            code === 'UNAUTHENTICATED' ||
            (code === 'FORBIDDEN' && (body?.error?.details?.allowed !== undefined || spec.access === 'ops'));
          return { status: r.statusCode, code, gate };
        };
        const ownersBefore = await ownersOf(fresh.other);
        const before = await probe();
        let res = await send();
        const user = userOf(col);
        if (res.code === 'UNAUTHENTICATED' && user && expected(spec.access, col) === 'pass') {
          // An earlier cell signed this user out (POST /api/auth/logout): sign in again, repeat.
          await refreshSession(env, world, world[user]);
          res = await send();
        }
        cellsCount++;
        const exp = expected(spec.access, col);
        const where = `${spec.key} as ${col}`;
        if (exp === 'pass') {
          if (res.gate) failures.push(`${where}: expected to pass the gate, got ${res.status} ${res.code}`);
        } else if (res.status !== exp || !res.gate)
          failures.push(`${where}: expected ${exp} from the gate, got ${res.status} ${res.code}`);
        if (res.status >= 500) failures.push(`${where}: ${res.status}`);

        if (col === 'manager (other’s client)' && exp === 'pass' && onClient) {
          // Whatever the route, a manager never moves a colleague's client …
          if ((await ownersOf(fresh.other)) !== ownersBefore)
            failures.push(`${where}: the other manager's client changed hands (${res.status})`);
          // … the ownership routes refuse him by their rule, and a refusal changes nothing.
          if (tagOf(spec).includes('ownership') && !(res.status >= 400 && res.status < 500 && res.code))
            failures.push(`${where}: expected a rule rejection, got ${res.status} ${res.code}`);
          if (
            tagOf(spec).includes('ownership') &&
            ['VALIDATION_FAILED', 'UNAUTHENTICATED'].includes(res.code)
          )
            failures.push(`${where}: rejected at the boundary (${res.code}), not by the ownership rule`);
          if (res.status >= 400 && res.status < 500) {
            const changed = changedTables(before, await probe());
            if (changed.length) failures.push(`${where}: rejected but changed ${changed.join(', ')}`);
          }
        }
        cells[col] =
          res.status >= 400 && res.code && !res.gate ? `${res.status} ${res.code}` : String(res.status);
      }
      table.push({ spec, cells });
    }

    const accessText = (a: unknown) => (Array.isArray(a) ? a.join(', ') : String(a));
    const lines = [
      `| Route | Declared access | ${columns.join(' | ')} |`,
      `|---|---|${columns.map(() => '---').join('|')}|`,
      ...table.map(
        ({ spec, cells }) =>
          `| \`${spec.key}\` | ${accessText(spec.access)} | ${columns.map((c) => cells[c]).join(' | ')} |`,
      ),
    ];
    console.log(
      [
        `access matrix: ${specs.length} routes × ${columns.length} callers = ${cellsCount} cells`,
        ...lines,
      ].join('\n'),
    );
    if (process.env.UPDATE_ACCESS_MATRIX) {
      writeFileSync(
        'docs/access-matrix.md',
        [
          '# Access matrix',
          '',
          'Generated by `UPDATE_ACCESS_MATRIX=1 npx vitest run test/access-matrix.test.ts` from the route table',
          '(`config.access` of every route); the test checks every cell against the declaration on each run.',
          'A cell is the HTTP status the caller got (with the rejection code for a 4xx past the sign-in check).',
          'The request is a well-formed one generated from the route’s schema, so a pass through the gate may',
          'still be a 4xx of the use case (404 for an id that is not there, 400 for a body the generator',
          'cannot fill, a rule rejection). “Other’s client”: a client owned by another manager.',
          '',
          `${specs.length} routes × ${columns.length} callers = **${cellsCount} cells**.`,
          '',
          ...lines,
          '',
        ].join('\n'),
      );
    }
    expect(failures).toEqual([]);
    expect(cellsCount).toBe(specs.length * columns.length);
  });
});
