/**
 * Notify Users: an email telling each user the date and time of their migration, from a template
 * the agent edits. Placeholders: {{firstName}}, {{email}}, {{date}}, {{time}}.
 */
export interface NotifyTemplate {
  readonly subject: string;
  readonly body: string;
}

export const NOTIFY_PLACEHOLDERS = ['firstName', 'email', 'date', 'time'] as const;

export const DEFAULT_NOTIFY_TEMPLATE: NotifyTemplate = {
  subject: 'Your mailbox moves to Microsoft 365 on {{date}}',
  body: [
    'Hello {{firstName}},',
    '',
    'Your mailbox {{email}} will be migrated to Microsoft 365 on {{date}} at {{time}}.',
    'Mail, contacts, calendars and tasks are copied; you can keep working during the migration.',
    'Changes you make in the old mailbox after the migration are not copied.',
    '',
    'Thank you.',
  ].join('\n'),
};

/** Placeholders the template uses that Ferry does not know (a typo would be sent as is). */
export function unknownPlaceholders(text: string): string[] {
  const names = [...text.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)].map((m) => m[1] ?? '');
  return [...new Set(names.filter((n) => !(NOTIFY_PLACEHOLDERS as readonly string[]).includes(n)))];
}

export function renderNotifyTemplate(
  text: string,
  values: Readonly<Record<(typeof NOTIFY_PLACEHOLDERS)[number], string>>,
): string {
  return text.replace(
    /\{\{\s*(firstName|email|date|time)\s*\}\}/g,
    (_, name: keyof typeof values) => values[name],
  );
}

/** Date and time of the migration in a time zone the users read (IANA name), e.g. "Monday, 7 December 2026" and "18:00 (Europe/Paris)". */
export function migrationDateParts(at: Date, timeZone: string): { date: string; time: string } {
  const date = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(at);
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' }).format(at);
  return { date, time: `${time} (${timeZone})` };
}
