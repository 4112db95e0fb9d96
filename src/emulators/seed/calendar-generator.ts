/**
 * Writes an account's calendars: `calendar/Calendar` and the user calendar `calendar/Team Calendar`.
 * Each .ics file holds one series (master plus its RECURRENCE-ID exceptions) or, for
 * `imported.ics`, several single events. The scenarios cover what a migrator must map or fall back
 * on: all-day (one and several days), time zones (Olson and a custom TZID), floating and UTC times,
 * RRULEs Graph can and cannot express, exceptions, EXDATE and cancelled instances.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DAY_MS, type AccountContext } from './account-context.ts';
import { EventFactory, HOUR, at, firstDay, onWeekday, zoned } from './event-factory.ts';
import { calendarFile, type Component } from './icalendar.ts';
import { utcStamp } from './ical-text.ts';
import { Random } from './random.ts';
import { AMSTERDAM_TZID, TZIDS, type Tzid } from './timezones.ts';

export interface CalendarSummary {
  /** Events per calendar folder: series, single events and exceptions (each VEVENT counts). */
  folders: Record<string, number>;
  events: number;
}

/** The files of the main calendar: [file name, components][]. */
function mainCalendar(f: EventFactory): [string, Component[]][] {
  const r = f.random;
  const external = r.pick(f.ctx.externals);
  const weekly = f.meeting(zoned(onWeekday(-120, 1, 9.5), 'Europe/Paris'), 60, {
    rrule: 'FREQ=WEEKLY;BYDAY=MO,WE;COUNT=40',
    summary: 'Weekly sync – Équipe',
  });
  const mon = (week: number, day: number): number =>
    onWeekday(-120, 1, 9.5) + week * 7 * DAY_MS + day * DAY_MS;
  const weeklySeries = [
    { ...weekly, exdates: [zoned(mon(3, 0), 'Europe/Paris'), zoned(mon(5, 2), 'Europe/Paris')] },
    f.exception(weekly, mon(1, 2), {
      start: zoned(mon(1, 2) + 2 * HOUR, 'Europe/Paris'),
      end: zoned(mon(1, 2) + 3 * HOUR, 'Europe/Paris'),
      location: 'Salle Eiffel',
    }),
    f.exception(weekly, mon(2, 0), {
      summary: 'Weekly sync – budget special',
      description: 'Budget only this week.',
      attendees: f.attendees(5),
    }),
    f.exception(weekly, mon(6, 0), { status: 'CANCELLED', summary: 'Cancelled: Weekly sync – Équipe' }),
  ];
  const dailyStart = onWeekday(-30, 2, 8);
  const daily = f.meeting(
    zoned(dailyStart, 'America/New_York'),
    15,
    {
      rrule: `FREQ=DAILY;UNTIL=${utcStamp(dailyStart + 45 * DAY_MS)}`,
      summary: 'NY stand-up',
      exdates: [zoned(dailyStart + 4 * DAY_MS, 'America/New_York')],
    },
    external,
  );
  const monthlyDay = f.meeting(
    zoned(
      firstDay(-200, 14, (d) => d.getUTCDate() === 15),
      'Asia/Kolkata',
    ),
    45,
    { rrule: 'FREQ=MONTHLY;BYMONTHDAY=15;COUNT=12', summary: 'Bangalore office review' },
  );
  const secondTue = f.meeting(
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
    (d) => d.getUTCDay() % 6 !== 0 && (d.getUTCDate() === 1 || (d.getUTCDay() === 1 && d.getUTCDate() <= 3)),
  );
  const birthday = f.allDay(-300, 1, `Birthday ${r.pick(f.ctx.externals).name}`, {
    rrule: 'FREQ=YEARLY',
    categories: ['Personal'],
  });
  return [
    ['weekly-sync.ics', weeklySeries],
    [
      'ny-standup.ics',
      [
        daily,
        f.exception(daily, dailyStart + 2 * DAY_MS, {
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
        f.meeting(zoned(firstWorkday, 'Europe/Paris'), 30, {
          rrule: 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1,-1;COUNT=10',
          summary: 'Payroll check (first and last workday)',
        }),
      ],
    ],
    [
      'hourly-backup-check.ics',
      [
        f.meeting(zoned(at(3, 8), 'UTC'), 10, {
          rrule: 'FREQ=HOURLY;INTERVAL=4;COUNT=6',
          summary: 'Backup check every 4 hours',
        }),
      ],
    ],
    [
      'rdate-training.ics',
      [
        f.meeting(zoned(onWeekday(10, 4, 13), 'Europe/Paris'), 120, {
          rrule: 'FREQ=WEEKLY;COUNT=4',
          rdates: [zoned(at(50, 13), 'Europe/Paris'), zoned(at(64, 13), 'Europe/Paris')],
          summary: 'Schulung (plus two extra dates)',
        }),
      ],
    ],
    [
      'fifth-friday.ics',
      [
        f.meeting(
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
        f.meeting(zoned(at(12, 10), 'Europe/Paris'), 45, {
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
        f.meeting(
          zoned(at(5, 11), 'America/New_York'),
          60,
          { summary: `Call with ${external.company}` },
          external,
        ),
      ],
    ],
    ['holiday-one-day.ics', [f.allDay(11, 1, 'Armistice – public holiday')]],
    [
      'vacation.ics',
      [
        f.allDay(40, 5, 'Vacation – Bretagne', {
          busyStatus: 'OOF',
          transp: 'OPAQUE',
          description: 'Out of office, reachable in emergencies.',
        }),
      ],
    ],
    [
      'floating-lunch.ics',
      [
        f.meeting(zoned(at(2, 12.5), 'floating'), 60, {
          summary: 'Lunch (floating time)',
          attendees: [],
        }),
      ],
    ],
    [
      'cancelled-event.ics',
      [
        f.meeting(zoned(at(8, 15), 'Europe/Paris'), 30, {
          summary: 'Cancelled: vendor demo',
          status: 'CANCELLED',
          sequence: 2,
        }),
      ],
    ],
    [
      'tentative.ics',
      [
        f.meeting(zoned(at(-5, 9), 'Asia/Kolkata'), 30, {
          status: 'TENTATIVE',
          busyStatus: 'TENTATIVE',
        }),
      ],
    ],
  ];
}

function teamCalendar(f: EventFactory): [string, Component[]][] {
  const start = onWeekday(-60, 1, 9);
  const standup = f.meeting(zoned(start, 'Europe/Paris'), 15, {
    rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=100',
    summary: 'Team stand-up',
  });
  return [
    [
      'standup.ics',
      [
        standup,
        f.exception(standup, start + 9 * DAY_MS, {
          start: zoned(start + 9 * DAY_MS + HOUR, 'Europe/Paris'),
          end: zoned(start + 9 * DAY_MS + HOUR + 15 * 60_000, 'Europe/Paris'),
        }),
      ],
    ],
    ['offsite.ics', [f.allDay(25, 3, 'Team offsite – Lyon', { busyStatus: 'OOF', transp: 'OPAQUE' })]],
    ['retro.ics', [f.meeting(zoned(at(14, 16), AMSTERDAM_TZID), 60, { summary: 'Retrospective' })]],
  ];
}

/** Single events spread over the year around the base date, several in one file. */
function singles(f: EventFactory, count: number): Component[] {
  const r = f.random;
  return Array.from({ length: count }, () => {
    const days = r.int(-330, 180);
    if (r.chance(0.15))
      return f.allDay(days, r.int(1, 2), r.pick(['Conference', 'Messe', 'Séminaire', 'Training day']));
    const zone: Tzid = r.pick(TZIDS);
    return f.meeting(zoned(at(days, r.int(8, 17) + r.pick([0, 0.5])), zone), r.pick([30, 45, 60, 90]));
  });
}

/** Generates and writes the account's calendars under `accountDir/calendar`. */
export async function generateCalendar(accountDir: string, ctx: AccountContext): Promise<CalendarSummary> {
  const f = new EventFactory(new Random(ctx.seed, 'calendar', ctx.index), ctx);
  const folders: [string, [string, Component[]][]][] = [
    ['Calendar', [...mainCalendar(f), ['imported.ics', singles(f, 30)]]],
    ['Team Calendar', [...teamCalendar(f), ['team-events.ics', singles(f, 6)]]],
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
