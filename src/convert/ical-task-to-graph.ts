/**
 * A Zimbra task (the VTODO Zimbra exports for it, zimbra.md §8) → the Microsoft To Do `todoTask`
 * that recreates it (microsoft-graph.md §9). Pure: no I/O, no clock. An iCalendar that cannot be read
 * at all (even after ical-repair.ts), or holds no VTODO, throws a UserError `UNREADABLE_TASK`;
 * anything else degrades with a note.
 *
 * Where each field comes from (the series VTODO, the one without RECURRENCE-ID):
 * - title: SUMMARY, "(no title)" when empty. body: X-ALT-DESC;FMTTYPE=text/html (html) else
 *   DESCRIPTION (text), followed by what To Do has no field for: percent complete between 1 and 99,
 *   a cancelled status, LOCATION, a recurrence To Do cannot express.
 * - importance: PRIORITY 1–4 high, 6–9 low, else normal.
 * - status: NEEDS-ACTION notStarted, IN-PROCESS inProgress, COMPLETED completed, Zimbra's
 *   X-ZIMBRA-STATUS-WAITING waitingOnOthers and X-ZIMBRA-STATUS-DEFERRED deferred (written by Zimbra as
 *   the X-ZIMBRA-STATUS parameter of STATUS:IN-PROCESS, or, by older exports, as the value itself). CANCELLED becomes
 *   deferred (To Do has no cancelled; deferred keeps the task open but set aside, and the body says
 *   it was cancelled). Without STATUS: COMPLETED or 100 % → completed, 1–99 % → inProgress.
 * - startDateTime (DTSTART), dueDateTime (DUE, else DTSTART + DURATION), completedDateTime
 *   (COMPLETED): task-times.ts.
 * - reminder: the first VALARM; an absolute trigger as is, a relative one from DTSTART (RELATED=START,
 *   the default) or DUE (RELATED=END), in UTC.
 * - recurrence: task-recurrence.ts; To Do needs a due date to repeat.
 * - categories: the item's Zimbra tags, then CATEGORIES. linkedResources: the idempotency stamp.
 */
import { createHash } from 'node:crypto';
import ICAL from 'ical.js';
import { UserError } from '../domain/errors.ts';
import type { ConvertedTask, SourceCalendarItem } from '../domain/pim.ts';
import { dropDateOnTimes, propertyText } from './ical-reading.ts';
import { repairIcs } from './ical-repair.ts';
import { MAX_FIELD_CHARS, MAX_NOTES_CHARS, cleanLine, cleanText, truncate } from './pim-text.ts';
import { TaskClock, utcDateTime, type GraphDateTime, type TaskTime } from './task-times.ts';
import { taskRecurrence } from './task-recurrence.ts';

export interface TaskConversionOptions {
  /** The idempotency stamp, carried as the task's linkedResource externalId. */
  readonly stamp: string;
  /** The mailbox's time zone (Windows or IANA name) for dates and floating times; UTC when absent. */
  readonly timeZone?: string;
}

export const NO_TITLE = '(no title)';
export const LINKED_RESOURCE_APPLICATION = 'Ferry';
/** A larger iCalendar is not a task anyone wrote; parsing it would only cost memory. */
export const MAX_TASK_ICS_CHARS = 16 * 1024 * 1024;

const STATUS: Readonly<Record<string, string>> = {
  'NEEDS-ACTION': 'notStarted',
  'IN-PROCESS': 'inProgress',
  COMPLETED: 'completed',
  CANCELLED: 'deferred',
  'X-ZIMBRA-STATUS-WAITING': 'waitingOnOthers',
  'X-ZIMBRA-STATUS-DEFERRED': 'deferred',
};

/** Graph and Exchange store instants as FILETIME-backed values; ISO strings stop at 9999. */
const MIN_YEAR = 1601;
const MAX_YEAR = 9999;

function unreadable(item: SourceCalendarItem, reason: string, cause?: unknown): UserError {
  return new UserError(
    'UNREADABLE_TASK',
    `Zimbra task ${item.ref.id} cannot be migrated: its iCalendar ${reason}.`,
    {
      context: { itemId: item.ref.id, folderId: item.ref.folderId },
      ...(cause === undefined ? {} : { cause }),
    },
  );
}

type Todos = readonly [ICAL.Component, ...ICAL.Component[]];

