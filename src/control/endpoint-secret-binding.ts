import { cloudAddresses, type M365Settings, type ZimbraSettings } from '../domain/endpoint-settings.ts';
import { UserError } from '../domain/errors.ts';

/**
 * A stored secret is bound to where it was entered for. An edit that moves any address a secret
 * is sent to (URL, host, port, scheme, tenant, national cloud) drops the stored secret: the request
 * must enter it again, or it is refused. Fields that do not move the destination (the name, the
 * Zimbra admin username, the Application ID, a trailing slash, the case of a host) keep it.
 *
 * Regular-user mode keeps a Zimbra password per mailbox on the projects. Those are sent only to the
 * server URL (the mail port), and an edit of the endpoint cannot carry them again: moving that URL
 * is refused while any is stored, unless the request confirms they are cleared.
 */

export type DestinationField =
  'serverUrl' | 'adminUrl' | 'tenantId' | 'nationalCloud' | 'authorityUrl' | 'graphUrl';

export const DESTINATION_FIELD_LABELS: Record<DestinationField, string> = {
  serverUrl: 'server URL',
  adminUrl: 'admin URL',
  tenantId: 'Directory (tenant) ID',
  nationalCloud: 'national cloud',
  authorityUrl: 'identity address (authority URL)',
  graphUrl: 'Graph address',
};

export type EndpointSettingsChange =
  | { readonly kind: 'zimbra'; readonly before: ZimbraSettings; readonly after: ZimbraSettings }
  | { readonly kind: 'm365'; readonly before: M365Settings; readonly after: M365Settings };

/** What the request does with the endpoint's secret: a new value, null (clear), or omitted (keep). */
export type SecretEntry = 'entered' | 'cleared' | 'omitted';

export interface SecretBindingInput {
  readonly change: EndpointSettingsChange;
  readonly secretStored: boolean;
  readonly secret: SecretEntry;
  /** Regular-user-mode mailbox passwords stored on projects whose source is this endpoint. */
  readonly mailboxPasswordsStored: number;
  readonly clearMailboxPasswords: boolean;
}

export interface SecretBinding {
  /** Destination fields whose normalised value moved. */
  readonly changed: readonly DestinationField[];
  /** The stored secret must not be kept: it is replaced by the one entered, or refused. */
  readonly secretUnbound: boolean;
  /** How many mailbox passwords the change clears (0 unless confirmed). */
  readonly mailboxPasswordsToClear: number;
  /** Why the change cannot be saved as asked; undefined when it can. */
  readonly problem: UserError | undefined;
}

export const SECRET_BOUND_CODE = 'SECRET_BOUND_TO_DESTINATION';

/** A URL as the host it reaches: scheme and host in lower case, default port dropped, no trailing slash. */
export function normalisedUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.trim();
  }
  return parsed.href.replace(/\/+$/, '');
}

export function changedDestination(change: EndpointSettingsChange): DestinationField[] {
  if (change.kind === 'zimbra') {
    const { before, after } = change;
    const changed: DestinationField[] = [];
    if (normalisedUrl(before.serverUrl) !== normalisedUrl(after.serverUrl)) changed.push('serverUrl');
    if (normalisedUrl(before.adminUrl) !== normalisedUrl(after.adminUrl)) changed.push('adminUrl');
    return changed;
  }
  const { before, after } = change;
  const was = cloudAddresses(before);
  const now = cloudAddresses(after);
  const changed: DestinationField[] = [];
  if (before.tenantId.trim().toLowerCase() !== after.tenantId.trim().toLowerCase()) changed.push('tenantId');
  if (before.nationalCloud !== after.nationalCloud) changed.push('nationalCloud');
  if (normalisedUrl(was.authorityUrl) !== normalisedUrl(now.authorityUrl)) changed.push('authorityUrl');
  if (normalisedUrl(was.graphUrl) !== normalisedUrl(now.graphUrl)) changed.push('graphUrl');
  return changed;
}

function listed(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)!}`;
}

/** "the server URL and the admin URL changed", capitalised to open a sentence. */
function changedPhrase(fields: readonly DestinationField[], opening = true): string {
  const phrase = `${listed(fields.map((f) => `the ${DESTINATION_FIELD_LABELS[f]}`))} changed`;
  return opening ? `T${phrase.slice(1)}` : phrase;
}

function mailboxPasswordsSentence(stored: number): string {
  return (
    `${changedPhrase(['serverUrl'])}, and ${stored} mailbox password${stored === 1 ? ' is' : 's are'} stored for the old server ` +
    '(regular-user mode). Ferry never sends a stored password to a different server, so saving this change clears ' +
    `${stored === 1 ? 'it' : 'them'} and each mailbox's password must be entered again: confirm with clearMailboxPasswords ` +
    '(console: "Clear the mailbox passwords and save"; CLI: --clear-mailbox-passwords).'
  );
}

