import { z } from 'zod';

import { errorResponses, errorSchema } from '../../schemas.ts';

export const pageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1).describe('Page number, from 1'),
  pageSize: z.coerce.number().int().min(1).max(500).default(50).describe('Items per page (at most 500)'),
});

export const searchPageQuery = pageQuery.extend({
  search: z.string().trim().max(200).optional().describe('Case-insensitive text to look for'),
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

/** The error responses of the MSP routes; 402 is a declined card. */
export const mspErrorResponses = { ...errorResponses, 402: errorSchema };