function parseComponents(text: string): ICAL.Component[] {
  const parsed: unknown = ICAL.parse(text);
  const list = Array.isArray(parsed) && typeof parsed[0] === 'string' ? [parsed] : (parsed as unknown[]);
  return list.map((jcal) => new ICAL.Component(jcal as unknown[]));
}

/**
 * The VCALENDAR holding the task and its VTODOs (series and exceptions). An iCalendar ical.js
 * refuses is read again after ical-repair.ts, with a note; one that still fails is unreadable.
 */
function parseCalendar(
  item: SourceCalendarItem,
  notes: string[],
): { calendar: ICAL.Component; todos: Todos } {
  if (item.ics.length > MAX_TASK_ICS_CHARS) {
    throw unreadable(item, `is larger than ${MAX_TASK_ICS_CHARS / 1024 / 1024} MB`);
  }
  const text = dropDateOnTimes(item.ics.replace(/^\uFEFF/, ''));
  let calendars: ICAL.Component[];
  try {
    calendars = parseComponents(text);
  } catch (error) {
    const repaired = repairIcs(text);
    const detail = error instanceof Error ? error.message.slice(0, 120) : 'unknown error';
    try {
      calendars = repaired.text.trim() === '' ? [] : parseComponents(repaired.text);
    } catch {
      calendars = [];
    }
    if (calendars.length === 0) throw unreadable(item, `is not valid iCalendar (${detail})`, error);
    notes.push(
      `The task's iCalendar is damaged; ${repaired.repairs} broken line(s) were skipped or closed and the rest was migrated.`,
    );
  }
  for (const calendar of calendars) {
    // A bare VTODO (no VCALENDAR around it) is read as a calendar of one task without time zones.
    const [first, ...rest] = calendar.name === 'vtodo' ? [calendar] : calendar.getAllSubcomponents('vtodo');
    if (first !== undefined) return { calendar, todos: [first, ...rest] };
  }
  throw unreadable(item, 'holds no task (VTODO)');
}

/** A property's first value, or undefined when it is absent or ical.js cannot decode it. */
function value(component: ICAL.Component, name: string): unknown {
  try {
    return component.getFirstPropertyValue(name) ?? undefined;
  } catch {
    return undefined;
  }
}

function parameter(component: ICAL.Component, name: string, parameterName: string): string | undefined {
  const raw: unknown = component.getFirstProperty(name)?.getParameter(parameterName);
  return typeof raw === 'string' ? raw : undefined;
}

function text(component: ICAL.Component, name: string): string | undefined {
  const raw = value(component, name);
  return typeof raw === 'string' || typeof raw === 'number' ? String(raw) : undefined;
}

function timeOf(component: ICAL.Component, name: string): TaskTime | undefined {
  const raw = value(component, name);
  if (!(raw instanceof ICAL.Time)) return undefined;
  if (raw.year < MIN_YEAR || raw.year > MAX_YEAR) return undefined;
  const tzid: unknown = component.getFirstProperty(name)?.getParameter('tzid');
  return { time: raw, tzid: typeof tzid === 'string' && tzid !== '' ? tzid : undefined };
}

function dueOf(todo: ICAL.Component, start: TaskTime | undefined): TaskTime | undefined {
  const due = timeOf(todo, 'due');
  if (due !== undefined || start === undefined) return due;
  const duration = value(todo, 'duration');
  if (!(duration instanceof ICAL.Duration) || Math.abs(duration.toSeconds()) > 100 * 366 * 86_400)
    return undefined;
  const end = start.time.clone();
  end.addDuration(duration);
  return end.year > MAX_YEAR ? undefined : { time: end, tzid: start.tzid };
}

function importanceOf(priority: string | undefined): string {
  const n = Number(priority);
  if (!Number.isInteger(n)) return 'normal';
  if (n >= 1 && n <= 4) return 'high';
  if (n >= 6 && n <= 9) return 'low';
  return 'normal';
}

function percentOf(todo: ICAL.Component): number | undefined {
  const n = Number(text(todo, 'percent-complete'));
  return Number.isInteger(n) && n >= 0 && n <= 100 ? n : undefined;
}

