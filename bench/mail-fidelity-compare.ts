/** Compares what one source message should have become with the Graph messages stamped with it. */
import { htmlText, squash, type Expected, type ExpectedAddress } from './mail-fidelity-expect.ts';

export interface GraphRecipientJson {
  readonly emailAddress?: { readonly name?: string; readonly address?: string };
}

export interface GraphMessageJson {
  readonly subject: string;
  readonly isDraft: boolean;
  readonly isRead: boolean;
  readonly importance: string;
  readonly receivedDateTime: string;
  readonly sentDateTime: string;
  readonly from: GraphRecipientJson | null;
  readonly toRecipients: GraphRecipientJson[];
  readonly ccRecipients: GraphRecipientJson[];
  readonly bccRecipients: GraphRecipientJson[];
  readonly replyTo: GraphRecipientJson[];
  readonly categories: string[];
  readonly flag: { readonly flagStatus: string };
  readonly body: { readonly contentType: string; readonly content: string };
  readonly attachments: { name: string; contentType: string; isInline: boolean; sha256: string }[];
  readonly singleValueExtendedProperties: { id: string; value: string }[];
}

export const FIELDS = [
  'exactlyOnce',
  'folder',
  'isDraft',
  'subject',
  'from',
  'to',
  'cc',
  'bcc',
  'replyTo',
  'sent',
  'received',
  /** This runner's own reading of Zimbra's received date against the emulator's `d`. */
  'receivedDefinition',
  'isRead',
  'flag',
  'importance',
  'categories',
  'body',
  'attachments',
  'original',
] as const;
export type Field = (typeof FIELDS)[number];

export interface Mismatch {
  readonly file: string;
  readonly field: Field;
  readonly expected: unknown;
  readonly actual: unknown;
}

/**
 * A documented rule by which Ferry (or the expectation) departs from a literal copy; each message
 * lists those that applied, so nothing passes without being counted.
 * - kept-as-original:unreadable — an explanation replaced the body, the raw message is original.eml
 *   (body and attachments not compared; the subject "(unreadable message)" when there was none).
 * - kept-as-original:repaired — broken MIME structure: what could be read was imported (compared)
 *   and the raw message added as original.eml.
 * - kept-as-original:altered — text Ferry had to alter (control characters, bytes no charset
 *   explains, non-UTF-8 raw headers): what could be read was imported and the original attached;
 *   a message that needs this and lacks original.eml is a mismatch of field `original`.
 * - address-as-written — a recipient with no e-mail address kept with its text as the address.
 * - attachment-name-generated — an unnamed part, named by Ferry (only its bytes compared).
 * - charset-unknown — 8-bit body text with no charset that explains it: the body must be one of
 *   mailparser's readings of the message under a legacy charset (bodyReadings), U+FFFD ignored.
 * - c1-as-windows-1252 — U+0080–U+009F in a single-part body labelled Latin-1, ASCII or nothing:
 *   expected as the Windows-1252 characters of those bytes.
 * - control-characters — the source text holds control characters, which Graph cannot (dropped
 *   on both sides before comparing).
 * - sent-from-received — no readable Date header: the sent date is Zimbra's received date.
 * - byte-order-mark — the file starts with a UTF-8 BOM, removed before mailparser reads it.
 */
export type Rule =
  | 'kept-as-original:unreadable'
  | 'kept-as-original:repaired'
  | 'kept-as-original:altered'
  | 'address-as-written'
  | 'attachment-name-generated'
  | 'charset-unknown'
  | 'control-characters'
  | 'sent-from-received'
  | 'byte-order-mark'
  | 'c1-as-windows-1252';

export interface Verdict {
  /** Fields compared for this message and whether each was equal. */
  readonly fields: Partial<Record<Field, boolean>>;
  readonly mismatches: Mismatch[];
  readonly rules: ReadonlySet<Rule>;
}

/** Ferry's documented names for a message it could not read (original-message.ts). */
const ORIGINAL = 'original.eml';
const UNREADABLE_SUBJECT = '(unreadable message)';
const UNREADABLE_BODY = 'Ferry could not convert this message from Zimbra';

/**
 * A recipient that is only a name ("undisclosed", "MAILER DAEMON", a bare local part) is kept by
 * Ferry with that text as its address rather than dropped (message-headers.ts, warning
 * invalid-address); the expectation follows that rule and counts it.
 */
function expectAddress(a: ExpectedAddress, rules: Set<Rule>): ExpectedAddress {
  if (a.address.includes('@')) return a;
  rules.add('address-as-written');
  return { address: a.address === '' ? a.name : a.address, name: a.name };
}

const withoutReplacements = (text: string) => squash(text.replace(/\uFFFD/g, ''));

const addressKey = (a: ExpectedAddress) => `${a.address.toLowerCase()}\u0000${squash(a.name)}`;
const fromGraph = (r: GraphRecipientJson | null | undefined): ExpectedAddress => ({
  address: r?.emailAddress?.address ?? '',
  name: squash(r?.emailAddress?.name ?? ''),
});

async function bodyText(body: GraphMessageJson['body']): Promise<string> {
  return body.contentType.toLowerCase() === 'html' ? htmlText(body.content) : squash(body.content);
}

/**
 * Matches expected attachments to actual ones by SHA-256 (then name), so order does not matter.
 * An unnamed source attachment accepts any name; a named one must keep it exactly.
 */
