import { z } from 'zod';

import { AGENT_ROLES, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../domain/agents.ts';
import { passwordProblem } from '../secrets/password-policy.ts';
import { textProblem } from './input-guard.ts';

/**
 * Request text with tighter rules than the boundary's (input-guard.ts): trimmed, within `min` and
 * `max` characters, and one line — no tab, CR or LF — unless `singleLine` is false. For request
 * schemas only: text stored before a rule existed must still be answered.
 */
export function safeText(options: { min?: number; max: number; singleLine?: boolean }) {
  return z
    .string()
    .trim()
    .min(options.min ?? 0)
    .max(options.max)
    .superRefine((value, ctx) => {
      const problem = textProblem(value, { singleLine: options.singleLine ?? true });
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    });
}

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().describe('Stable, machine-readable error code'),
      message: z.string().describe('What went wrong and what to do, for a person'),
      details: z.record(z.string(), z.unknown()),
    }),
  })
  .describe('Every error Ferry returns has this shape');

export const agentSchema = z.object({
  id: z.uuid(),
  workgroupId: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: z.enum(AGENT_ROLES),
  createdAt: z.date(),
  lastSignInAt: z.date().nullable(),
});

export const workgroupSchema = z.object({ id: z.uuid(), name: z.string() });

export const errorResponses = {
  400: errorSchema,
  401: errorSchema,
  403: errorSchema,
  404: errorSchema,
  409: errorSchema,
  429: errorSchema,
};

/** A password an agent chooses (setup, invitation, change, reset): the policy of secrets/password-policy.ts. */
export const newPasswordSchema = z
  .string()
  .max(4 * MAX_PASSWORD_LENGTH)
  .superRefine((password, context) => {
    const problem = passwordProblem(password);
    if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
  })
  .describe(
    `${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters, not on the list of commonly used passwords`,
  );
