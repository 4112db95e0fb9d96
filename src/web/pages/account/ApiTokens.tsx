import { useCallback, useEffect, useState } from 'react';

import { api, type ApiError, type ResponseOf } from '../../api/client.ts';
import { Alert } from '../../components/Alert.tsx';
import { LoadingState } from '../../components/LoadingState.tsx';
import { asApiError } from '../../session/SessionProvider.tsx';
import { CreateTokenForm, type TokenExpiry } from './CreateTokenForm.tsx';
import { NewTokenNotice } from './NewTokenNotice.tsx';
import { TokenTable } from './TokenTable.tsx';

export type ApiToken = ResponseOf<'/api/tokens', 'get'>['tokens'][number];
type Created = ResponseOf<'/api/tokens', 'post'>;

type Listing =
  { status: 'loading' } | { status: 'loaded'; tokens: ApiToken[] } | { status: 'error'; error: ApiError };

/** Personal API tokens: for the ferry CLI and scripts, sent as "Authorization: Bearer …". */
export function ApiTokens() {
  const [listing, setListing] = useState<Listing>({ status: 'loading' });
  const [created, setCreated] = useState<Created>();
  const [actionError, setActionError] = useState<string>();

  const load = useCallback(async () => {
    try {
      const { tokens } = await api.get('/api/tokens');
      setListing({ status: 'loaded', tokens });
    } catch (error) {
      setListing({ status: 'error', error: asApiError(error) });
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const create = async (name: string, expiry: TokenExpiry) => {
    setActionError(undefined);
    const result = await api.post('/api/tokens', { body: { name, ...expiry } });
    setCreated(result);
    await load();
  };

  const revoke = async (token: ApiToken) => {
    setActionError(undefined);
    try {
      await api.delete('/api/tokens/{id}', { params: { id: token.id } });
      if (created?.token.id === token.id) setCreated(undefined);
      await load();
    } catch (error) {
      setActionError(asApiError(error).message);
    }
  };

  return (
    <section className="panel" aria-labelledby="tokens-title">
      <h2 id="tokens-title">Personal API tokens</h2>
      <p className="panel-intro">
        Tokens let the <code>ferry</code> command line and your scripts act as you: send one as{' '}
        <code>Authorization: Bearer fry_…</code>. A token is shown only once, when you create it, and stops
        working when it expires or when you change your password.
      </p>
      <CreateTokenForm onCreate={create} />
      {created !== undefined && (
        <NewTokenNotice
          name={created.token.name}
          value={created.value}
          onDismiss={() => setCreated(undefined)}
        />
      )}
      {actionError !== undefined && (
        <Alert tone="error" title="The token could not be revoked">
          <p>{actionError}</p>
        </Alert>
      )}
      {listing.status === 'loading' && <LoadingState label="Loading your tokens…" />}
      {listing.status === 'error' && (
        <Alert tone="error" title="Your tokens could not be loaded">
          <p>{listing.error.message}</p>
          <button type="button" className="button" onClick={() => void load()}>
            Try again
          </button>
        </Alert>
      )}
      {listing.status === 'loaded' &&
        (listing.tokens.length === 0 ? (
          <p className="muted">You have no API tokens yet.</p>
        ) : (
          <TokenTable tokens={listing.tokens} onRevoke={revoke} />
        ))}
    </section>
  );
}
