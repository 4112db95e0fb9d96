import { createHash, createHmac } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { scramSha256Verifier } from './scram-verifier.ts';

/** The SCRAM-SHA-256 exchange of RFC 7677 §3: user "user", password "pencil". */
const RFC_7677 = {
  salt: 'W22ZaJ0SNY7soEsUEjb6gQ==',
  authMessage:
    'n=user,r=rOprNGfwEbeRWgbNEkqO,' +
    'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,' +
    'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
  clientProof: 'dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverSignature: '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

describe('scramSha256Verifier', () => {
  it('stores the keys with which the RFC 7677 exchange verifies on both sides', () => {
    const verifier = scramSha256Verifier('pencil', Buffer.from(RFC_7677.salt, 'base64'));
    const match = /^SCRAM-SHA-256\$4096:([^$]+)\$([^:]+):(.+)$/.exec(verifier);
    expect(match?.[1]).toBe(RFC_7677.salt);
    const storedKey = Buffer.from(match?.[2] ?? '', 'base64');
    const serverKey = Buffer.from(match?.[3] ?? '', 'base64');
    // The server proves itself with ServerKey…
    expect(createHmac('sha256', serverKey).update(RFC_7677.authMessage).digest('base64')).toBe(
      RFC_7677.serverSignature,
    );
    // …and checks the client's proof against StoredKey: ClientKey = proof XOR signature, H(ClientKey) = StoredKey.
    const signature = createHmac('sha256', storedKey).update(RFC_7677.authMessage).digest();
    const proof = Buffer.from(RFC_7677.clientProof, 'base64');
    const clientKey = Buffer.from(proof.map((byte, i) => byte ^ signature[i]!));
    expect(createHash('sha256').update(clientKey).digest()).toEqual(storedKey);
  });

  it('salts every verifier anew', () => {
    expect(scramSha256Verifier('same')).not.toBe(scramSha256Verifier('same'));
  });
});
