import type { Clock } from '../domain/clock.ts';
import { TransientError, UserError } from '../domain/errors.ts';
import type { SessionFactory } from './session.ts';
import type { SoapTransport } from './soap-transport.ts';
import { asMailboxError } from './zimbra-error.ts';

/** An overloaded Zimbra may serve a blank or cut answer (zimbra.md §13): try this often before giving up. */
const REST_FETCH_ATTEMPTS = 4;
const REST_RETRY_DELAY_MS = 1_000;

export interface RestDownload {
  readonly mailbox: string;
  /** Path and query under the REST servlet, e.g. `/service/home/~/?id=257`. */
  readonly path: string;
  readonly itemId: string;
  /** The item as the admin reads it in errors: "message 257", "the photo of contact 300". */
  readonly what: string;
  /** Why the bytes are not what Zimbra should have sent, or undefined when they are. */
  readonly problem: (bytes: Uint8Array) => string | undefined;
}

export type RestFetcher = (download: RestDownload) => Promise<Uint8Array>;

/**
 * GETs one item from the REST servlet with the mailbox's token (renewed on 401), retrying
 * blank or incomplete answers so that an empty copy never reaches Microsoft 365.
 */
export function createRestFetcher(
  transport: SoapTransport,
  sessions: SessionFactory,
  clock: Clock,
): RestFetcher {
  return async (download) => {
    try {
      return await fetchOnce(download);
    } catch (error) {
      throw asMailboxError(error);
    }
  };

  async function fetchOnce({ mailbox, path, itemId, what, problem }: RestDownload): Promise<Uint8Array> {
    const session = sessions.forMailbox(mailbox);
    let renewals = 0;
    let lastProblem = '';
    for (let attempt = 1; attempt <= REST_FETCH_ATTEMPTS; attempt++) {
      const token = await session.token();
      const response = await transport.get(session.port, path, token, mailbox);
      // An expired token answers 401; it may expire again while an answer is retried, so each
      // refusal of a token renews it (the session renews once for every request that saw it).
      if (response.status === 401 && renewals < REST_FETCH_ATTEMPTS) {
        await response.body?.cancel();
        renewals += 1;
        await session.renew(token);
        attempt -= 1;
        continue;
      }
      if (response.status === 404) {
        await response.body?.cancel();
        throw new UserError(
          'ZIMBRA_ITEM_GONE',
          `${capitalised(what)} is no longer in the Zimbra mailbox ${mailbox} (deleted or moved during the migration), or it cannot be read.`,
          { context: { user: mailbox, itemId } },
        );
      }
      if (!response.ok) {
        await response.body?.cancel();
        lastProblem = `HTTP ${response.status}`;
      } else {
        let bytes: Uint8Array | undefined;
        try {
          bytes = new Uint8Array(await response.arrayBuffer());
        } catch {
          // The download broke off or stalled past the body timeout.
          bytes = undefined;
        }
        const wrong =
          bytes === undefined
            ? 'an answer that broke off'
            : bytes.length === 0
              ? 'an empty answer'
              : problem(bytes);
        if (wrong === undefined && bytes !== undefined) return bytes;
        lastProblem = wrong ?? '';
      }
      if (attempt < REST_FETCH_ATTEMPTS) await clock.sleep(REST_RETRY_DELAY_MS * attempt);
    }
    throw new TransientError(
      'ZIMBRA_ITEM_INCOMPLETE',
      `Zimbra served ${lastProblem} for ${what} of ${mailbox} ${REST_FETCH_ATTEMPTS} times; it was not migrated, so a blank copy never reaches Microsoft 365. Retry Errors will try again.`,
      { context: { user: mailbox, itemId } },
    );
  }
}

const capitalised = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
