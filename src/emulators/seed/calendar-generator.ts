/**
 * Writes an account's calendars: `calendar/Calendar` and the user calendar `calendar/Team Calendar`.
 * Each .ics file holds one series (master plus its RECURRENCE-ID exceptions) or, for
 * `imported.ics`, several single events. The scenarios cover what a migrator must map or fall back
 * on: all-day (one and several days), time zones (Olson and a custom TZID), floating and UTC times,
 * RRULEs Graph can and cannot express, exceptions, EXDATE and cancelled instances.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BASE_MS, DAY_MS, type AccountContext } from './account-context.ts';
import { calendarFile, type Attendee, type Component, type When } from './icalendar.ts';
import { utcStamp } from './ical-text.ts';
import type { Person } from './people.ts';
import { Random } from './random.ts';
import { AMSTERDAM_TZID, TZIDS, type Tzid } from './timezones.ts';

export interface CalendarSummary {
  /** Events per calendar folder: series, single events and exceptions (each VEVENT counts). */
  folders: Record<string, number>;
  events: number;
}

const HOUR = 3_600_000;
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
function at(days: number, hour: number): number {
  return BASE_MS + days * DAY_MS + Math.round(hour * HOUR);
}

/** `days` after the base date moved forward to weekday `dow` (0 = Sunday). */
function onWeekday(days: number, dow: number, hour: number): number {
  return firstDay(days, hour, (d) => d.getUTCDay() === dow);
}

/** The first day from `days` after the base date on which `test` holds, at `hour`. */
function firstDay(days: number, hour: number, test: (day: Date) => boolean): number {
  let ms = at(days, hour);
  while (!test(new Date(ms))) ms += DAY_MS;
  return ms;
}

function zoned(wallMs: number, zone: When['zone']): When {
  return { wallMs, zone };
}

class Scenarios {
  readonly #random: Random;
  readonly #ctx: AccountContext;
  #n = 0;

  constructor(random: Random, ctx: AccountContext) {
    this.#random = random;
    this.#ctx = ctx;
  }

  uid(): string {
    this.#n += 1;
    return `${this.#random.hex(8)}-${this.#random.hex(4)}-${this.#random.hex(4)}-${this.#n}@${this.#ctx.domain}`;
  }

  attendees(count: number): Attendee[] {
    const people = this.#random.sample([...this.#ctx.colleagues, ...this.#ctx.externals.slice(0, 10)], count);
    return people.map((person, i) => ({
      person,
      partstat: PARTSTATS[i % PARTSTATS.length] ?? 'NEEDS-ACTION',
      role: i === count - 1 ? 'OPT-PARTICIPANT' : 'REQ-PARTICIPANT',
    }));
  }

