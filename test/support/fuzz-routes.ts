import fc from 'fast-check';

/**
 * Route specs read from the OpenAPI document and the route access table, and generated hostile
 * inputs for them. Nothing here names a route: a route added later is fuzzed by the same rules.
 */

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  pattern?: string;
  format?: string;
  default?: unknown;
};

export type Param = { name: string; schema: JsonSchema; required: boolean };

export type RouteSpec = {
  /** "POST /api/clients/:id/claim", as in app.routeAccess. */
  key: string;
  method: string;
  /** Fastify form, with :params. */
  path: string;
  access: unknown;
  /** false: the route is hidden from the OpenAPI document (its inputs are still fuzzed, schema-blind). */
  documented: boolean;
  params: Param[];
  query: Param[];
  body: JsonSchema | null;
};

type OpenApiOperation = {
  parameters?: { name: string; in: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
};
export type OpenApiDoc = { paths: Record<string, Record<string, OpenApiOperation>> };

export function routeSpecs(doc: OpenApiDoc, routeAccess: Map<string, unknown>): RouteSpec[] {
  const specs: RouteSpec[] = [];
  for (const [key, access] of routeAccess) {
    const [method, path] = key.split(' ') as [string, string];
    const op = doc.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
    const pathNames = [...path.matchAll(/:(\w+)/g)].map((m) => m[1] as string);
    const declared = op?.parameters ?? [];
    specs.push({
      key,
      method,
      path,
      access,
      documented: op !== undefined,
      params: pathNames.map((name) => ({
        name,
        schema: declared.find((p) => p.in === 'path' && p.name === name)?.schema ?? {},
        required: true,
      })),
      query: declared
        .filter((p) => p.in === 'query')
        .map((p) => ({ name: p.name, schema: p.schema ?? {}, required: p.required === true })),
      body: op?.requestBody?.content?.['application/json']?.schema ?? (op ? null : {}),
    });
  }
  return specs;
}

/** Ids of real rows, so a well-formed request reaches the use case behind the schema. */
export type Fixtures = {
  clientId: number;
  otherClientId: number;
  managerId: number;
  /** A user the fuzz may demote or block (never a caller). */
  victimUserId: number;
  legalEntityId: number;
  brandId: number;
  contactId: number;
  addressId: number;
  dealId: number;
  disputeId: number;
  tokenId: number;
  notificationId: number;
  handoverId: number;
};

const SEED = 20261127;
const VALID_DATE = '2026-05-20T09:00:00.000Z';
const isDateName = (name: string) => /(At|Date)$|^(at|from|to|date|since|until|now)$/i.test(name);

/** The id a parameter or field of this name most likely refers to (falls back to null). */
function idFor(name: string, path: string, f: Fixtures): number | null {
  const n = name.toLowerCase();
  if (n === 'releaseclientid') return f.otherClientId;
  if (n === 'otherclientid') return f.otherClientId;
  if (n === 'clientid' || n === 'client') return f.clientId;
  if (['managerid', 'tomanagerid', 'ownerid', 'manager', 'owner'].includes(n)) return f.managerId;
  if (n === 'lineid' || n === 'line') return 1;
  if (n === 'legalentityid') return f.legalEntityId;
  if (n === 'contactid') return f.contactId;
  if (n === 'dealid') return f.dealId;
  if (n === 'disputeid') return f.disputeId;
  if (n === 'version') return 1;
  if (n === 'partid') {
    if (path.includes('/legal-entities/')) return f.legalEntityId;
    if (path.includes('/brands/')) return f.brandId;
    if (path.includes('/contacts/')) return f.contactId;
    if (path.includes('/addresses/')) return f.addressId;
    return 1;
  }
  if (n === 'id') {
    // The collection before ":id" says what the id is.
    const seg = /\/api\/([\w-]+)\/:id/.exec(path)?.[1] ?? '';
    const bySegment: Record<string, number> = {
      clients: f.clientId,
      deals: f.dealId,
      disputes: f.disputeId,
      tokens: f.tokenId,
      users: f.victimUserId,
      managers: f.managerId,
      notifications: f.notificationId,
      handovers: f.handoverId,
    };
    return bySegment[seg] ?? 1;
  }
  return null;
}

function branches(s: JsonSchema): JsonSchema[] {
  return s.anyOf ?? s.oneOf ?? [s];
}
function isNullSchema(s: JsonSchema) {
  return s.type === 'null';
}
function typeOf(s: JsonSchema): string | undefined {
  const t = s.type;
  return Array.isArray(t) ? t.find((x) => x !== 'null') : t;
}

/** A value this schema accepts (as far as a JSON Schema can say), named fields filled from fixtures. */
export function sample(s: JsonSchema, name: string, path: string, f: Fixtures): unknown {
  if (s.allOf?.[0]) return sample(s.allOf[0], name, path, f);
  if (s.anyOf || s.oneOf) {
    const b = branches(s).find((x) => !isNullSchema(x)) ?? { type: 'null' };
    return sample(b, name, path, f);
  }
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (s.default !== undefined) return s.default;
  switch (typeOf(s)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const req of s.required ?? []) {
        const ps = s.properties?.[req];
        if (ps) out[req] = sample(ps, req, path, f);
      }
      // All optional (a PATCH): one field, since "nothing to change" is a reject of its own.
      const first = Object.entries(s.properties ?? {})[0];
      if (Object.keys(out).length === 0 && first) out[first[0]] = sample(first[1], first[0], path, f);
      return out;
    }
    case 'array':
      return s.minItems ? [sample(s.items ?? {}, name, path, f)] : [];
    case 'integer':
    case 'number': {
      const id = idFor(name, path, f);
      if (id !== null) return id;
      const lo = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
      return Math.min(Math.max(lo, 1), s.maximum ?? Number.MAX_SAFE_INTEGER);
    }
    case 'boolean':
      return false;
    case 'string': {
      if (s.format === 'email') return `fuzz-${name}@example.com`;
      if (s.format === 'date-time') return VALID_DATE;
      if (s.pattern) {
        if (/W\\d/.test(s.pattern)) return '2026-W22';
        if (/^\^\\d\{4\}-\(0/.test(s.pattern)) return '2026-05';
        return fc.sample(fc.stringMatching(new RegExp(s.pattern)), { seed: SEED, numRuns: 1 })[0];
      }
      if (isDateName(name)) return VALID_DATE;
      if (/phone/i.test(name)) return '+79271002030';
      const v = `Fuzz ${name}`;
      return v.length >= (s.minLength ?? 0) ? v.slice(0, s.maxLength ?? v.length) : 'x'.repeat(s.minLength!);
    }
    default: {
      // An untyped schema: a coerced date (z.coerce.date) or anything.
      const id = idFor(name, path, f);
      if (id !== null) return id;
      return isDateName(name) ? VALID_DATE : 'x';
    }
  }
}

