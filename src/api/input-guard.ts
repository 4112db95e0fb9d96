import { isUtf8 } from 'node:buffer';

import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { HttpError, type Problem, validationFailed } from './errors.ts';

/**
 * The one check every string a request brings passes before its route's own schema: valid Unicode
 * (no lone UTF-16 surrogate, which PostgreSQL and JSON columns refuse), no NUL or other control
 * character but tab, CR and LF, and a length the field declares — or `DEFAULT_MAX_LENGTH` where it
 * declares none. Objects nest at most `MAX_DEPTH` deep; arrays hold what the field declares or
 * `DEFAULT_MAX_ITEMS`.
 */
export const DEFAULT_MAX_LENGTH = 10_000;
export const DEFAULT_MAX_ITEMS = 10_000;
export const MAX_DEPTH = 32;
const MAX_KEY_LENGTH = 200;

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
const LINE_BREAK_OR_TAB = /[\t\r\n]/;

/** Why a piece of text cannot be taken, or undefined when it can. */
export function textProblem(value: string, options: { singleLine?: boolean } = {}): string | undefined {
  if (!value.isWellFormed()) return 'is not valid Unicode (it holds a lone UTF-16 surrogate)';
  const control = CONTROL.exec(value);
  if (control !== null)
    return control[0] === '\u0000'
      ? 'contains a NUL character'
      : `contains the control character U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  if (options.singleLine === true && LINE_BREAK_OR_TAB.test(value))
    return 'must be one line, without tabs or line breaks';
  return undefined;
}

type JsonSchema = {
  readonly type?: string | string[];
  readonly maxLength?: number;
  readonly maxItems?: number;
  readonly properties?: Record<string, JsonSchema>;
  readonly additionalProperties?: JsonSchema | boolean;
  readonly items?: JsonSchema;
  readonly prefixItems?: JsonSchema[];
  readonly anyOf?: JsonSchema[];
  readonly oneOf?: JsonSchema[];
  readonly allOf?: JsonSchema[];
  readonly $ref?: string;
  readonly $defs?: Record<string, JsonSchema>;
};

/** The schemas that may describe one value: unions and references opened up. */
function alternatives(schemas: readonly JsonSchema[], root: JsonSchema): JsonSchema[] {
  const out: JsonSchema[] = [];
  const visit = (schema: JsonSchema, depth: number) => {
    if (depth > MAX_DEPTH) return;
    if (schema.$ref !== undefined) {
      const target = root.$defs?.[schema.$ref.replace(/^#\/\$defs\//, '')];
      if (target !== undefined) visit(target, depth + 1);
      return;
    }
    const branches = [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])];
    if (branches.length > 0) branches.forEach((b) => visit(b, depth + 1));
    else out.push(schema);
  };
  schemas.forEach((s) => visit(s, 0));
  return out;
}

const widest = (limits: readonly (number | undefined)[], fallback: number) =>
  limits.length === 0 || limits.includes(undefined) ? fallback : Math.max(...(limits as number[]));

/** What the boundary reads of a route's zod schema: its declared lengths and sizes, per field. */
export function boundarySchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

/** Every problem of `data` against the boundary rules, each with the path of its field. */
export function inputProblems(data: unknown, schema: JsonSchema): Problem[] {
  const problems: Problem[] = [];
  const walk = (value: unknown, schemas: readonly JsonSchema[], path: readonly (string | number)[]) => {
    if (problems.length >= 20) return;
    const field = path.join('.');
    const here = alternatives(schemas, schema);
    if (typeof value === 'string') {
      const max = widest(
        here.map((s) => s.maxLength),
        DEFAULT_MAX_LENGTH,
      );
      const problem =
        value.length > max ? `is longer than ${max} characters (${value.length})` : textProblem(value);
      if (problem !== undefined) problems.push({ field, message: problem });
      return;
    }
    if (value === null || typeof value !== 'object') return;
    if (path.length >= MAX_DEPTH) {
      problems.push({ field, message: `nests deeper than ${MAX_DEPTH} levels` });
      return;
    }
    if (Array.isArray(value)) {
      const max = widest(
        here.map((s) => s.maxItems),
        DEFAULT_MAX_ITEMS,
      );
      if (value.length > max) {
        problems.push({ field, message: `has more than ${max} items (${value.length})` });
        return;
      }
      value.forEach((item, i) => {
        const items = here.flatMap((s) => s.prefixItems?.[i] ?? s.items ?? []);
        walk(item, items, [...path, i]);
      });
      return;
    }
    for (const [key, item] of Object.entries(value)) {
      const keyText = textProblem(key);
      const keyProblem =
        key.length > MAX_KEY_LENGTH
          ? `has a key longer than ${MAX_KEY_LENGTH} characters`
          : keyText && `has a key that ${keyText}`;
      if (keyProblem !== undefined) {
        problems.push({ field, message: keyProblem });
        continue;
      }
      const children = here.flatMap((s) => {
        const child = s.properties?.[key] ?? s.additionalProperties;
        return typeof child === 'object' ? [child] : [];
      });
      walk(item, children, [...path, key]);
    }
  };
  walk(data, [schema], []);
  return problems;
}

/**
 * Fastify's validator for zod route schemas, with the boundary rules checked first, so that every
 * route's body, query string, path parameters and headers get them without a line of their own.
 */
export const guardedValidatorCompiler: FastifySchemaCompiler<z.ZodType> = (route) => {
  const validate = validatorCompiler(route);
  const jsonSchema = boundarySchemaOf(route.schema);
  return (data) => {
    const problems = inputProblems(data, jsonSchema);
    if (problems.length > 0) return { error: validationFailed(problems, route.httpPart ?? 'body') };
    return validate(data);
  };
};

/** Header values a person could not have typed: control characters but tab (real HTTP parsers refuse them too). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const HEADER_CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F]/;

export function headerProblem(headers: Record<string, string | string[] | undefined>): HttpError | undefined {
  for (const [name, value] of Object.entries(headers)) {
    const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
    if (values.some((v) => HEADER_CONTROL.test(v)))
      return new HttpError(400, 'HEADER_INVALID', `The ${name} header contains a control character.`);
  }
  return undefined;
}

/** A JSON body's bytes as text; bytes that are not UTF-8 are a clear 400, not replacement characters. */
export function decodeUtf8Body(body: Buffer): string {
  if (!isUtf8(body)) throw new HttpError(400, 'BODY_NOT_UTF8', 'The request body is not valid UTF-8 text.');
  return body.toString('utf8');
}
