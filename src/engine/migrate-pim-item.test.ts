import { describe, expect, it } from 'vitest';

import type { DestinationMailbox } from '../domain/destination.ts';
import { DEFAULT_MAX_MESSAGE_BYTES, type PassOptions } from '../domain/migration.ts';
import type { ItemOutcome, MappedItem } from '../domain/migration-store.ts';
import type { SourcePimRef } from '../domain/pim.ts';
import type { Source } from '../domain/source.ts';
import { migratePimItem, type PimContext } from './migrate-pim-item.ts';

const options: PassOptions = {
  pass: 'full',
  itemTypes: ['contacts', 'calendar', 'tasks'],
  receivedBeforeMs: undefined,
  receivedAfterMs: undefined,
  folderFilter: undefined,
  folderMappings: [],
  recipientMappings: [],
  maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
  logSubjects: false,
};

const contactRef = (revision: string): SourcePimRef => ({
  id: '258',
  folderId: '7',
  kind: 'contacts',
  revision,
  sizeBytes: 300,
  tags: [],
  subject: 'Ada',
});

const eventRef = (revision: string): SourcePimRef => ({
  ...contactRef(revision),
  id: '900',
  folderId: '10',
  kind: 'calendar',
});

const taskRef = (revision: string): SourcePimRef => ({
  ...contactRef(revision),
  id: '950',
  folderId: '15',
  kind: 'tasks',
});

const calendar = (...lines: string[]) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', ...lines, 'END:VCALENDAR', ''].join('\r\n');