// ---- hostile values ----

const MB = 'Ж'.repeat(512 * 1024); // 1 MB of UTF-8
const deep = (n: number): unknown => {
  let v: unknown = 'bottom';
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
};
const deepArray = (n: number): unknown => {
  let v: unknown = [];
  for (let i = 0; i < n; i++) v = [v];
  return v;
};

/** Strings no field should choke on. */
export const hostileStrings: string[] = [
  '',
  '   ',
  MB,
  'a\u0000b',
  '\u0000',
  '\ud800',
  'x\udfffy',
  '\u202eevil\u202c',
  '\u200f\u200e\u200b\ufeff',
  '👨‍👩‍👧‍👦🏳️‍🌈',
  'e\u0301\u0301\u0301\u0301\u0301\u0301',
  'Z̸̧̛̖̰̀͂a̷͇̓l̴̰̈g̵̳̈́ȯ̷͕',
  "'; DROP TABLE clients; --",
  "1' OR '1'='1",
  '1; SELECT pg_sleep(10)',
  '%_%',
  '\\',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, on purpose
  '${7*7}{{7*7}}',
  '../../../etc/passwd',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '9223372036854775808',
  // ИНН / КПП / ОГРН that are wrong: bad checksum, wrong length, letters, a valid one of the wrong kind.
  '1234567890',
  '123456789012',
  '0000000000',
  '77070838931',
  '7707083893',
  '500100732259',
  'ИНН7707083893',
  '1027700132195',
  '7707O8389З',
  // Dates at and past the edges.
  '0001-01-01',
  '0000-00-00',
  '-000001-01-01T00:00:00Z',
  '1900-01-01',
  '9999-12-31T23:59:59.999Z',
  '+275760-09-13T00:00:00.000Z',
  '+275760-09-13T00:00:00.001Z',
  '2026-02-30',
  '2026-13-45T25:61:61Z',
  'yesterday',
  // Phones and e-mails.
  '+7 (000) 000-00-00',
  '+'.padEnd(64, '9'),
  'a@b',
  '@@',
  'fuzz@example.com',
  '2026-W99',
  '0000-W00',
  '2026-00',
];

