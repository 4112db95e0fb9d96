import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

import { UserError } from '../domain/errors.ts';
import type { SecretSealer } from '../domain/ports.ts';
import { Secret } from '../domain/secret.ts';

/**
 * AES-256-GCM with a key id in every ciphertext, so keys can be rotated: the first key of the
 * ring seals, any key of the ring opens. Format: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url).
 */
const FORMAT = 'v1';
const IV_BYTES = 12;
export const KEY_BYTES = 32;

export interface MasterKey {
  readonly id: string;
  readonly key: Buffer;
}

export function createSecretBox(ring: readonly MasterKey[]): SecretSealer {
  const current = ring[0];
  if (current === undefined) throw new Error('The key ring is empty: at least one master key is needed.');
  for (const { id, key } of ring) {
    if (key.length !== KEY_BYTES)
      throw new Error(`Master key "${id}" must be ${KEY_BYTES} bytes, not ${key.length}.`);
    if (!/^[A-Za-z0-9_-]+$/.test(id))
      throw new Error(`Master key id "${id}" may hold only letters, digits, - and _.`);
  }
  const byId = new Map(ring.map((k) => [k.id, k.key]));

  return {
    seal(secret) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      cipher.setAAD(Buffer.from(current.id));
      const body = Buffer.concat([cipher.update(secret.reveal(), 'utf8'), cipher.final()]);
      return [FORMAT, current.id, b64(iv), b64(cipher.getAuthTag()), b64(body)].join('.');
    },
    open(sealed) {
      const [format, keyId, iv, tag, body] = sealed.split('.');
      if (
        format !== FORMAT ||
        keyId === undefined ||
        iv === undefined ||
        tag === undefined ||
        body === undefined
      ) {
        throw unreadable('it is not in a format this version of Ferry writes');
      }
      const key = byId.get(keyId);
      if (key === undefined)
        throw unreadable(`it was sealed with master key "${keyId}", which is not configured`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(keyId));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        const plain = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
        return new Secret(plain.toString('utf8'));
      } catch (cause) {
        throw unreadable('it was altered or the master key is wrong', cause);
      }
    },
  };
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64url');
}

function unreadable(why: string, cause?: unknown): UserError {
  return new UserError(
    'SECRET_UNREADABLE',
    `A stored credential cannot be decrypted: ${why}. Re-enter the credential, or restore the master key (FERRY_MASTER_KEY or master.key in the data dir).`,
    { cause },
  );
}
