import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import { NATIONAL_CLOUDS, type PassEndpoints } from '../domain/endpoints.ts';
import { UserError } from '../domain/errors.ts';
import { parseMailboxList } from '../domain/mailbox-list.ts';
import { DEFAULT_MAX_MESSAGE_BYTES, ITEM_TYPES, type ItemType } from '../domain/migration.ts';
import { parseSupportOptions, type SupportOptions } from '../domain/support-options.ts';
import { userPatternProblem } from '../domain/user-pattern.ts';

/** A migration as code (issue contract): JSON or YAML. */
const planSchema = z.object({
  name: z.string().min(1),
  source: z.object({
    type: z.literal('zimbra'),
    url: z.url(),
    adminUrl: z.url().optional(),
    username: z.string().min(1).optional(),
    password: z
      .string()
      .refine(
        (p) => !p.includes(','),
        'must not contain a comma (Zimbra migrations fail with such passwords; change it)',
      )
      .optional(),
  }),
  destination: z
    .object({
      type: z.literal('m365'),
      tenantId: z.string().min(1),
      clientId: z.string().min(1),
      clientSecret: z.string().min(1).optional(),
      /** Certificate credentials instead of a secret: PEM files, relative to the plan file. */
      clientCertificate: z
        .object({ certificateFile: z.string().min(1), privateKeyFile: z.string().min(1) })
        .optional(),
      authorityUrl: z.url().default(NATIONAL_CLOUDS.global.authorityUrl),
      graphUrl: z.url().default(NATIONAL_CLOUDS.global.graphUrl),
    })
    .refine((d) => (d.clientSecret === undefined) !== (d.clientCertificate === undefined), {
      message: 'give exactly one of clientSecret and clientCertificate',
    }),
  users: z
    .array(
      z.object({
        source: z.string().min(3),
        destination: z.string().min(3),
        password: z.string().optional(),
      }),
    )
    .optional(),
  usersCsv: z.string().optional(),
  /** For a Zimbra admin-console export: the destination domain of every mailbox (alice@old → alice@<domain>). */
  destinationDomain: z.string().min(3).optional(),
  options: z
    .object({
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
  const parsed = planSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'plan'}: ${i.message}`);
    throw new UserError('PLAN_INVALID', `The plan file ${file} is invalid:\n${problems.join('\n')}`, {
      details: { problems },
    });
  }
  const plan = parsed.data;
  const users =
    plan.users ??
    (plan.usersCsv === undefined
      ? []
      : await readUsersCsv(path.resolve(path.dirname(file), plan.usersCsv), plan.destinationDomain));
  if (users.length === 0)
    throw new UserError('PLAN_INVALID', `The plan file ${file} names no users (give "users" or "usersCsv").`);
  const adminMode = plan.source.username !== undefined;
  if (!adminMode && users.some((u) => (u as { password?: string }).password === undefined)) {
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
          users.flatMap((u) => {
            const password = (u as { password?: string }).password;
            return password === undefined ? [] : [[u.source.toLowerCase(), password]];
          }),
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

/** The Zimbra admin-console export or a `source,destination` CSV; any bad line refuses the whole list. */
async function readUsersCsv(
  file: string,
  destinationDomain: string | undefined,
): Promise<{ source: string; destination: string }[]> {
  const list = parseMailboxList(await readFile(file, 'utf8'), { destinationDomain });
  if (list.problems.length > 0) {
    const lines = list.problems.map((p) => `line ${p.line}: ${p.message}`);
    throw new UserError(
      'CSV_ROW_INVALID',
      `${file} has ${lines.length} bad line(s); nothing was imported:\n${lines.join('\n')}`,
      {
        details: { problems: list.problems },
      },
    );
  }
  return list.rows.map((r) => ({ source: r.source, destination: r.destination }));
}