/** Numbers (and number look-alikes) no numeric field should choke on. */
export const hostileNumbers: unknown[] = [
  -1,
  0,
  -0,
  1.5,
  -100,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 63,
  -(2 ** 63),
  1e308,
  -1e308,
  Number.MIN_VALUE,
  '1',
  '1e3',
  '0x10',
  -8.64e15,
  8.64e15 + 1,
];

/** Wrong types in place of anything. */
export const wrongTypes: unknown[] = [
  null,
  true,
  false,
  [],
  [1, 2],
  {},
  { $gt: '' },
  { toString: 'x' },
  deep(50),
  deepArray(50),
];

/** Path parameter values that are not ids (never a small id: callers must not demote themselves). */
export const hostilePathValues: string[] = [
  'abc',
  '-1',
  '0',
  '1.5',
  '2147483648',
  '4294967296',
  '9223372036854775808',
  '99999999999999999999999',
  '1e309',
  'NaN',
  'Infinity',
  '-Infinity',
  ' 999999',
  '0x0F423F',
  '9.99999e5',
  'null',
  '%00',
  '%F0%9F%98%80',
  '%D0%96',
  "1'%20OR%20'1'%3D'1",
  '%3Cscript%3E',
  '..%2F..%2Fetc',
  '%E0%A4%A',
  'a'.repeat(1000),
  '2026-W99',
];

/** One generated request. */
export type FuzzCase = {
  /** What was broken: "body.title", "querystring.limit", "params.id", "body" (its shape). */
  target: string;
  label: string;
  params: Record<string, string>;
  query: Record<string, string | string[]>;
  /** A JSON value, or raw text (rawBody) sent as is. */
  body?: unknown;
  rawBody?: string;
  contentType?: string;
};

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function pick<T>(xs: T[], n: number, rand: () => number): T[] {
  const copy = [...xs];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy.slice(0, n);
}
function hash(s: string) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
const asQuery = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined'));

/** Every field path of a body schema (objects, and the first item of arrays), up to a depth. */
function fieldPaths(
  s: JsonSchema,
  prefix: string[],
  depth: number,
): { path: string[]; schema: JsonSchema; required: boolean }[] {
  if (depth > 3) return [];
  const obj = branches(s).find((b) => typeOf(b) === 'object' && b.properties);
  if (!obj?.properties) return [];
  const out: { path: string[]; schema: JsonSchema; required: boolean }[] = [];
  for (const [k, ps] of Object.entries(obj.properties)) {
    const path = [...prefix, k];
    out.push({ path, schema: ps, required: obj.required?.includes(k) ?? false });
    out.push(...fieldPaths(ps, path, depth + 1));
    const arr = branches(ps).find((b) => typeOf(b) === 'array');
    if (arr?.items) out.push(...fieldPaths(arr.items, [...path, '0'], depth + 1));
  }
  return out;
}

/** Set (or delete, for undefined) a nested field of a copy of `base`, creating the objects/arrays on the way. */
function withField(
  base: unknown,
  path: string[],
  value: unknown,
  spec: RouteSpec,
  f: Fixtures,
  schema: JsonSchema,
): unknown {
  const root: Record<string, unknown> =
    base && typeof base === 'object' && !Array.isArray(base)
      ? (structuredClone(base as object) as Record<string, unknown>)
      : {};
  let node: Record<string, unknown> = root;
  let s: JsonSchema = schema;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i] as string;
    const obj = branches(s).find((b) => typeOf(b) === 'object' && b.properties);
    const next = obj?.properties?.[k] ?? {};
    const isArr = branches(next).find((b) => typeOf(b) === 'array');
    if (node[k] === undefined || node[k] === null || typeof node[k] !== 'object') {
      node[k] = isArr ? [sample(isArr.items ?? {}, k, spec.path, f)] : sample(next, k, spec.path, f);
      if (node[k] === null || typeof node[k] !== 'object') node[k] = {};
    }
    if (isArr) {
      const arr = node[k] as unknown[];
      if (arr.length === 0) arr.push(sample(isArr.items ?? {}, k, spec.path, f));
      node = arr as unknown as Record<string, unknown>;
      s = { type: 'object', properties: { '0': isArr.items ?? {} } };
    } else {
      node = node[k] as Record<string, unknown>;
      s = next;
    }
  }
  const last = path[path.length - 1] as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return root;
}

