import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import { passwordCommaProblem } from '../domain/endpoint-settings.ts';
import { NATIONAL_CLOUDS, type PassEndpoints } from '../domain/endpoints.ts';
import { UserError } from '../domain/errors.ts';
import { parseMailboxList } from '../domain/mailbox-list.ts';
import { DEFAULT_MAX_MESSAGE_BYTES, ITEM_TYPES, type ItemType } from '../domain/migration.ts';
import { nearestName } from '../domain/nearest-name.ts';
import { parseSupportOptions, type SupportOptions } from '../domain/support-options.ts';
import { userPatternProblem } from '../domain/user-pattern.ts';

/** Zimbra and Graph answer over HTTP(S); any other scheme (`file:`) can only hang or mislead a pass. */
const webUrl = () => z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

const password = () =>
  z.string().superRefine((p, context) => {
    const problem = passwordCommaProblem(p);
    if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
  });

/** A migration as code (issue contract): JSON or YAML. Every object is strict: a mistyped key is an error. */
const planSchema = z.strictObject({
  name: z.string().min(1),
  source: z.strictObject({
    type: z.literal('zimbra'),
    url: webUrl(),
    adminUrl: webUrl().optional(),
    username: z.string().min(1).optional(),
    password: password().optional(),
  }),
  destination: z
    .strictObject({
      type: z.literal('m365'),
      tenantId: z.string().min(1),
      clientId: z.string().min(1),
      clientSecret: z.string().min(1).optional(),
      /** Certificate credentials instead of a secret: PEM files, relative to the plan file. */
      clientCertificate: z
        .strictObject({ certificateFile: z.string().min(1), privateKeyFile: z.string().min(1) })
        .optional(),
      authorityUrl: webUrl().default(NATIONAL_CLOUDS.global.authorityUrl),
      graphUrl: webUrl().default(NATIONAL_CLOUDS.global.graphUrl),
    })
    .refine((d) => (d.clientSecret === undefined) !== (d.clientCertificate === undefined), {
      message: 'give exactly one of clientSecret and clientCertificate',
    }),
  users: z
    .array(
      z.strictObject({
        source: z.string().min(3),
        destination: z.string().min(3),
        password: password().optional(),
      }),
    )
    .optional(),
  usersCsv: z.string().optional(),
  /** For a Zimbra admin-console export: the destination domain of every mailbox (alice@old → alice@<domain>). */
  destinationDomain: z.string().min(3).optional(),
  options: z
    .strictObject({
      maxConcurrentMigrations: z.number().int().min(1).max(100).default(5),
      itemTypes: z
        .array(z.enum(ITEM_TYPES))
        .min(1)
        .default([...ITEM_TYPES]),
      supportOptions: z.array(z.string()).default([]),
      folderFilter: z
        .string()
        .superRefine((f, context) => {
          const problem = userPatternProblem(f, 'Folder filter');
          if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
        })
        .optional(),
      logSubjects: z.boolean().default(false),
      maxMessageSizeMB: z.number().min(1).max(150).optional(),
      receivedAfter: z.iso.date().optional(),
    })
    .prefault({}),
});

export interface Plan {
  readonly name: string;
  readonly endpoints: PassEndpoints;
  readonly users: readonly { source: string; destination: string }[];
  readonly maxConcurrentMigrations: number;
  readonly itemTypes: readonly ItemType[];
  readonly support: SupportOptions;
  readonly folderFilter: string | undefined;
  readonly logSubjects: boolean;
  readonly maxMessageBytes: number;
  readonly receivedAfterMs: number | undefined;
}

