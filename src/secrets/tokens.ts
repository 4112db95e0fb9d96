import { createHash, randomBytes } from 'node:crypto';

/** Random bearer values (session ids, API tokens, setup links). Only their SHA-256 is stored. */
export function newToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export const API_TOKEN_PREFIX = 'fry_';
