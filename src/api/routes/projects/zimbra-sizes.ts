import { findEndpoint } from '../../../db/endpoints.ts';
import type { ProjectRecord } from '../../../db/projects.ts';
import type { MailboxWork } from '../../../domain/duration-estimate.ts';
import type { ZimbraSettings } from '../../../domain/endpoint-settings.ts';
import { FerryError } from '../../../domain/errors.ts';
import { createSessionFactory } from '../../../zimbra/session.ts';
import { createSoapTransport } from '../../../zimbra/soap-transport.ts';
import { createZimbraSource } from '../../../zimbra/zimbra-source.ts';
import type { ControlPlaneDeps } from '../../control-plane-deps.ts';

/** Mailboxes asked at once: each costs Zimbra one folder listing (and, for an admin, a delegation). */
const AT_ONCE = 4;

export type ZimbraSize = { readonly work: MailboxWork } | { readonly error: string };

/**
 * What Zimbra's folder list says each mailbox holds (GetFolderRequest: item count and size per
 * folder), for mailboxes no pass has listed yet. Sizes of single messages are not in it: a large
 * message counts as ordinary mail.
 */
export async function zimbraSizes(
  { db, sealer, outbound }: Pick<ControlPlaneDeps, 'db' | 'sealer' | 'outbound'>,
  project: ProjectRecord,
  mailboxes: readonly { source: string; sourcePasswordSealed: string | null }[],
): Promise<Map<string, ZimbraSize>> {
  const sizes = new Map<string, ZimbraSize>();
  if (mailboxes.length === 0) return sizes;
  const endpoint = await findEndpoint(db, project.workgroupId, project.sourceEndpointId);
  if (endpoint === undefined) {
    for (const m of mailboxes) sizes.set(m.source, { error: 'the project has no source endpoint' });
    return sizes;
  }
  const settings = endpoint.settings as ZimbraSettings;
  const admin = settings.provideCredentials && endpoint.secretSealed !== null;
  const soap = createSoapTransport({
    url: settings.serverUrl,
    adminUrl: settings.adminUrl,
    fetch: outbound.fetch,
  });
  const sessions = createSessionFactory(
    soap,
    admin
      ? {
          mode: 'admin',
          adminName: settings.adminUsername ?? '',
          adminPassword: sealer.open(endpoint.secretSealed),
        }
      : {
          mode: 'user',
          passwords: new Map(
            mailboxes.flatMap((m) =>
              m.sourcePasswordSealed === null
                ? []
                : [[m.source.toLowerCase(), sealer.open(m.sourcePasswordSealed)] as const],
            ),
          ),
        },
  );
  const source = createZimbraSource(soap, sessions, undefined, () => undefined);

  const queue = [...mailboxes];
  const worker = async () => {
    for (let m = queue.shift(); m !== undefined; m = queue.shift()) {
      try {
        const folders = await source.listFolders(m.source);
        const count = (view: string) =>
          folders.filter((f) => f.view === view).reduce((n, f) => n + f.itemCount, 0);
        sizes.set(m.source, {
          work: {
            mailbox: m.source,
            messages: count('message'),
            messageBytes: folders.filter((f) => f.view === 'message').reduce((n, f) => n + f.sizeBytes, 0),
            largeMessageBytes: [],
            contacts: count('contact'),
            events: count('appointment'),
            tasks: count('task'),
            folders: folders.length,
          },
        });
      } catch (error) {
        sizes.set(m.source, {
          error: error instanceof FerryError ? error.message : 'Zimbra could not be asked for its folders',
        });
      }
    }
  };
  await Promise.all(Array.from({ length: AT_ONCE }, worker));
  return sizes;
}