function compareAttachments(expected: Expected['attachments'], actual: GraphMessageJson['attachments']) {
  const left = [...actual];
  const problems: { expected: unknown; actual: unknown }[] = [];
  let generated = false;
  for (const want of expected) {
    const sameBytes = left.filter((a) => a.sha256 === want.sha256);
    const match = sameBytes.find((a) => want.name === undefined || a.name === want.name) ?? sameBytes[0];
    if (match === undefined) {
      problems.push({ expected: want, actual: 'no attachment with these bytes' });
      continue;
    }
    left.splice(left.indexOf(match), 1);
    if (want.name === undefined) generated = true;
    else if (match.name !== want.name) {
      problems.push({ expected: { name: want.name }, actual: { name: match.name, sha256: match.sha256 } });
    }
  }
  for (const extra of left) {
    problems.push({ expected: 'no such attachment', actual: { name: extra.name, sha256: extra.sha256 } });
  }
  return { problems, generated };
}

export async function compareMessage(
  file: string,
  expected: Expected,
  copies: readonly { folder: string; message: GraphMessageJson }[],
  expectedFolder: string,
): Promise<Verdict> {
  const fields: Partial<Record<Field, boolean>> = {};
  const mismatches: Mismatch[] = [];
  const rules = new Set<Rule>(expected.rules);
  const check = (field: Field, want: unknown, got: unknown, equal?: boolean) => {
    const same = equal ?? JSON.stringify(want) === JSON.stringify(got);
    fields[field] = same;
    if (!same) mismatches.push({ file, field, expected: want, actual: got });
  };
  const verdict = (): Verdict => ({ fields, mismatches, rules });
  check('exactlyOnce', 1, copies.length);
  const copy = copies[0];
  if (copy === undefined) return verdict();
  const { message } = copy;
  const sourceHasOriginal = expected.attachments.some((a) => a.name === ORIGINAL);
  const original = sourceHasOriginal ? undefined : message.attachments.find((a) => a.name === ORIGINAL);
  const keptAsOriginal =
    original === undefined
      ? undefined
      : message.body.content.startsWith(UNREADABLE_BODY)
        ? 'unreadable'
        : expected.originalRequired
          ? 'altered'
          : 'repaired';

  check('folder', expectedFolder, copy.folder);
  check('isDraft', false, message.isDraft);
  const subject =
    keptAsOriginal === 'unreadable' && expected.subject === '' ? UNREADABLE_SUBJECT : expected.subject;
  check('subject', subject, squash(message.subject));
  const from = expected.from[0] === undefined ? undefined : expectAddress(expected.from[0], rules);
  const actualFrom = message.from === null ? undefined : fromGraph(message.from);
  check(
    'from',
    from ?? null,
    actualFrom ?? null,
    from === undefined || actualFrom === undefined
      ? from === actualFrom
      : addressKey(from) === addressKey(actualFrom),
  );
  const list = (field: Field, wanted: readonly ExpectedAddress[], got: readonly GraphRecipientJson[]) => {
    const want = wanted.map((a) => expectAddress(a, rules));
    const actual = got.map(fromGraph);
    check(
      field,
      want,
      actual,
      want.length === actual.length && want.every((w, i) => addressKey(w) === addressKey(actual[i]!)),
    );
  };
  list('to', expected.to, message.toRecipients);
  list('cc', expected.cc, message.ccRecipients);
  list('bcc', expected.bcc, message.bccRecipients);
  list('replyTo', expected.replyTo, message.replyTo);
  check('sent', expected.sent, new Date(message.sentDateTime).toISOString());
  check('received', expected.received, new Date(message.receivedDateTime).toISOString());
  check('isRead', expected.isRead, message.isRead);
  check('flag', expected.flagged ? 'flagged' : 'notFlagged', message.flag.flagStatus);
  check('importance', expected.importance, message.importance);
  check('categories', [...expected.categories].sort(), [...message.categories].sort());
  if (original !== undefined) check('original', expected.sourceSha256, original.sha256);
  else if (expected.originalRequired && !sourceHasOriginal) check('original', 'original.eml', 'none');
  if (keptAsOriginal !== undefined) rules.add(`kept-as-original:${keptAsOriginal}`);
  if (keptAsOriginal === 'unreadable') return verdict();

  const actualText = await bodyText(message.body);
  const bodyCharsetUnknown = expected.body.text.includes('\uFFFD');
  if (bodyCharsetUnknown) rules.add('charset-unknown');
  const wantBody = { contentType: expected.body.kind, text: expected.body.text };
  const gotBody = { contentType: message.body.contentType.toLowerCase(), text: actualText };
  check(
    'body',
    wantBody,
    gotBody,
    wantBody.contentType === gotBody.contentType &&
      (bodyCharsetUnknown
        ? [wantBody.text, ...expected.bodyReadings]
            .map(withoutReplacements)
            .includes(withoutReplacements(gotBody.text))
        : wantBody.text === gotBody.text),
  );
  const attachments = compareAttachments(
    expected.attachments,
    message.attachments.filter((a) => a !== original),
  );
  fields.attachments = attachments.problems.length === 0;
  for (const problem of attachments.problems) mismatches.push({ file, field: 'attachments', ...problem });
  if (attachments.generated) rules.add('attachment-name-generated');
  return verdict();
}
