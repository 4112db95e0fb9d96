import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';

import { describe, expect, it } from 'vitest';

import { UserError } from '../domain/errors.ts';
import { Secret } from '../domain/secret.ts';
import { loadKeyRing, parseKeyRing } from './master-key.ts';
import { createSecretBox } from './secret-box.ts';

const keyA = { id: 'a', key: Buffer.alloc(32, 1) };
const keyB = { id: 'b', key: Buffer.alloc(32, 2) };

describe('secret box', () => {
  it('round-trips a credential and never stores the plaintext', () => {
    const box = createSecretBox([keyA]);
    const sealed = box.seal(new Secret('pa,ss wörd'));
    expect(sealed).not.toContain('pa,ss');
    expect(box.open(sealed).reveal()).toBe('pa,ss wörd');
  });

  it('uses a fresh IV each time', () => {
    const box = createSecretBox([keyA]);
    expect(box.seal(new Secret('x'))).not.toBe(box.seal(new Secret('x')));
  });

  it('opens old ciphertexts after a key rotation and seals with the new key', () => {
    const old = createSecretBox([keyA]).seal(new Secret('old'));
    const rotated = createSecretBox([keyB, keyA]);
    expect(rotated.open(old).reveal()).toBe('old');
    expect(rotated.seal(new Secret('new')).split('.')[1]).toBe('b');
  });

  it('refuses tampered ciphertext and unknown keys with an admin-readable error', () => {
    const box = createSecretBox([keyA]);
    const sealed = box.seal(new Secret('secret'));
    const parts = sealed.split('.');
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow(UserError);
    expect(() => createSecretBox([keyB]).open(sealed)).toThrow(/master key "a"/);
  });
});

describe('Secret', () => {
  it('prints as [redacted] everywhere', () => {
    const secret = new Secret('hunter2');
    const texts = [
      String(secret),
      // eslint-disable-next-line @typescript-eslint/restrict-template-expressions -- interpolating is the leak under test
      `${secret}`,
      JSON.stringify({ secret }),
      inspect(secret),
      inspect({ nested: { secret } }),
    ];
    for (const text of texts) expect(text).not.toContain('hunter2');
    expect(secret.reveal()).toBe('hunter2');
  });
});

describe('master key', () => {
  it('is generated once into the data dir with mode 0600 and reused', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ferry-key-'));
    const first = await loadKeyRing(undefined, dir);
    const second = await loadKeyRing(undefined, dir);
    expect(second).toEqual(first);
    expect(first[0]?.key).toHaveLength(32);
    expect((await stat(path.join(dir, 'master.key'))).mode & 0o777).toBe(0o600);
    expect(await readFile(path.join(dir, 'master.key'), 'utf8')).toMatch(/^k\d{8}:/);
  });

  it('parses a configured ring in order', () => {
    const ring = parseKeyRing(`new:${keyB.key.toString('base64')},old:${keyA.key.toString('base64')}`);
    expect(ring.map((k) => k.id)).toEqual(['new', 'old']);
  });
});