function refusal(
  sentences: readonly string[],
  problems: readonly { field: string; message: string }[],
  details: Record<string, unknown>,
): UserError {
  return new UserError(SECRET_BOUND_CODE, sentences.join(' '), { details: { ...details, problems } });
}

/** The rule for an edit of an endpoint. */
export function endpointSecretBinding(input: SecretBindingInput): SecretBinding {
  const { change } = input;
  const changed = changedDestination(change);
  const moved = changed.length > 0;
  // A Zimbra endpoint in regular-user mode keeps no admin password, whatever the request says.
  const secretStillUsed = change.kind === 'm365' || change.after.provideCredentials;
  const secretUnbound = moved && input.secretStored;
  const sentences: string[] = [];
  const problems: { field: string; message: string }[] = [];

  if (secretUnbound && secretStillUsed && input.secret === 'omitted') {
    const [field, label, noun] =
      change.kind === 'zimbra'
        ? (['adminPassword', 'Admin password', 'password to a different server'] as const)
        : (['clientSecret', 'Client Secret', 'secret to a different destination'] as const);
    sentences.push(
      `${changedPhrase(changed)}, so the stored ${label} cannot be kept: enter it again to save this change. ` +
        `Ferry never sends a stored ${noun}.`,
    );
    problems.push({
      field,
      message: `must be entered again: ${changedPhrase(changed, false)}, and Ferry never sends a stored ${noun}`,
    });
  }

  // Regular-user mode signs each mailbox in on the mail port: its passwords go to the server URL only.
  const mailboxPasswordsMove = changed.includes('serverUrl') && input.mailboxPasswordsStored > 0;
  if (mailboxPasswordsMove && !input.clearMailboxPasswords) {
    sentences.push(mailboxPasswordsSentence(input.mailboxPasswordsStored));
    problems.push({
      field: 'clearMailboxPasswords',
      message: `must be true to clear the ${input.mailboxPasswordsStored} mailbox password(s) stored for the old server`,
    });
  }

  return {
    changed,
    secretUnbound,
    mailboxPasswordsToClear:
      mailboxPasswordsMove && input.clearMailboxPasswords ? input.mailboxPasswordsStored : 0,
    problem:
      sentences.length === 0
        ? undefined
        : refusal(sentences, problems, { changed, mailboxPasswordsStored: input.mailboxPasswordsStored }),
  };
}

/**
 * The rule for a project that changes its source endpoint: its mailboxes' passwords were entered
 * for the old endpoint's server; another server may receive them only once they are cleared.
 */
export function sourceSwitchBinding(input: {
  readonly before: ZimbraSettings;
  readonly after: ZimbraSettings;
  readonly mailboxPasswordsStored: number;
  readonly clearMailboxPasswords: boolean;
}): { readonly mailboxPasswordsToClear: number; readonly problem: UserError | undefined } {
  const moved =
    normalisedUrl(input.before.serverUrl) !== normalisedUrl(input.after.serverUrl) &&
    input.mailboxPasswordsStored > 0;
  if (!moved) return { mailboxPasswordsToClear: 0, problem: undefined };
  if (input.clearMailboxPasswords)
    return { mailboxPasswordsToClear: input.mailboxPasswordsStored, problem: undefined };
  const stored = input.mailboxPasswordsStored;
  return {
    mailboxPasswordsToClear: 0,
    problem: refusal(
      [
        `The new source endpoint signs in at a different server, and ${stored} mailbox password${stored === 1 ? ' is' : 's are'} ` +
          'stored for the old one (regular-user mode). Ferry never sends a stored password to a different server, so ' +
          `changing the source endpoint clears ${stored === 1 ? 'it' : 'them'} and each mailbox's password must be entered ` +
          'again: confirm with clearMailboxPasswords (CLI: --clear-mailbox-passwords).',
      ],
      [
        {
          field: 'clearMailboxPasswords',
          message: `must be true to clear the ${stored} mailbox password(s) stored for the old server`,
        },
      ],
      { changed: ['sourceEndpointId'], mailboxPasswordsStored: stored },
    ),
  };
}
