import { useState } from 'react';

import type { ApiToken } from './ApiTokens.tsx';
import { formatDateTime } from '../../format.ts';

interface TokenTableProps {
  tokens: ApiToken[];
  onRevoke: (token: ApiToken) => Promise<void>;
}

export function TokenTable({ tokens, onRevoke }: TokenTableProps) {
  const [confirming, setConfirming] = useState<string>();
  const [revoking, setRevoking] = useState<string>();

  const revoke = async (token: ApiToken) => {
    setRevoking(token.id);
    await onRevoke(token);
    setRevoking(undefined);
    setConfirming(undefined);
  };

  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Your personal API tokens</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Starts with</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((token) => {
            const expired = new Date(token.expiresAt).getTime() <= Date.now();
            const live = token.revokedAt === null && !expired;
            return (
              <tr key={token.id} className={live ? undefined : 'row-muted'}>
                <th scope="row">{token.name}</th>
                <td>
                  <code>{token.prefix}…</code>
                </td>
                <td>{formatDateTime(token.createdAt)}</td>
                <td>{formatDateTime(token.expiresAt)}</td>
                <td>{formatDateTime(token.lastUsedAt, 'Never')}</td>
                <td>
                  {token.revokedAt !== null ? (
                    <span className="badge">Revoked {formatDateTime(token.revokedAt)}</span>
                  ) : expired ? (
                    <span className="badge">Expired</span>
                  ) : (
                    <span className="badge badge-ok">Active</span>
                  )}
                </td>
                <td className="cell-actions">
                  {live &&
                    (confirming === token.id ? (
                      <span className="confirm">
                        <button
                          type="button"
                          className="button button-danger button-small"
                          disabled={revoking === token.id}
                          onClick={() => void revoke(token)}
                        >
                          {revoking === token.id ? 'Revoking…' : `Revoke “${token.name}”`}
                        </button>
                        <button
                          type="button"
                          className="button button-quiet button-small"
                          onClick={() => setConfirming(undefined)}
                        >
                          Cancel
                        </button>
                      </span>
                    ) : (
                      <button
                        type="button"
                        className="button button-small"
                        aria-label={`Revoke ${token.name}`}
                        onClick={() => setConfirming(token.id)}
                      >
                        Revoke
                      </button>
                    ))}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