  /** A timed meeting organised by the account (or by `organizer`), with the account as attendee then. */
  meeting(start: When, minutes: number, extra: Partial<Component> = {}, organizer?: Person): Component {
    const random = this.#random;
    const me = this.#ctx.person;
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
      categories: random.chance(0.4) ? [random.pick(this.#ctx.tags)] : [],
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

  /** The files of the main calendar: [file name, components][]. */
  main(): [string, Component[]][] {
    const r = this.#random;
    const external = r.pick(this.#ctx.externals);
    const weekly = this.meeting(zoned(onWeekday(-120, 1, 9.5), 'Europe/Paris'), 60, {
      rrule: 'FREQ=WEEKLY;BYDAY=MO,WE;COUNT=40',
      summary: 'Weekly sync – Équipe',
    });
    const mon = (week: number, day: number): number =>
      onWeekday(-120, 1, 9.5) + week * 7 * DAY_MS + day * DAY_MS;
    const weeklySeries = [
      { ...weekly, exdates: [zoned(mon(3, 0), 'Europe/Paris'), zoned(mon(5, 2), 'Europe/Paris')] },
      this.exception(weekly, mon(1, 2), {
        start: zoned(mon(1, 2) + 2 * HOUR, 'Europe/Paris'),
        end: zoned(mon(1, 2) + 3 * HOUR, 'Europe/Paris'),
        location: 'Salle Eiffel',
      }),
      this.exception(weekly, mon(2, 0), {
        summary: 'Weekly sync – budget special',
        description: 'Budget only this week.',
        attendees: this.attendees(5),
      }),
      this.exception(weekly, mon(6, 0), { status: 'CANCELLED', summary: 'Cancelled: Weekly sync – Équipe' }),
    ];
    const dailyStart = onWeekday(-30, 2, 8);
    const daily = this.meeting(
      zoned(dailyStart, 'America/New_York'),
      15,
      {
        rrule: `FREQ=DAILY;UNTIL=${utcStamp(dailyStart + 45 * DAY_MS)}`,
        summary: 'NY stand-up',
        exdates: [zoned(dailyStart + 4 * DAY_MS, 'America/New_York')],
      },
      external,
    );
    const monthlyDay = this.meeting(
      zoned(
        firstDay(-200, 14, (d) => d.getUTCDate() === 15),
        'Asia/Kolkata',
      ),
      45,
      { rrule: 'FREQ=MONTHLY;BYMONTHDAY=15;COUNT=12', summary: 'Bangalore office review' },
    );
    const secondTue = this.meeting(
      zoned(
        firstDay(-90, 15, (d) => d.getUTCDay() === 2 && d.getUTCDate() > 7 && d.getUTCDate() <= 14),
        AMSTERDAM_TZID,
      ),
      90,
      {
        rrule: `FREQ=MONTHLY;BYDAY=2TU;UNTIL=${utcStamp(at(200, 0))}`,
        summary: 'Stuurgroep / Lenkungskreis',
      },
    );
    const firstWorkday = firstDay(
      -60,
      17,
      (d) =>
        d.getUTCDay() % 6 !== 0 && (d.getUTCDate() === 1 || (d.getUTCDay() === 1 && d.getUTCDate() <= 3)),
    );
    const birthday = this.allDay(-300, 1, `Birthday ${r.pick(this.#ctx.externals).name}`, {
      rrule: 'FREQ=YEARLY',
      categories: ['Personal'],
    });
    return [
      ['weekly-sync.ics', weeklySeries],
      [
        'ny-standup.ics',
        [
          daily,
          this.exception(daily, dailyStart + 2 * DAY_MS, {
            description: 'Moved to the big room, bring laptops.',
            location: 'Board room',
          }),
        ],
      ],
      ['monthly-review.ics', [monthlyDay]],
      ['steering-2tu.ics', [secondTue]],
      ['birthday.ics', [birthday]],
      [
        'month-first-last-workday.ics',
        [
          this.meeting(zoned(firstWorkday, 'Europe/Paris'), 30, {
            rrule: 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1,-1;COUNT=10',
            summary: 'Payroll check (first and last workday)',
          }),
        ],
      ],
      [
        'hourly-backup-check.ics',
        [
          this.meeting(zoned(at(3, 8), 'UTC'), 10, {
            rrule: 'FREQ=HOURLY;INTERVAL=4;COUNT=6',
            summary: 'Backup check every 4 hours',
          }),
        ],
      ],
      [
        'rdate-training.ics',
        [
          this.meeting(zoned(onWeekday(10, 4, 13), 'Europe/Paris'), 120, {
            rrule: 'FREQ=WEEKLY;COUNT=4',
            rdates: [zoned(at(50, 13), 'Europe/Paris'), zoned(at(64, 13), 'Europe/Paris')],
            summary: 'Schulung (plus two extra dates)',
          }),
        ],
      ],
      [
        'fifth-friday.ics',
        [
          this.meeting(
            zoned(
              firstDay(-100, 16, (d) => d.getUTCDay() === 5 && d.getUTCDate() >= 29),
              'America/New_York',
            ),
            60,
            { rrule: 'FREQ=MONTHLY;BYDAY=5FR;COUNT=6', summary: 'Fifth-Friday social' },
          ),
        ],
      ],
      [
        'private-doctor.ics',
        [
          this.meeting(zoned(at(12, 10), 'Europe/Paris'), 45, {
            summary: 'Arzttermin',
            klass: 'PRIVATE',
            priority: 1,
            attendees: [],
            categories: ['Personal'],
          }),
        ],
      ],
      [
        'external-invite.ics',
        [
          this.meeting(
            zoned(at(5, 11), 'America/New_York'),
            60,
            { summary: `Call with ${external.company}` },
            external,
          ),
        ],
      ],
      ['holiday-one-day.ics', [this.allDay(11, 1, 'Armistice – public holiday')]],
      [
        'vacation.ics',
        [
          this.allDay(40, 5, 'Vacation – Bretagne', {
            busyStatus: 'OOF',
            transp: 'OPAQUE',
            description: 'Out of office, reachable in emergencies.',
          }),
        ],
      ],
      [
        'floating-lunch.ics',
        [
          this.meeting(zoned(at(2, 12.5), 'floating'), 60, {
            summary: 'Lunch (floating time)',
            attendees: [],
          }),
        ],
      ],
      [
        'cancelled-event.ics',
        [
          this.meeting(zoned(at(8, 15), 'Europe/Paris'), 30, {
            summary: 'Cancelled: vendor demo',
            status: 'CANCELLED',
            sequence: 2,
          }),
        ],
      ],
      [
        'tentative.ics',
        [
          this.meeting(zoned(at(-5, 9), 'Asia/Kolkata'), 30, {
            status: 'TENTATIVE',
            busyStatus: 'TENTATIVE',
          }),
        ],
      ],
    ];
  }

  team(): [string, Component[]][] {
    const start = onWeekday(-60, 1, 9);
    const standup = this.meeting(zoned(start, 'Europe/Paris'), 15, {
      rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=100',
      summary: 'Team stand-up',
    });
    return [
      [
        'standup.ics',
        [
          standup,
          this.exception(standup, start + 9 * DAY_MS, {
            start: zoned(start + 9 * DAY_MS + HOUR, 'Europe/Paris'),
            end: zoned(start + 9 * DAY_MS + HOUR + 15 * 60_000, 'Europe/Paris'),
          }),
        ],
      ],
      ['offsite.ics', [this.allDay(25, 3, 'Team offsite – Lyon', { busyStatus: 'OOF', transp: 'OPAQUE' })]],
      ['retro.ics', [this.meeting(zoned(at(14, 16), AMSTERDAM_TZID), 60, { summary: 'Retrospective' })]],
    ];
  }

  /** Single events spread over the year around the base date, several in one file. */
  singles(count: number): Component[] {
    const r = this.#random;
    return Array.from({ length: count }, () => {
      const days = r.int(-330, 180);
      if (r.chance(0.15))
        return this.allDay(days, r.int(1, 2), r.pick(['Conference', 'Messe', 'Séminaire', 'Training day']));
      const zone: Tzid = r.pick(TZIDS);
      return this.meeting(zoned(at(days, r.int(8, 17) + r.pick([0, 0.5])), zone), r.pick([30, 45, 60, 90]));
    });
  }
}

/** Generates and writes the account's calendars under `accountDir/calendar`. */
export async function generateCalendar(accountDir: string, ctx: AccountContext): Promise<CalendarSummary> {
  const scenarios = new Scenarios(new Random(ctx.seed, 'calendar', ctx.index), ctx);
  const folders: [string, [string, Component[]][]][] = [
    ['Calendar', [...scenarios.main(), ['imported.ics', scenarios.singles(30)]]],
    ['Team Calendar', [...scenarios.team(), ['team-events.ics', scenarios.singles(6)]]],
  ];
  const summary: CalendarSummary = { folders: {}, events: 0 };
  for (const [folder, files] of folders) {
    const dir = path.join(accountDir, 'calendar', folder);
    await mkdir(dir, { recursive: true });
    let events = 0;
    for (const [name, components] of files) {
      await writeFile(path.join(dir, name), calendarFile('VEVENT', components));
      events += components.length;
    }
    summary.folders[folder] = events;
    summary.events += events;
  }
  return summary;
}
