import { z } from 'zod';

import { errorResponses, safeText } from '../../schemas.ts';

export { errorResponses, safeText };

export const pageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1).describe('Page number, from 1'),
  pageSize: z.coerce.number().int().min(1).max(500).default(50).describe('Items per page (at most 500)'),
  search: z
    .string()
    .trim()
    .max(200)
    .optional()
    .describe('Case-insensitive text to look for, anywhere in the name'),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int().describe('Items matching, on every page'),
    page: z.number().int(),
    pageSize: z.number().int(),
  });
}

export const idParams = z.object({ id: z.uuid() });
export const mailboxParams = z.object({ id: z.uuid(), mailboxId: z.uuid() });

/** A mailbox address as Zimbra and Microsoft 365 take it, canonically composed (NFC). */
export const emailAddress = z
  .string()
  .trim()
  .max(320)
  .normalize('NFC')
  .regex(/^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>"]+$/, 'is not an email address');

/** Secrets in responses: whether one is set, never its value. */
export const secretState = z
  .object({ set: z.boolean() })
  .describe('Write-only secret: only whether it is set');

export const checkSchema = z.object({
  check: z.string(),
  ok: z.boolean(),
  message: z.string(),
  fix: z.string().optional(),
  code: z.string().optional(),
});

export const validationSchema = z.object({
  ok: z.boolean(),
  checks: z.array(checkSchema),
  region: z.string().nullable(),
  regionNotice: z.string().nullable(),
});