/** Whether a numeric schema plainly accepts this number. */
function acceptsNumber(s: JsonSchema, v: unknown): boolean {
  if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  return branches(s).some((b) => {
    const t = typeOf(b);
    if (t !== 'integer' && t !== 'number') return false;
    if (t === 'integer' && !Number.isInteger(v)) return false;
    if (b.minimum !== undefined && v < b.minimum) return false;
    if (b.exclusiveMinimum !== undefined && v <= b.exclusiveMinimum) return false;
    if (b.maximum !== undefined && v > b.maximum) return false;
    return !(b.exclusiveMaximum !== undefined && v >= b.exclusiveMaximum);
  });
}

export type CaseBudget = { perField: number; perRoute: number };

/** The hostile requests for one route: deterministic for a given route key. */
export function casesFor(spec: RouteSpec, f: Fixtures, budget: CaseBudget, current?: unknown): FuzzCase[] {
  const rand = rng(SEED ^ hash(spec.key));
  const validParams: Record<string, string> = {};
  for (const p of spec.params) validParams[p.name] = String(sample(p.schema, p.name, spec.path, f));
  const validQuery: Record<string, string> = {};
  for (const q of spec.query)
    if (q.required) validQuery[q.name] = asQuery(sample(q.schema, q.name, spec.path, f));
  const baseBody = spec.body ? sample(spec.body, 'body', spec.path, f) : undefined;
  // A PUT/PATCH body mirrors what a GET of the same URL answers: start from the current values.
  if (current && typeof current === 'object' && baseBody && typeof baseBody === 'object' && spec.body) {
    const props = branches(spec.body).find((b) => b.properties)?.properties ?? {};
    const cur = current as Record<string, unknown>;
    for (const k of Object.keys(props))
      if (cur[k] !== undefined && cur[k] !== null) (baseBody as Record<string, unknown>)[k] = cur[k];
  }
  const cases: FuzzCase[] = [];
  const add = (c: Partial<FuzzCase> & { target: string; label: string }) =>
    cases.push({ params: validParams, query: validQuery, body: baseBody, ...c });

  // The well-formed request (a control: whatever it answers, it must not be a 5xx).
  add({ target: 'none', label: 'well-formed' });

  for (const p of spec.params) {
    for (const v of pick(hostilePathValues, budget.perField + 4, rand)) {
      add({
        target: `params.${p.name}`,
        label: `params.${p.name}=${v.slice(0, 40)}`,
        params: { ...validParams, [p.name]: v },
      });
    }
  }

  for (const q of spec.query) {
    const values = [
      ...pick(hostileStrings, budget.perField, rand),
      ...pick(hostileNumbers, 3, rand).map(asQuery),
      ...pick(wrongTypes, 2, rand).map(asQuery),
    ];
    for (const v of values) {
      add({
        target: `querystring.${q.name}`,
        label: `query ${q.name}=${v.slice(0, 40)}`,
        query: { ...validQuery, [q.name]: v },
      });
    }
    add({
      target: `querystring.${q.name}`,
      label: `query ${q.name} repeated`,
      query: { ...validQuery, [q.name]: ['1', '2'] },
    });
    if (q.required) {
      const { [q.name]: _gone, ...rest } = validQuery;
      add({ target: `querystring.${q.name}`, label: `query ${q.name} missing`, query: rest });
    }
  }
  // Unknown query parameters.
  add({
    target: 'none',
    label: 'extra query',
    query: { ...validQuery, zzExtra: "1' OR 1=1", __proto__x: '1' },
  });

  const hasBody = spec.body !== null && spec.method !== 'GET' && spec.method !== 'DELETE';
  if (hasBody) {
    const schema = spec.body as JsonSchema;
    const base = (baseBody ?? {}) as Record<string, unknown>;
    // The body as a whole: wrong shapes, broken JSON, huge, deep.
    const shapes: [string, Partial<FuzzCase>][] = [
      ['no body', { body: undefined }],
      ['null body', { rawBody: 'null' }],
      ['array body', { body: [base] }],
      ['empty array body', { body: [] }],
      ['string body', { rawBody: '"text"' }],
      ['number body', { rawBody: '42' }],
      ['empty object', { body: {} }],
      ['extra fields', { body: { ...base, zzExtra: 'x', id: 2 ** 31, role: 'admin', createdBy: 1 } }],
      ['__proto__', { rawBody: `{"__proto__":{"isAdmin":true},${JSON.stringify(base).slice(1)}` }],
      ['constructor.prototype', { rawBody: `{"constructor":{"prototype":{"x":1}}}` }],
      ['broken JSON', { rawBody: '{"a":' }],
      ['NaN literal', { rawBody: '{"x": NaN}' }],
      ['Infinity literal', { rawBody: '[Infinity]' }],
      ['deep object (5000)', { rawBody: `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}` }],
      ['deep array (5000)', { rawBody: `${'['.repeat(5000)}${']'.repeat(5000)}` }],
      ['text/plain body', { rawBody: 'hello', contentType: 'text/plain' }],
      ['form body', { rawBody: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' }],
      [
        'declared JSON, binary bytes',
        { rawBody: '\u00ff\u00fe\u0000\u0001', contentType: 'application/json' },
      ],
    ];
    for (const [label, c] of shapes) add({ target: 'body', label, ...c });

    const fields = fieldPaths(schema, [], 0);
    for (const field of fields) {
      const target = `body.${field.path.join('.')}`;
      if (field.required)
        add({
          target,
          label: `${target} missing`,
          body: withField(base, field.path, undefined, spec, f, schema),
        });
      const t = branches(field.schema).map(typeOf);
      const values: unknown[] = [
        ...pick(wrongTypes, 2, rand),
        ...pick(hostileNumbers, t.includes('integer') || t.includes('number') ? budget.perField : 2, rand),
        ...pick(hostileStrings, t.includes('string') || t.includes(undefined) ? budget.perField : 2, rand),
      ];
      for (const v of values) {
        const shown =
          typeof v === 'string' ? JSON.stringify(v.slice(0, 30)) : JSON.stringify(v)?.slice(0, 30);
        // A value the field's schema accepts may still be refused for another field (a rule across fields).
        const t2 = acceptsNumber(field.schema, v) ? 'none' : target;
        add({
          target: t2,
          label: `${target}=${shown}`,
          body: withField(base, field.path, v, spec, f, schema),
        });
      }
    }
    // NaN / Infinity where a number goes: not JSON, so raw text.
    const numeric = fields.find((x) =>
      branches(x.schema).some((b) => ['integer', 'number'].includes(typeOf(b) ?? '')),
    );
    if (numeric && numeric.path.length === 1) {
      const target = `body.${numeric.path[0]}`;
      for (const lit of ['NaN', 'Infinity', '-Infinity', '1e999', '-0', '00012']) {
        const raw = JSON.stringify({ ...base, [numeric.path[0] as string]: '@@' }).replace('"@@"', lit);
        // Not JSON at all (NaN, leading zeros): only the body as a whole can be named.
        const valid = lit === '1e999' || lit === '-0';
        add({ target: valid ? target : 'body', label: `${target}=${lit} (raw)`, rawBody: raw });
      }
    }
    // Random JSON from fast-check: structure nobody thought of.
    for (const v of fc.sample(fc.jsonValue({ maxDepth: 4 }), { seed: SEED ^ hash(spec.key), numRuns: 4 })) {
      add({ target: 'body', label: `random JSON ${JSON.stringify(v).slice(0, 30)}`, body: v });
    }
    for (const v of fc.sample(fc.record({ zz: fc.string({ unit: 'binary', maxLength: 40 }) }), {
      seed: SEED ^ hash(spec.key),
      numRuns: 2,
    })) {
      const k = fields[0]?.path.length === 1 ? (fields[0].path[0] as string) : 'zz';
      add({
        target: k === 'zz' ? 'none' : `body.${k}`,
        label: `random unicode in ${k}`,
        body: { ...base, [k]: v.zz },
      });
    }
  }
  if (cases.length <= budget.perRoute) return cases;
  // Keep the control and the whole-body shapes; sample the rest.
  const head = cases.slice(0, 1);
  return [...head, ...pick(cases.slice(1), budget.perRoute - 1, rand)];
}

/** The URL for a case: params substituted (already URL-safe or deliberately raw), query encoded. */
export function urlFor(spec: RouteSpec, c: FuzzCase): string {
  let url = spec.path;
  for (const p of spec.params) {
    const v = c.params[p.name] ?? '1';
    const safe = /%[0-9A-F]{2}/i.test(v) ? v : encodeURIComponent(v);
    url = url.replace(`:${p.name}`, safe);
  }
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(c.query)) for (const x of [v].flat()) qs.append(k, x);
  const q = qs.toString();
  return q ? `${url}?${q}` : url;
}
