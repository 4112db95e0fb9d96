/**
 * Building blocks for generated events: wall-clock dates around the base date, attendees with every
 * participation status, meetings, all-day events and exceptions of a series.
 */
import { BASE_MS, DAY_MS, type AccountContext } from './account-context.ts';
import type { Attendee, Component, When } from './icalendar.ts';
import type { Person } from './people.ts';
import type { Random } from './random.ts';

export const HOUR = 3_600_000;
const PARTSTATS = ['ACCEPTED', 'DECLINED', 'TENTATIVE', 'NEEDS-ACTION'] as const;
const TITLES = [
  'Design review',
  'Kundentermin',
  'Point hebdo',
  '1:1',
  'Budget planning',
  'Sprint demo',
  'Déjeuner d’équipe',
  'Lieferantengespräch',
] as const;
const PLACES = [
  'Room 4.12',
  'Salle Voltaire',
  'Teams',
  'Besprechungsraum Süd',
  'Café de Flore, Paris',
  'https://meet.example.com/abc',
] as const;

/** Wall-clock time `days` after the base date at `hour` (fractions for minutes). */
export function at(days: number, hour: number): number {
  return BASE_MS + days * DAY_MS + Math.round(hour * HOUR);
}

/** `days` after the base date moved forward to weekday `dow` (0 = Sunday). */
export function onWeekday(days: number, dow: number, hour: number): number {
  return firstDay(days, hour, (d) => d.getUTCDay() === dow);
}

/** The first day from `days` after the base date on which `test` holds, at `hour`. */
export function firstDay(days: number, hour: number, test: (day: Date) => boolean): number {
  let ms = at(days, hour);
  while (!test(new Date(ms))) ms += DAY_MS;
  return ms;
}

export function zoned(wallMs: number, zone: When['zone']): When {
  return { wallMs, zone };
}

/** Builds events for one account; its random stream and context are shared with the scenarios. */
export class EventFactory {
  readonly random: Random;
  readonly ctx: AccountContext;
  #n = 0;

  constructor(random: Random, ctx: AccountContext) {
    this.random = random;
    this.ctx = ctx;
  }

  uid(): string {
    this.#n += 1;
    return `${this.random.hex(8)}-${this.random.hex(4)}-${this.random.hex(4)}-${this.#n}@${this.ctx.domain}`;
  }

  attendees(count: number): Attendee[] {
    const people = this.random.sample([...this.ctx.colleagues, ...this.ctx.externals.slice(0, 10)], count);
    return people.map((person, i) => ({
      person,
      partstat: PARTSTATS[i % PARTSTATS.length] ?? 'NEEDS-ACTION',
      role: i === count - 1 ? 'OPT-PARTICIPANT' : 'REQ-PARTICIPANT',
    }));
  }

  /** A timed meeting organised by the account (or by `organizer`), with the account as attendee then. */
  meeting(start: When, minutes: number, extra: Partial<Component> = {}, organizer?: Person): Component {
    const random = this.random;
    const me = this.ctx.person;
    const title = random.pick(TITLES);
    const description = `Agenda:\n1. Status\n2. Next steps\n\nDial-in: +33 1 23 45 67 89`;
    const attendees = this.attendees(random.int(2, 4));
    return {
      uid: this.uid(),
      summary: title,
      stampMs: BASE_MS - 40 * DAY_MS,
      description,
      htmlDescription: `<html><body><p><b>Agenda</b></p><ol><li>Status</li><li>Next steps</li></ol><p>Dial-in: +33 1 23 45 67 89</p></body></html>`,
      location: random.pick(PLACES),
      start,
      end: { wallMs: start.wallMs + minutes * 60_000, zone: start.zone },
      organizer: organizer ?? me,
      attendees:
        organizer === undefined
          ? attendees
          : [{ person: me, partstat: 'ACCEPTED', role: 'REQ-PARTICIPANT' }, ...attendees],
      status: 'CONFIRMED',
      transp: 'OPAQUE',
      busyStatus: 'BUSY',
      klass: 'PUBLIC',
      alarmMinutes: random.pick([5, 10, 15, 30]),
      categories: random.chance(0.4) ? [random.pick(this.ctx.tags)] : [],
      ...extra,
    };
  }

  allDay(days: number, length: number, summary: string, extra: Partial<Component> = {}): Component {
    return {
      uid: this.uid(),
      summary,
      stampMs: BASE_MS - 60 * DAY_MS,
      start: zoned(at(days, 0), 'date'),
      end: zoned(at(days + length, 0), 'date'),
      transp: 'TRANSPARENT',
      busyStatus: 'FREE',
      alarmMinutes: 720,
      ...extra,
    };
  }

  /** An exception of `master` replacing the instance at `recurrence`. */
  exception(master: Component, recurrence: number, changes: Partial<Component>): Component {
    const { rrule: _rrule, exdates: _exdates, rdates: _rdates, ...rest } = master;
    return { ...rest, recurrenceId: zoned(recurrence, master.start?.zone ?? 'UTC'), sequence: 1, ...changes };
  }
}
