/**
 * The descriptive fields of one VEVENT → Graph event fields: subject, body (with the meeting block,
 * event-attendees.ts), location, showAs, sensitivity, importance, reminder and categories.
 * Start, end and recurrence are the caller's (ical-event-to-graph.ts).
 */
import ICAL from 'ical.js';
import { escapeHtml, meetingBlock, type Meeting } from './event-attendees.ts';
import { wallMs } from './event-clock.ts';
import { allValues, propertyText, stringParam, textProp } from './ical-reading.ts';

/** Exchange stores subjects of at most 255 characters. */
const MAX_SUBJECT_CHARS = 255;

export interface EventFields {
  readonly subject: string;
  readonly body: { readonly contentType: 'text' | 'html'; readonly content: string };
  readonly location: { readonly displayName: string };
  readonly showAs: string;
  readonly sensitivity: string;
  readonly importance: string;
  readonly isReminderOn: boolean;
  readonly reminderMinutesBeforeStart?: number;
  readonly categories: readonly string[];
}

const SHOW_AS: Readonly<Record<string, string>> = {
  FREE: 'free',
  TENTATIVE: 'tentative',
  BUSY: 'busy',
  OOF: 'oof',
  WORKINGELSEWHERE: 'workingElsewhere',
};

function upper(component: ICAL.Component, name: string): string {
  return (textProp(component, name) ?? '').trim().toUpperCase();
}

export function isCancelled(component: ICAL.Component): boolean {
  return upper(component, 'status') === 'CANCELLED';
}

function showAs(component: ICAL.Component): string {
  for (const name of ['x-microsoft-cdo-intendedstatus', 'x-microsoft-cdo-busystatus']) {
    const value = SHOW_AS[upper(component, name)];
    if (value !== undefined) return value;
  }
  if (upper(component, 'transp') === 'TRANSPARENT' || isCancelled(component)) return 'free';
  return upper(component, 'status') === 'TENTATIVE' ? 'tentative' : 'busy';
}

function sensitivity(component: ICAL.Component): string {
  const value = upper(component, 'class');
  if (value === 'PRIVATE') return 'private';
  return value === 'CONFIDENTIAL' ? 'confidential' : 'normal';
}

function importance(component: ICAL.Component): string {
  const cdo = upper(component, 'x-microsoft-cdo-importance');
  if (cdo === '0') return 'low';
  if (cdo === '2') return 'high';
  if (cdo === '1') return 'normal';
  const priority = Number(textProp(component, 'priority') ?? 0);
  if (!Number.isInteger(priority) || priority === 0 || priority === 5) return 'normal';
  if (priority >= 1 && priority <= 4) return 'high';
  return priority >= 6 && priority <= 9 ? 'low' : 'normal';
}

/** Minutes before the start of the first display/audio alarm; undefined when there is none. */
function reminderMinutes(component: ICAL.Component, timing: AlarmTiming): number | undefined {
  const alarms = component.getAllSubcomponents('valarm');
  const ordered = [
    ...alarms.filter((a) => ['DISPLAY', 'AUDIO'].includes(upper(a, 'action'))),
    ...alarms.filter((a) => !['DISPLAY', 'AUDIO'].includes(upper(a, 'action'))),
  ];
  for (const alarm of ordered) {
    const trigger = alarm.getFirstProperty('trigger');
    const value: unknown = trigger?.getFirstValue();
    let beforeMs: number | undefined;
    if (value instanceof ICAL.Duration) {
      const related = (trigger === null ? undefined : stringParam(trigger, 'related'))?.toUpperCase();
      beforeMs = -value.toSeconds() * 1000 - (related === 'END' ? timing.durationMs : 0);
    } else if (value instanceof ICAL.Time) {
      // RFC 5545 writes absolute triggers in UTC.
      beforeMs = timing.startMs - wallMs(value);
    }
    if (beforeMs !== undefined && Number.isFinite(beforeMs)) {
      return Math.min(Math.max(0, Math.round(beforeMs / 60_000)), 525_600);
    }
  }
  return undefined;
}

/** Tag names first, then the event's own CATEGORIES, without duplicates (case-insensitive). */
function categories(tags: readonly string[], component: ICAL.Component): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const raw of [...tags, ...allValues(component, 'categories').map(String)]) {
    const name = raw.trim();
    if (name === '' || seen.has(name.toLowerCase())) continue;
    seen.add(name.toLowerCase());
    result.push(name);
  }
  return result;
}

function textToHtml(text: string): string {
  return `<div>${escapeHtml(text).replace(/\r?\n/g, '<br>')}</div>`;
}

/** Inserts the meeting block just inside <body>, or before everything when there is none. */
function withBlock(html: string, block: string): string {
  const body = /<body[^>]*>/i.exec(html);
  if (body === null) return block + html;
  const at = body.index + body[0].length;
  return html.slice(0, at) + block + html.slice(at);
}

function body(component: ICAL.Component, meeting: Meeting): EventFields['body'] {
  const html = component
    .getAllProperties('x-alt-desc')
    .find((prop) => (stringParam(prop, 'fmttype') ?? 'text/html').toLowerCase() === 'text/html');
  const htmlText = html === undefined ? undefined : propertyText(html);
  const text = textProp(component, 'description') ?? '';
  const block = meetingBlock(meeting);
  if (htmlText !== undefined && htmlText.trim() !== '') {
    return { contentType: 'html', content: withBlock(htmlText, block) };
  }
  if (block === '') return { contentType: 'text', content: text };
  return { contentType: 'html', content: block + (text === '' ? '' : textToHtml(text)) };
}

/** When the event starts and how long it lasts, to place alarms written relative to the end or absolutely. */
export interface AlarmTiming {
  readonly startMs: number;
  readonly durationMs: number;
}

/** The descriptive fields of a VEVENT. */
export function eventFields(
  component: ICAL.Component,
  meeting: Meeting,
  tags: readonly string[],
  timing: AlarmTiming,
): EventFields {
  const minutes = reminderMinutes(component, timing);
  return {
    subject: (textProp(component, 'summary') ?? '').slice(0, MAX_SUBJECT_CHARS),
    body: body(component, meeting),
    location: { displayName: textProp(component, 'location') ?? '' },
    showAs: showAs(component),
    sensitivity: sensitivity(component),
    importance: importance(component),
    ...(minutes === undefined
      ? { isReminderOn: false }
      : { isReminderOn: true, reminderMinutesBeforeStart: minutes }),
    categories: categories(tags, component),
  };
}