function statusOf(
  todo: ICAL.Component,
  percent: number | undefined,
  notes: string[],
): { status: string; raw: string | undefined } {
  const written = text(todo, 'status')?.trim().toUpperCase();
  // Zimbra writes its own statuses as a parameter on IN-PROCESS, e.g.
  // STATUS;X-ZIMBRA-STATUS=X-ZIMBRA-STATUS-WAITING:IN-PROCESS, and reads them back the same way
  // (zm-mailbox calendar/Invite.java, case STATUS).
  const zimbraStatus = parameter(todo, 'status', 'x-zimbra-status')?.trim().toUpperCase();
  const raw =
    written === 'IN-PROCESS' && zimbraStatus !== undefined && STATUS[zimbraStatus] !== undefined
      ? zimbraStatus
      : written;
  const mapped = raw === undefined ? undefined : STATUS[raw];
  if (mapped !== undefined) return { status: mapped, raw };
  if (raw !== undefined && raw !== '')
    notes.push(`The task's status "${truncate(raw, 40)}" is unknown; it was set from the percent complete.`);
  if (percent === 100 || value(todo, 'completed') !== undefined) return { status: 'completed', raw };
  return { status: percent !== undefined && percent > 0 ? 'inProgress' : 'notStarted', raw };
}

function htmlEscape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The body with the facts To Do has no field for appended, as text or HTML. */
function bodyOf(
  todo: ICAL.Component,
  facts: readonly string[],
  notes: string[],
): Record<string, string> | undefined {
  const altDesc = todo.getFirstProperty('x-alt-desc');
  const fmt: unknown = altDesc?.getParameter('fmttype');
  const html =
    typeof fmt === 'string' && fmt.toLowerCase() === 'text/html' && altDesc !== null
      ? cleanText(propertyText(altDesc))
      : '';
  const plain = cleanText(text(todo, 'description') ?? '');
  let content: string;
  if (html !== '') {
    const footer = facts.length === 0 ? '' : `<p>${facts.map(htmlEscape).join('<br>')}</p>`;
    content = /<\/body>/i.test(html) ? html.replace(/<\/body>/i, `${footer}</body>`) : html + footer;
  } else {
    content = [plain, facts.join('\n')].filter((part) => part !== '').join('\n\n');
  }
  if (content === '') return undefined;
  if (content.length > MAX_NOTES_CHARS) {
    notes.push(
      `The task's description is ${content.length} characters long; only the first ${MAX_NOTES_CHARS} were kept.`,
    );
  }
  return { contentType: html !== '' ? 'html' : 'text', content: truncate(content, MAX_NOTES_CHARS) };
}

function reminderOf(
  todo: ICAL.Component,
  clock: TaskClock,
  start: TaskTime | undefined,
  due: TaskTime | undefined,
  notes: string[],
): GraphDateTime | undefined {
  const alarms = todo.getAllSubcomponents('valarm');
  if (alarms.length > 1) notes.push(`The task has ${alarms.length} reminders; To Do keeps one, the first.`);
  const alarm = alarms[0];
  if (alarm === undefined) return undefined;
  const trigger = value(alarm, 'trigger');
  let ms: number | undefined;
  if (trigger instanceof ICAL.Time) {
    ms = clock.instant({ time: trigger, tzid: undefined });
  } else if (trigger instanceof ICAL.Duration) {
    const related: unknown = alarm.getFirstProperty('trigger')?.getParameter('related');
    const fromEnd = typeof related === 'string' && related.toUpperCase() === 'END';
    const reference = fromEnd ? (due ?? start) : (start ?? due);
    if (reference === undefined) {
      notes.push(
        'The task’s reminder is relative to a start or due date the task does not have; it was left out.',
      );
      return undefined;
    }
    ms = clock.instant(reference) + trigger.toSeconds() * 1000;
  }
  if (
    ms === undefined ||
    !Number.isFinite(ms) ||
    ms < Date.UTC(MIN_YEAR, 0, 1) ||
    ms > Date.UTC(MAX_YEAR, 11, 31)
  ) {
    notes.push('The task’s reminder has no usable time; it was left out.');
    return undefined;
  }
  return utcDateTime(ms);
}

