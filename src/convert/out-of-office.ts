/**
 * Zimbra's out-of-office preferences (zimbra.md §10: zimbraPrefOutOfOffice*, generalized times in
 * UTC) → Graph `mailboxSettings.automaticRepliesSetting` (microsoft-graph.md §10).
 */
import type { GraphPayload } from '../domain/pim.ts';

export interface OutOfOfficeConversion {
  readonly setting: GraphPayload;
  /** What the admin should know: an active reply written switched off, an approximated audience. */
  readonly notes: readonly string[];
}

const isTrue = (value: string | undefined) => value?.toUpperCase() === 'TRUE';

/** `yyyyMMddHHmmssZ` (LDAP generalized time) → Graph's dateTimeTimeZone in UTC. */
export function generalizedTimeToGraph(
  value: string | undefined,
): { dateTime: string; timeZone: 'UTC' } | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(value?.trim() ?? '');
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s] = match;
  return { dateTime: `${y}-${mo}-${d}T${h}:${mi}:${s}`, timeZone: 'UTC' };
}

/** Zimbra's replies are plain text; Graph's are HTML (line breaks kept). */
export function textToHtml(text: string): string {
  const escaped = text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
  return escaped.replace(/\r?\n/g, '<br>');
}

/**
 * The automatic replies a mailbox had in Zimbra; undefined when it had none (off, no text).
 * `activate` false writes an active reply as `disabled` with its texts and dates, ready to switch on.
 */
export function convertOutOfOffice(
  prefs: Readonly<Record<string, string>>,
  activate: boolean,
  nowMs: number,
): OutOfOfficeConversion | undefined {
  const enabled = isTrue(prefs.zimbraPrefOutOfOfficeReplyEnabled);
  const internal = prefs.zimbraPrefOutOfOfficeReply ?? '';
  const externalEnabled = isTrue(prefs.zimbraPrefOutOfOfficeExternalReplyEnabled);
  const externalText = prefs.zimbraPrefOutOfOfficeExternalReply ?? '';
  if (!enabled && internal === '' && externalText === '') return undefined;
  const notes: string[] = [];
  const from = generalizedTimeToGraph(prefs.zimbraPrefOutOfOfficeFromDate);
  const until = generalizedTimeToGraph(prefs.zimbraPrefOutOfOfficeUntilDate);

  // Zimbra 8+: without a separate external reply, external senders get the internal one, unless suppressed.
  let externalAudience: 'none' | 'contactsOnly' | 'all' = 'all';
  let external = externalEnabled ? externalText : internal;
  if (isTrue(prefs.zimbraPrefOutOfOfficeSuppressExternalReply)) {
    externalAudience = 'none';
    external = '';
  } else if (externalEnabled) {
    const senders = prefs.zimbraPrefExternalSendersType ?? 'ALL';
    if (senders === 'INAB') externalAudience = 'contactsOnly';
    else if (senders !== 'ALL')
      notes.push(
        `Zimbra sent the external reply only to ${senders === 'ALLNOTINAB' ? 'senders not in the address book' : 'senders of specific domains'}; Microsoft 365 sends it to every external sender.`,
      );
  }

  let status: 'disabled' | 'alwaysEnabled' | 'scheduled' = 'disabled';
  if (enabled) {
    const untilMs = until === undefined ? undefined : Date.parse(`${until.dateTime}Z`);
    if (untilMs !== undefined && untilMs <= nowMs) {
      notes.push(`The out-of-office ended on ${until!.dateTime} UTC; it is migrated switched off.`);
    } else {
      status = from !== undefined && until !== undefined ? 'scheduled' : 'alwaysEnabled';
      if (!activate) {
        notes.push(
          'The out-of-office is active in Zimbra and was written switched off, so that it does not answer before cutover; run a Full pass with the Support option MigrateOutOfOffice=1 after cutover to switch it on.',
        );
        status = 'disabled';
      }
    }
  }
  return {
    setting: {
      status,
      externalAudience,
      internalReplyMessage: textToHtml(internal),
      externalReplyMessage: textToHtml(external),
      ...(from === undefined ? {} : { scheduledStartDateTime: from }),
      ...(until === undefined ? {} : { scheduledEndDateTime: until }),
    },
    notes,
  };
}
