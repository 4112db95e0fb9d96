import type { Db } from './database.ts';

export async function createSetupToken(db: Db, tokenHash: string, expiresAt: Date): Promise<void> {
  await db.insertInto('setup_tokens').values({ token_hash: tokenHash, expires_at: expiresAt }).execute();
}

/** Marks the setup token used; false when it is unknown, expired or already used. */
export async function consumeSetupToken(db: Db, tokenHash: string): Promise<boolean> {
  const result = await db
    .updateTable('setup_tokens')
    .set({ used_at: new Date() })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