function categoriesOf(tags: readonly string[], todo: ICAL.Component): string[] {
  const fromIcs = todo.getAllProperties('categories').flatMap((prop) => {
    try {
      return prop.getValues().map(String);
    } catch {
      return [];
    }
  });
  const seen = new Set<string>();
  return [...tags, ...fromIcs].map(cleanLine).filter((category) => {
    const key = category.toLowerCase();
    if (category === '' || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The series VTODO (no RECURRENCE-ID), else the first; exceptions are counted for a note. */
function seriesTodo(todos: Todos): { todo: ICAL.Component; exceptions: number } {
  const series = todos.find((t) => !t.hasProperty('recurrence-id')) ?? todos[0];
  return {
    todo: series,
    exceptions: todos.filter((t) => t !== series && t.hasProperty('recurrence-id')).length,
  };
}

function recurrenceOf(
  todo: ICAL.Component,
  due: GraphDateTime | undefined,
  exceptions: number,
  facts: string[],
  notes: string[],
): Readonly<Record<string, unknown>> | undefined {
  const rules = todo.getAllProperties('rrule');
  const first = rules[0];
  if (first === undefined) return undefined;
  const ruleText = (): string => {
    try {
      return first.toICALString().replace(/^RRULE:/i, '');
    } catch {
      return 'unreadable rule';
    }
  };
  const keep = (reason: string): undefined => {
    notes.push(
      `The task repeats (${truncate(ruleText(), 200)}) but ${reason}; it was migrated as a single task and the rule is kept in its body.`,
    );
    facts.push(`Repeats in Zimbra: ${ruleText()}`);
    return undefined;
  };
  const rule: unknown = (() => {
    try {
      return first.getFirstValue();
    } catch {
      return undefined;
    }
  })();
  if (!(rule instanceof ICAL.Recur)) return keep('its rule cannot be read');
  if (due === undefined) return keep('To Do repeats only tasks with a due date');
  if (rules.length > 1) return keep('it has several rules');
  const [year = 0, month = 0, day = 0] = due.dateTime.slice(0, 10).split('-').map(Number);
  const dueDate = { year, month, day };
  const result = taskRecurrence(rule, dueDate);
  if ('reason' in result) return keep(result.reason);
  if (todo.hasProperty('exdate') || todo.hasProperty('rdate') || exceptions > 0) {
    notes.push(
      'Occurrences changed, added or removed in Zimbra are not carried over: To Do repeats a task by its rule only.',
    );
  }
  return result.recurrence;
}

export function convertZimbraTask(item: SourceCalendarItem, options: TaskConversionOptions): ConvertedTask {
  const notes: string[] = [];
  const { calendar, todos } = parseCalendar(item, notes);
  const { todo, exceptions } = seriesTodo(todos);
  const clock = new TaskClock(calendar, options.timeZone);
  const facts: string[] = [];
  const task: Record<string, unknown> = {};

  const summary = cleanLine(text(todo, 'summary') ?? '');
  task.title = summary === '' ? NO_TITLE : truncate(summary, MAX_FIELD_CHARS);
  if (summary.length > MAX_FIELD_CHARS) {
    facts.push(`Title: ${summary}`);
    notes.push(
      `The task's title is longer than ${MAX_FIELD_CHARS} characters; it was shortened and kept whole in the body.`,
    );
  }
  task.importance = importanceOf(text(todo, 'priority'));
  const percent = percentOf(todo);
  const { status, raw } = statusOf(todo, percent, notes);
  task.status = status;
  if (percent !== undefined && percent > 0 && percent < 100) facts.push(`Percent complete: ${percent}%`);
  if (raw === 'CANCELLED') facts.push('Cancelled in Zimbra.');
  const location = cleanLine(text(todo, 'location') ?? '');
  if (location !== '') facts.push(`Location: ${location}`);

  const start = timeOf(todo, 'dtstart');
  const due = dueOf(todo, start);
  if (start !== undefined) task.startDateTime = clock.graph(start);
  const dueDateTime = due === undefined ? undefined : clock.graph(due);
  if (dueDateTime !== undefined) task.dueDateTime = dueDateTime;
  const completed = timeOf(todo, 'completed');
  if (completed !== undefined && status === 'completed') task.completedDateTime = clock.graph(completed);

  const reminder = reminderOf(todo, clock, start, due, notes);
  task.isReminderOn = reminder !== undefined;
  if (reminder !== undefined) task.reminderDateTime = reminder;

  const recurrence = recurrenceOf(todo, dueDateTime, exceptions, facts, notes);
  if (recurrence !== undefined) task.recurrence = recurrence;

  const body = bodyOf(todo, facts, notes);
  if (body !== undefined) task.body = body;
  const categories = categoriesOf(item.ref.tags, todo);
  if (categories.length > 0) task.categories = categories;
  task.linkedResources = [
    {
      applicationName: LINKED_RESOURCE_APPLICATION,
      externalId: options.stamp,
      displayName: `Zimbra task ${item.ref.id}`,
    },
  ];
  return { task, notes, contentHash: createHash('sha256').update(item.ics).digest('hex') };
}