const ics = (summary: string) =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'BEGIN:VEVENT',
    'UID:e@ferry.test',
    'DTSTAMP:20240101T000000Z',
    'DTSTART:20240105T090000Z',
    'DTEND:20240105T100000Z',
    `SUMMARY:${summary}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');

/** Records what the engine asked of each side; every method the engine must not call throws. */
interface FakeSource {
  jobTitle?: string;
  summary?: string;
  ics?: string;
  timeZone?: string;
  /** What a lookup by stamp finds. */
  found?: string;
  /** The destination refuses to create contacts. */
  refuseContacts?: boolean;
  /** The occurrences Graph lists for a series. */
  occurrences?: { id: string; originalStartUtc: string }[];
}

function fakes(source: FakeSource) {
  const calls: string[] = [];
  const events: Record<string, unknown>[] = [];
  const tasks: Record<string, unknown>[] = [];
  const outcomes: ItemOutcome[] = [];
  const map = new Map<
    string,
    { status: string; hash?: string | undefined; id?: string | undefined; revision?: string | undefined }
  >();
  const forbidden = (name: string) => () => {
    throw new Error(`unexpected call ${name}`);
  };
  const sourceReader = {
    fetchContact: (_mailbox: string, ref: SourcePimRef) =>
      Promise.resolve({
        ref,
        attrs: { firstName: 'Ada', lastName: 'Lovelace', jobTitle: source.jobTitle ?? 'Mathematician' },
        photo: undefined,
        groupMembers: [],
      }),
    fetchCalendarItem: (_mailbox: string, ref: SourcePimRef) =>
      Promise.resolve({ ref, ics: source.ics ?? ics(source.summary ?? 'Review') }),
    mailboxTimeZone: () => Promise.resolve(source.timeZone),
  } as unknown as Source;
  let created = 0;
  const mailbox = {
    createContact: (_folder: string, contact: { contact: Record<string, unknown> }) => {
      if (source.refuseContacts === true) return Promise.reject(new Error('The contact was refused.'));
      calls.push(`createContact ${String(contact.contact.jobTitle)}`);
      return Promise.resolve(`contact-${++created}`);
    },
    updateContact: (_folder: string, id: string, contact: { contact: Record<string, unknown> }) => {
      calls.push(`updateContact ${id} ${String(contact.contact.jobTitle)}`);
      return Promise.resolve(id);
    },
    deleteContact: (id: string) => {
      calls.push(`deleteContact ${id}`);
      return Promise.resolve();
    },
    createEvent: (_calendar: string, event: Record<string, unknown>) => {
      calls.push(`createEvent ${String(event.subject)}`);
      events.push(event);
      return Promise.resolve(`event-${++created}`);
    },
    createTask: (_list: string, task: Record<string, unknown>) => {
      calls.push(`createTask ${String(task.title)}`);
      tasks.push(task);
      return Promise.resolve(`task-${++created}`);
    },
    deleteEvent: (id: string) => {
      calls.push(`deleteEvent ${id}`);
      return Promise.resolve();
    },
    findPimItemByStamp: (kind: string, _container: string, stamp: string) => {
      calls.push(`find ${kind} ${stamp}`);
      return Promise.resolve(source.found ?? (source.summary === 'found' ? 'event-orphan' : undefined));
    },
    createDistributionList: forbidden('createDistributionList'),
    listOccurrences: () =>
      source.occurrences === undefined ? forbidden('listOccurrences')() : Promise.resolve(source.occurrences),
    updateEvent: (id: string) => {
      calls.push(`updateEvent ${id}`);
      return Promise.resolve();
    },
  } as unknown as DestinationMailbox;
  const context: PimContext = {
    source: 'alice@zimbra.test',
    containerId: 'container',
    options,
    sourceReader,
    mailbox,
    signal: new AbortController().signal,
    instances: undefined,
  };
  /** Migrates the item and keeps what the page would record: the item map entry and the outcome. */
  const migrate = async (ref: SourcePimRef, known: MappedItem | undefined) => {
    const result = await migratePimItem(context, ref, known);
    if (result.migrated !== undefined) {
      const { destinationItemId, contentHash, revision } = result.migrated;
      map.set(ref.id, { status: 'migrated', id: destinationItemId, hash: contentHash, revision });
    }
    if (result.outcome !== undefined) outcomes.push(result.outcome);
  };
  const mapped = (itemId: string): MappedItem | undefined => {
    const entry = map.get(itemId);
    if (entry === undefined) return undefined;
    return {
      status: entry.status as MappedItem['status'],
      stamp: `zimbra:alice@zimbra.test:${itemId}`,
      contentHash: entry.hash ?? '',
      destinationFolderId: 'container',
      destinationItemId: entry.id,
      revision: entry.revision,
    };
  };
  return { calls, events, tasks, outcomes, map, migrate, mapped };
}

describe('migrating contacts, calendar items and tasks again', () => {
  it('skips an unchanged revision, updates a changed contact in place, and never creates it twice', async () => {
    const first = fakes({});
    await first.migrate(contactRef('5'), undefined);
    expect(first.calls).toEqual(['createContact Mathematician']);
    await first.migrate(contactRef('5'), first.mapped('258'));
    expect(first.calls).toHaveLength(1);

    const changed = fakes({ jobTitle: 'Countess' });
    changed.map.set('258', { ...first.map.get('258')! });
    await changed.migrate(contactRef('9'), changed.mapped('258'));
    expect(changed.calls).toEqual(['updateContact contact-1 Countess']);
    expect(changed.map.get('258')).toMatchObject({ status: 'migrated', id: 'contact-1', revision: '9' });
    expect(changed.outcomes.map((o) => o.outcome)).toEqual(['migrated']);
  });

  it('records a new revision with the same content without writing anything', async () => {
    const first = fakes({});
    await first.migrate(contactRef('5'), undefined);
    const touched = fakes({});
    touched.map.set('258', { ...first.map.get('258')! });
    await touched.migrate(contactRef('6'), touched.mapped('258'));
    expect(touched.calls).toEqual([]);
    expect(touched.outcomes).toEqual([]);
    expect(touched.map.get('258')).toMatchObject({ revision: '6', id: 'contact-1' });
  });

  it('rebuilds a changed calendar item over the event Ferry created before', async () => {
    const first = fakes({});
    await first.migrate(eventRef('1'), undefined);
    expect(first.calls).toEqual(['createEvent Review']);
    const changed = fakes({ summary: 'Review (moved)' });
    changed.map.set('900', { ...first.map.get('900')! });
    await changed.migrate(eventRef('2'), changed.mapped('900'));
    expect(changed.calls).toEqual(['deleteEvent event-1', 'createEvent Review (moved)']);
  });

  it('after an interrupted attempt, removes the copy found by its stamp before creating the event again', async () => {
    const interrupted = fakes({ summary: 'found' });
    interrupted.map.set('900', { status: 'in_flight', hash: 'old' });
    await interrupted.migrate(eventRef('1'), interrupted.mapped('900'));
    expect(interrupted.calls).toEqual([
      'find calendar zimbra:alice@zimbra.test:900',
      'deleteEvent event-orphan',
      'createEvent found',
    ]);
  });
});

describe('what an item is recorded as', () => {
  it('records a failed contact with its own size when Zimbra’s listing gave none', async () => {
    const refused = fakes({ refuseContacts: true });
    await refused.migrate({ ...contactRef('5'), sizeBytes: 0 }, undefined);
    expect(refused.outcomes).toHaveLength(1);
    expect(refused.outcomes[0]).toMatchObject({ outcome: 'failed', code: 'UNEXPECTED' });
    expect(refused.outcomes[0]!.bytes).toBeGreaterThan(0);
  });

  it('counts a series with a changed occurrence as the two items Microsoft 365 holds', async () => {
    const series = calendar(
      'BEGIN:VEVENT',
      'UID:standup@ferry.test',
      'DTSTAMP:20240101T000000Z',
      'DTSTART:20240105T090000Z',
      'DTEND:20240105T093000Z',
      'RRULE:FREQ=DAILY;COUNT=3',
      'SUMMARY:Stand-up',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:standup@ferry.test',
      'DTSTAMP:20240101T000000Z',
      'RECURRENCE-ID:20240106T090000Z',
      'DTSTART:20240106T100000Z',
      'DTEND:20240106T103000Z',
      'SUMMARY:Stand-up (later)',
      'END:VEVENT',
    );
    const written = fakes({
      ics: series,
      occurrences: ['05', '06', '07'].map((day) => ({
        id: `occurrence-${day}`,
        originalStartUtc: `2024-01-${day}T09:00:00Z`,
      })),
    });
    await written.migrate(eventRef('1'), undefined);
    expect(written.calls).toEqual(['createEvent Stand-up', 'updateEvent occurrence-06']);
    expect(written.outcomes).toMatchObject([{ outcome: 'migrated', destinationItems: 2 }]);
  });
});

describe('the mailbox owner’s time zone', () => {
  const floating = calendar(
    'BEGIN:VEVENT',
    'UID:floating@ferry.test',
    'DTSTAMP:20240101T000000Z',
    'DTSTART:20240105T090000',
    'DTEND:20240105T100000',
    'SUMMARY:Floating',
    'END:VEVENT',
  );
  const allDay = calendar(
    'BEGIN:VEVENT',
    'UID:all-day@ferry.test',
    'DTSTAMP:20240101T000000Z',
    'DTSTART;VALUE=DATE:20240301',
    'DTEND;VALUE=DATE:20240302',
    'SUMMARY:Holiday',
    'END:VEVENT',
  );
  const task = calendar(
    'BEGIN:VTODO',
    'UID:task@ferry.test',
    'DTSTAMP:20240101T000000Z',
    'SUMMARY:Call back',
    'DUE:20240210T170000',
    'END:VTODO',
  );

  it('pins floating and all-day events to the zone the source reports', async () => {
    for (const [ics, start, end] of [
      [floating, '2024-01-05T09:00:00', '2024-01-05T10:00:00'],
      [allDay, '2024-03-01T00:00:00', '2024-03-02T00:00:00'],
    ] as const) {
      const berlin = fakes({ ics, timeZone: 'Europe/Berlin' });
      await berlin.migrate(eventRef('1'), undefined);
      expect(berlin.events).toHaveLength(1);
      expect(berlin.events[0]!.start).toEqual({ dateTime: start, timeZone: 'W. Europe Standard Time' });
      expect(berlin.events[0]!.end).toEqual({ dateTime: end, timeZone: 'W. Europe Standard Time' });
      const unknown = fakes({ ics });
      await unknown.migrate(eventRef('1'), undefined);
      expect(unknown.events[0]!.start).toEqual({ dateTime: start, timeZone: 'UTC' });
    }
  });

  it('gives a task’s floating due time the same zone', async () => {
    const berlin = fakes({ ics: task, timeZone: 'Europe/Berlin' });
    await berlin.migrate(taskRef('1'), undefined);
    expect(berlin.calls).toEqual(['createTask Call back']);
    expect(berlin.tasks[0]!.dueDateTime).toEqual({
      dateTime: '2024-02-10T17:00:00',
      timeZone: 'Europe/Berlin',
    });
  });
});

describe('transactionId on created events', () => {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it('is the same for the same content, and new once the content changed or an earlier copy was deleted', async () => {
    const first = fakes({});
    await first.migrate(eventRef('1'), undefined);
    const again = fakes({});
    await again.migrate(eventRef('1'), undefined);
    const [created] = first.events;
    expect(created!.transactionId).toMatch(uuid);
    expect(again.events[0]!.transactionId).toBe(created!.transactionId);

    const changed = fakes({ summary: 'Review (moved)' });
    changed.map.set('900', { ...first.map.get('900')! });
    await changed.migrate(eventRef('2'), changed.mapped('900'));
    expect(changed.events[0]!.transactionId).toMatch(uuid);
    expect(changed.events[0]!.transactionId).not.toBe(created!.transactionId);

    // The same content again after a crash: the copy found by its stamp is deleted, so Exchange must not hand it back.
    const interrupted = fakes({ found: 'event-orphan' });
    interrupted.map.set('900', { status: 'in_flight', hash: 'old' });
    await interrupted.migrate(eventRef('1'), interrupted.mapped('900'));
    expect(interrupted.calls).toContain('deleteEvent event-orphan');
    expect(interrupted.events[0]!.transactionId).toMatch(uuid);
    expect(interrupted.events[0]!.transactionId).not.toBe(created!.transactionId);
  });

  it('differs for every single event cut from one series', async () => {
    const rdates = fakes({
      ics: calendar(
        'BEGIN:VEVENT',
        'UID:training@ferry.test',
        'DTSTAMP:20240101T000000Z',
        'DTSTART:20240205T090000Z',
        'DTEND:20240205T100000Z',
        'RRULE:FREQ=WEEKLY;COUNT=3',
        'RDATE:20240229T090000Z',
        'SUMMARY:Training',
        'END:VEVENT',
      ),
    });
    await rdates.migrate(eventRef('1'), undefined);
    const ids = rdates.events.map((e) => e.transactionId);
    expect(ids).toHaveLength(4);
    for (const id of ids) expect(id).toMatch(uuid);
    expect(new Set(ids).size).toBe(4);
  });
});

describe('a contact an interrupted attempt left twice', () => {
  it('updates the copy found by its stamp and deletes the one recorded before', async () => {
    const interrupted = fakes({ jobTitle: 'Countess', found: 'contact-9' });
    interrupted.map.set('258', { status: 'in_flight', hash: 'old', id: 'contact-1' });
    await interrupted.migrate(contactRef('7'), interrupted.mapped('258'));
    expect(interrupted.calls).toEqual([
      'find contacts zimbra:alice@zimbra.test:258',
      'updateContact contact-9 Countess',
      'deleteContact contact-1',
    ]);
    expect(interrupted.map.get('258')).toMatchObject({ status: 'migrated', id: 'contact-9', revision: '7' });
  });
});
