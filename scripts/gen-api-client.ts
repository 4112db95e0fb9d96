// Generates the web console's typed API client from the server's OpenAPI document:
//   node scripts/gen-api-client.ts          writes src/web/api/openapi.json and src/web/api/schema.ts
//   node scripts/gen-api-client.ts --check  exits 1 when the checked-in files differ from the generated ones
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import * as prettier from 'prettier';

import { buildApp } from '../src/api/build-app.ts';
import { VERSION } from '../src/cli/package-info.ts';
import { createLogger } from '../src/config/logger.ts';
import type { Database } from '../src/db/schema.ts';
import { createOutbound } from '../src/net/outbound-http.ts';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const OPENAPI_FILE = 'src/web/api/openapi.json';
const SCHEMA_FILE = 'src/web/api/schema.ts';
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** The subset of JSON Schema (2020-12, as OpenAPI 3.1 uses it, plus 3.0's nullable) that Ferry's API emits. */
interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  nullable?: boolean;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  format?: string;
  description?: string;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  description?: string;
  schema?: JsonSchema;
}

interface Operation {
  summary?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: JsonSchema }> }>;
}

interface OpenApiDocument {
  paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

/** The server's OpenAPI document, built in-process; the lazy pool never connects to a database. */
export async function buildOpenApiDocument(): Promise<OpenApiDocument> {
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool() }) });
  const app = await buildApp({
    db,
    logger: createLogger('silent'),
    version: VERSION,
    measureQueue: undefined,
    secureCookies: false,
    webDir: undefined,
    // Never used: building the document connects nowhere.
    outbound: createOutbound({ allowedPrivateNetworks: [] }),
    sealer: {
      seal: () => '',
      open: () => {
        throw new Error('the OpenAPI document is built without credentials');
      },
    },
    mailer: { send: () => Promise.resolve() },
    queue: undefined,
    publicUrl: 'http://localhost',
  });
  try {
    await app.ready();
    return app.swagger() as unknown as OpenApiDocument;
  } finally {
    await app.close();
    await db.destroy();
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const key = (name: string) => (IDENTIFIER.test(name) ? name : JSON.stringify(name));
const comment = (text: string | undefined) =>
  text === undefined ? '' : `/** ${text.replaceAll('*/', '*\\/')} */\n`;
const union = (types: string[]) => [...new Set(types)].join(' | ') || 'never';

/** A TypeScript type for a JSON schema. */
function schemaToType(schema: JsonSchema | boolean | undefined): string {
  if (schema === undefined || schema === true) return 'unknown';
  if (schema === false) return 'never';
  const type = bareSchemaToType(schema);
  return schema.nullable === true ? union([type, 'null']) : type;
}

function bareSchemaToType(schema: JsonSchema): string {
  if (schema.$ref !== undefined) {
    const name = /^#\/components\/schemas\/(.+)$/.exec(schema.$ref)?.[1];
    if (name === undefined) throw new Error(`Unsupported $ref ${schema.$ref}`);
    return `components['schemas'][${JSON.stringify(name)}]`;
  }
  if ('const' in schema) return JSON.stringify(schema.const);
  if (schema.enum !== undefined) return union(schema.enum.map((value) => JSON.stringify(value)));
  if (schema.anyOf !== undefined) return union(schema.anyOf.map((s) => `(${schemaToType(s)})`));
  if (schema.oneOf !== undefined) return union(schema.oneOf.map((s) => `(${schemaToType(s)})`));
  if (schema.allOf !== undefined) {
    return schema.allOf.map((s) => `(${schemaToType(s)})`).join(' & ') || 'unknown';
  }
  if (Array.isArray(schema.type)) return union(schema.type.map((type) => typeToType(type, schema)));
  if (schema.type !== undefined) return typeToType(schema.type, schema);
  if (schema.properties !== undefined || schema.additionalProperties !== undefined) return objectType(schema);
  return 'unknown';
}

function typeToType(type: string, schema: JsonSchema): string {
  switch (type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      if (schema.prefixItems !== undefined) return `[${schema.prefixItems.map(schemaToType).join(', ')}]`;
      return `Array<${schemaToType(schema.items)}>`;
    case 'object':
      return objectType(schema);
    default:
      throw new Error(`Unsupported JSON schema type ${type}`);
  }
}

function objectType(schema: JsonSchema): string {
  const required = new Set(schema.required ?? []);
  const members = Object.entries(schema.properties ?? {}).map(
    ([name, property]) =>
      `${comment(property.description)}${key(name)}${required.has(name) ? '' : '?'}: ${schemaToType(property)};`,
  );
  const extra = schema.additionalProperties;
  const record =
    extra === undefined || extra === false ? undefined : `{ [key: string]: ${schemaToType(extra)} }`;
  if (members.length === 0) return record ?? 'Record<string, never>';
  const shape = `{\n${members.join('\n')}\n}`;
  return record === undefined ? shape : `${shape} & ${record}`;
}

function parametersType(parameters: Parameter[]): string {
  return `{\n${parameters
    .map(
      (p) =>
        `${comment(p.description)}${key(p.name)}${p.required === true ? '' : '?'}: ${schemaToType(p.schema)};`,
    )
    .join('\n')}\n}`;
}

function jsonSchemaOf(content: Record<string, { schema?: JsonSchema }> | undefined): string {
  if (content === undefined) return 'undefined';
  const json = Object.entries(content).find(([mediaType]) => /^application\/(.+\+)?json/.test(mediaType));
  return json === undefined ? 'unknown' : schemaToType(json[1].schema);
}

function operationType(operation: Operation): string {
  const members: string[] = [];
  const parameters = operation.parameters ?? [];
  const pathParameters = parameters.filter((p) => p.in === 'path');
  const queryParameters = parameters.filter((p) => p.in === 'query');
  if (pathParameters.length > 0) members.push(`params: ${parametersType(pathParameters)};`);
  if (queryParameters.length > 0) {
    const optional = queryParameters.every((p) => p.required !== true);
    members.push(`query${optional ? '?' : ''}: ${parametersType(queryParameters)};`);
  }
  if (operation.requestBody !== undefined) {
    const optional = operation.requestBody.required !== true;
    members.push(`body${optional ? '?' : ''}: ${jsonSchemaOf(operation.requestBody.content)};`);
  }
  const responses = Object.entries(operation.responses ?? {}).map(
    ([status, response]) =>
      `${/^\d+$/.test(status) ? status : key(status)}: ${jsonSchemaOf(response.content)};`,
  );
  members.push(`responses: {\n${responses.join('\n')}\n};`);
  return `{\n${members.join('\n')}\n}`;
}

/** schema.ts: one `Paths` entry per path, each method's params, query, body and responses by status. */
export function generateSchemaModule(document: OpenApiDocument): string {
  const paths = Object.entries(document.paths).map(([route, item]) => {
    const operations = METHODS.flatMap((method) => {
      const operation = item[method];
      return operation === undefined
        ? []
        : [`${comment(operation.summary)}${method}: ${operationType(operation)};`];
    });
    return `${JSON.stringify(route)}: {\n${operations.join('\n')}\n};`;
  });
  const schemas = Object.entries(document.components?.schemas ?? {}).map(
    ([name, schema]) => `${comment(schema.description)}${key(name)}: ${schemaToType(schema)};`,
  );
  return [
    '// Generated by scripts/gen-api-client.ts from openapi.json; do not edit. Run `node scripts/gen-api-client.ts`.',
    '',
    `export interface Paths {\n${paths.join('\n')}\n}`,
    '',
    `export interface components {\nschemas: ${schemas.length === 0 ? 'Record<string, never>' : `{\n${schemas.join('\n')}\n}`};\n}`,
    '',
  ].join('\n');
}

async function formatted(file: string, content: string): Promise<string> {
  const filepath = path.join(REPO_ROOT, file);
  const options = await prettier.resolveConfig(filepath);
  return prettier.format(content, { ...options, filepath });
}

/** The files the generator owns, with the content they must have, paths relative to the repository root. */
export async function generateApiClientFiles(): Promise<{ path: string; content: string }[]> {
  const document = await buildOpenApiDocument();
  return [
    { path: OPENAPI_FILE, content: await formatted(OPENAPI_FILE, JSON.stringify(document)) },
    { path: SCHEMA_FILE, content: await formatted(SCHEMA_FILE, generateSchemaModule(document)) },
  ];
}

async function readOrEmpty(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return '';
  }
}

async function main(check: boolean): Promise<number> {
  const files = await generateApiClientFiles();
  const stale: string[] = [];
  for (const file of files) {
    const absolute = path.join(REPO_ROOT, file.path);
    if ((await readOrEmpty(absolute)) === file.content) continue;
    stale.push(file.path);
    if (!check) await writeFile(absolute, file.content);
  }
  if (check && stale.length > 0) {
    process.stderr.write(
      `The API client is out of date with the API: ${stale.join(', ')}. Run: node scripts/gen-api-client.ts\n`,
    );
    return 1;
  }
  process.stdout.write(
    stale.length === 0 ? 'The API client is up to date.\n' : `Wrote ${stale.join(', ')}.\n`,
  );
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.includes('--check'));
}
