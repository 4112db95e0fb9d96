/**
 * Writes an account's tasks: `tasks/Tasks` and the second list `tasks/Projekt-Aufgaben`, one VTODO
 * per file, with every status, percent complete, priority, start/due dates, alarms, recurrence and
 * categories.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BASE_MS, DAY_MS, type AccountContext } from './account-context.ts';
import { calendarFile, type Component } from './icalendar.ts';
import { Random } from './random.ts';

export interface TasksSummary {
  folders: Record<string, number>;
  tasks: number;
}

const STATUSES = [
  ['NEEDS-ACTION', 0],
  ['IN-PROCESS', 40],
  ['COMPLETED', 100],
  ['CANCELLED', 0],
  ['NEEDS-ACTION', 0],
  ['IN-PROCESS', 75],
  ['X-ZIMBRA-STATUS-WAITING', 20],
  ['X-ZIMBRA-STATUS-DEFERRED', 0],
] as const;
const SUMMARIES = [
  'Prepare quarterly report',
  'Renouveler le contrat de maintenance',
  'Reisekostenabrechnung einreichen',
  'Review migration checklist',
  'Call back the insurance',
  'Mettre à jour la documentation',
  'Angebot für Fabrikam schreiben',
  'Book flights to Berlin',
  'Water the office plants 🌱',
  'Archive old projects',
] as const;

function task(random: Random, ctx: AccountContext, n: number): Component {
  const [status, percent] = STATUSES[n % STATUSES.length] ?? ['NEEDS-ACTION', 0];
  const startDays = random.int(-200, 60);
  const start = BASE_MS + startDays * DAY_MS;
  const dueDays = startDays + random.int(1, 30);
  const component: Component = {
    uid: `task-${random.hex(12)}-${n}@${ctx.domain}`,
    summary: random.pick(SUMMARIES),
    stampMs: start - DAY_MS,
    description:
      n % 3 === 0
        ? 'Steps:\n- collect input\n- draft\n- send for review'
        : 'Siehe E-Mail vom Montag; Details im Anhang.',
    status,
    percentComplete: percent,
    priority: random.pick([1, 5, 9, 0]),
    categories: random.chance(0.5) ? random.sample(ctx.tags, random.int(1, 2)) : [],
    // Some tasks have neither start nor due date (as in Zimbra); dates are whole days or timed.
    ...(n % 7 === 6
      ? {}
      : n % 2 === 0
        ? {
            start: { wallMs: start, zone: 'date' as const },
            due: { wallMs: BASE_MS + dueDays * DAY_MS, zone: 'date' as const },
          }
        : {
            start: { wallMs: start + 9 * 3_600_000, zone: 'Europe/Paris' as const },
            due: { wallMs: BASE_MS + dueDays * DAY_MS + 17 * 3_600_000, zone: 'Europe/Paris' as const },
          }),
    ...(status === 'COMPLETED' ? { completedMs: BASE_MS + (dueDays - 1) * DAY_MS + 15 * 3_600_000 } : {}),
    ...(n % 4 === 1 ? { alarmMinutes: 60 } : {}),
    ...(n % 5 === 2
      ? { rrule: n % 10 === 2 ? 'FREQ=WEEKLY;BYDAY=FR;COUNT=10' : 'FREQ=MONTHLY;BYMONTHDAY=1' }
      : {}),
  };
  return component;
}

/** Generates and writes the account's tasks under `accountDir/tasks`. */
export async function generateTasks(accountDir: string, ctx: AccountContext): Promise<TasksSummary> {
  const random = new Random(ctx.seed, 'tasks', ctx.index);
  const lists: [string, number][] = [
    ['Tasks', 14],
    ['Projekt-Aufgaben', 6],
  ];
  const summary: TasksSummary = { folders: {}, tasks: 0 };
  let n = 0;
  for (const [folder, count] of lists) {
    const dir = path.join(accountDir, 'tasks', folder);
    await mkdir(dir, { recursive: true });
    for (let i = 0; i < count; i++, n++) {
      await writeFile(
        path.join(dir, `task-${String(i + 1).padStart(3, '0')}.ics`),
        calendarFile('VTODO', [task(random, ctx, n)]),
      );
    }
    summary.folders[folder] = count;
    summary.tasks += count;
  }
  return summary;
}