export async function loadPlan(file: string): Promise<Plan> {
  const text = await readFile(file, 'utf8').catch((cause: unknown) => {
    throw new UserError(
      'PLAN_UNREADABLE',
      `The plan file ${file} cannot be read: ${(cause as Error).message}`,
    );
  });
  let raw: unknown;
  try {
    raw = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (cause) {
    throw new UserError(
      'PLAN_INVALID',
      `The plan file ${file} is not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(cause as Error).message}`,
    );
  }
  const nulFields = fieldsWithNul(raw);
  if (nulFields.length > 0)
    throw planInvalid(
      file,
      nulFields.map((field) => `${field}: contains a NUL byte`),
    );
  const parsed = planSchema.safeParse(raw);
  if (!parsed.success) throw planInvalid(file, parsed.error.issues.flatMap(problemLines));
  const plan = parsed.data;
  const users: PlanUser[] =
    plan.users?.map((u, index) => ({ ...u, where: `users.${index}` })) ??
    (plan.usersCsv === undefined
      ? []
      : await readUsersCsv(path.resolve(path.dirname(file), plan.usersCsv), plan.destinationDomain));
  if (users.length === 0)
    throw new UserError('PLAN_INVALID', `The plan file ${file} names no users (give "users" or "usersCsv").`);
  const duplicates = duplicateUsers(users);
  if (duplicates.length > 0) throw planInvalid(file, duplicates);
  const adminMode = plan.source.username !== undefined;
  if (!adminMode && users.some((u) => u.password === undefined)) {
    throw new UserError(
      'PLAN_INVALID',
      'Without an admin username (regular-user mode), every user needs a "password".',
    );
  }
  const support = parseSupportOptions(plan.options.supportOptions);
  return {
    name: plan.name,
    endpoints: {
      source: {
        type: 'zimbra',
        url: plan.source.url,
        adminUrl: plan.source.adminUrl,
        username: plan.source.username,
        password: plan.source.password,
        userPasswords: Object.fromEntries(
          users.flatMap((u) => (u.password === undefined ? [] : [[u.source.toLowerCase(), u.password]])),
        ),
      },
      destination: await destinationEndpoint(plan.destination, path.dirname(file)),
    },
    users: users.map((u) => ({ source: u.source, destination: u.destination })),
    maxConcurrentMigrations: plan.options.maxConcurrentMigrations,
    itemTypes: plan.options.itemTypes,
    support,
    folderFilter: plan.options.folderFilter,
    logSubjects: plan.options.logSubjects,
    maxMessageBytes:
      plan.options.maxMessageSizeMB === undefined
        ? DEFAULT_MAX_MESSAGE_BYTES
        : plan.options.maxMessageSizeMB * 1024 * 1024,
    receivedAfterMs:
      plan.options.receivedAfter === undefined ? undefined : Date.parse(plan.options.receivedAfter),
  };
}

/** The destination settings, with a certificate's PEM files read in (the run seals them with the rest). */
async function destinationEndpoint(
  destination: z.output<typeof planSchema>['destination'],
  planDir: string,
): Promise<PassEndpoints['destination']> {
  const { clientCertificate, clientSecret, ...rest } = destination;
  if (clientCertificate === undefined) return { ...rest, clientSecret: clientSecret ?? '' };
  const read = (file: string) =>
    readFile(path.resolve(planDir, file), 'utf8').catch((cause: unknown) => {
      throw new UserError('PLAN_INVALID', `The certificate file ${file} of the plan cannot be read.`, {
        cause,
      });
    });
  return {
    ...rest,
    clientCertificate: {
      certificatePem: await read(clientCertificate.certificateFile),
      privateKeyPem: await read(clientCertificate.privateKeyFile),
    },
  };
}

interface PlanUser {
  readonly source: string;
  readonly destination: string;
  readonly password?: string | undefined;
  /** Where the plan names the user, for messages: `users.3` or `users.csv line 4`. */
  readonly where: string;
}

function planInvalid(file: string, problems: readonly string[]): UserError {
  return new UserError('PLAN_INVALID', `The plan file ${file} is invalid:\n${problems.join('\n')}`, {
    details: { problems },
  });
}

/** One line per problem; an unknown key names the known key it was probably meant to be. */
function problemLines(issue: z.core.$ZodIssue): string[] {
  if (issue.code !== 'unrecognized_keys') return [`${issue.path.join('.') || 'plan'}: ${issue.message}`];
  const known = knownKeysAt(planSchema, issue.path);
  return issue.keys.map((key) => {
    const nearest = nearestName(key, known);
    const hint = nearest === undefined ? `known keys: ${known.join(', ')}` : `did you mean \`${nearest}\`?`;
    return `${[...issue.path, key].join('.')}: unknown key; ${hint}`;
  });
}

/** The keys of the plan object at `at` (a path as zod reports it). */
function knownKeysAt(schema: z.core.$ZodType, at: readonly PropertyKey[]): string[] {
  let node = schema;
  const rest = [...at];
  for (;;) {
    const def = node._zod.def as z.core.$ZodTypeDef & {
      innerType?: z.core.$ZodType;
      element?: z.core.$ZodType;
      shape?: Record<string, z.core.$ZodType>;
    };
    if (def.innerType !== undefined) node = def.innerType;
    else if (def.element !== undefined && typeof rest[0] === 'number') {
      rest.shift();
      node = def.element;
    } else if (def.shape !== undefined && rest.length > 0) {
      const next = def.shape[String(rest.shift())];
      if (next === undefined) return [];
      node = next;
    } else return Object.keys(def.shape ?? {});
  }
}

/** Paths of the strings (values or keys) holding a NUL byte, which no field may contain. */
function fieldsWithNul(value: unknown, at: readonly string[] = []): string[] {
  const name = at.join('.') || 'plan';
  if (typeof value === 'string') return value.includes('\0') ? [name] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => fieldsWithNul(v, [...at, String(i)]));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([key, v]) =>
      key.includes('\0') ? [`${name} (a key)`] : fieldsWithNul(v, [...at, key]),
    );
  return [];
}

/** Each source mailbox once, and each destination mailbox once, ignoring case. */
function duplicateUsers(users: readonly PlanUser[]): string[] {
  const problems: string[] = [];
  for (const side of ['source', 'destination'] as const) {
    const first = new Map<string, PlanUser>();
    for (const user of users) {
      const address = user[side].toLowerCase();
      const earlier = first.get(address);
      if (earlier === undefined) first.set(address, user);
      else problems.push(`${user.where}: ${side} ${user[side]} is already ${earlier.where}`);
    }
  }
  return problems;
}

/** The Zimbra admin-console export or a `source,destination` CSV; any bad line refuses the whole list. */
async function readUsersCsv(file: string, destinationDomain: string | undefined): Promise<PlanUser[]> {
  const text = await readFile(file, 'utf8').catch((cause: unknown) => {
    const code = (cause as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EISDIR'
          ? 'is a directory, not a CSV file'
          : `cannot be read (${(cause as Error).message})`;
    throw new UserError('PLAN_INVALID', `The usersCsv file ${file} named by the plan ${why}.`, { cause });
  });
  const nulLines = text
    .split('\n')
    .flatMap((line, index) => (line.includes('\0') ? [`line ${index + 1}: contains a NUL byte`] : []));
  const list = parseMailboxList(text, { destinationDomain });
  const problems = [...nulLines, ...list.problems.map((p) => `line ${p.line}: ${p.message}`)];
  if (problems.length > 0) {
    throw new UserError(
      'CSV_ROW_INVALID',
      `${file} has ${problems.length} bad line(s); nothing was imported:\n${problems.join('\n')}`,
      { details: { problems } },
    );
  }
  const name = path.basename(file);
  return list.rows.map((r) => ({
    source: r.source,
    destination: r.destination,
    where: `${name} line ${r.line}`,
  }));
}
