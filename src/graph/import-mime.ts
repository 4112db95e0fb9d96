import type { MessageImportFollowUp } from '../domain/destination.ts';
import { betaUserPath, segment, userPath } from './graph-paths.ts';
import type { GraphTransport } from './transport.ts';

/**
 * The beta `mailFolder: importMime` path (microsoft-graph.md §5.3): the original MIME becomes a
 * non-draft message "as if delivered", every header and part kept. Read state, flag, categories,
 * importance and the idempotency stamp are set by a PATCH right after; if that PATCH fails the
 * message is deleted, so a retry never finds an unstamped copy it cannot recognise.
 */
export async function importMimeMessage(
  transport: GraphTransport,
  upn: string,
  folderId: string,
  raw: Uint8Array,
  followUp: MessageImportFollowUp,
): Promise<string> {
  const created = await transport.request<{ id: string }>({
    method: 'POST',
    path: `${betaUserPath(upn)}/mailFolders/${segment(folderId)}/importMime`,
    mailbox: upn,
    bytes: new TextEncoder().encode(Buffer.from(raw).toString('base64')),
    headers: { 'content-type': 'text/plain' },
    repeatable: false,
  });
  const id = created.body.id;
  const message = `${userPath(upn)}/messages/${segment(id)}`;
  try {
    await transport.request({
      method: 'PATCH',
      path: message,
      mailbox: upn,
      json: followUp,
      repeatable: true,
    });
  } catch (error) {
    await transport
      .request({ method: 'DELETE', path: message, mailbox: upn, repeatable: true })
      .catch(() => undefined);
    throw error;
  }
  return id;
}
