import { describe, expect, it } from 'vitest';

import type { DestinationMailbox } from '../domain/destination.ts';
import { DEFAULT_MAX_MESSAGE_BYTES, type PassOptions } from '../domain/migration.ts';
import type { ItemOutcome, MappedItem, MigrationStore } from '../domain/migration-store.ts';
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
function fakes(source: { jobTitle?: string; summary?: string }) {
  const calls: string[] = [];
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
      Promise.resolve({ ref, ics: ics(source.summary ?? 'Review') }),
  } as unknown as Source;
  let created = 0;
  const mailbox = {
    createContact: (_folder: string, contact: { contact: Record<string, unknown> }) => {
      calls.push(`createContact ${String(contact.contact.jobTitle)}`);
      return Promise.resolve(`contact-${++created}`);
    },
    updateContact: (id: string, contact: { contact: Record<string, unknown> }) => {
      calls.push(`updateContact ${id} ${String(contact.contact.jobTitle)}`);
      return Promise.resolve();
    },
    createEvent: (_calendar: string, event: Record<string, unknown>) => {
      calls.push(`createEvent ${String(event.subject)}`);
      return Promise.resolve(`event-${++created}`);
    },
    deleteEvent: (id: string) => {
      calls.push(`deleteEvent ${id}`);
      return Promise.resolve();
    },
    findPimItemByStamp: (kind: string, _container: string, stamp: string) => {
      calls.push(`find ${kind} ${stamp}`);
      return Promise.resolve(source.summary === 'found' ? 'event-orphan' : undefined);
    },
    createDistributionList: forbidden('createDistributionList'),
    listOccurrences: forbidden('listOccurrences'),
  } as unknown as DestinationMailbox;
  const store = {
    markInFlight: (_s: string, _d: string, item: { sourceItemId: string; contentHash: string }) => {
      map.set(item.sourceItemId, {
        ...map.get(item.sourceItemId),
        status: 'in_flight',
        hash: item.contentHash,
      });
      return Promise.resolve();
    },
    markMigrated: (
      _s: string,
      _d: string,
      itemId: string,
      id: string,
      version?: { revision: string; contentHash: string },
    ) => {
      map.set(itemId, { status: 'migrated', id, hash: version?.contentHash, revision: version?.revision });
      return Promise.resolve();
    },
    recordOutcome: (_run: string, outcome: ItemOutcome) => {
      outcomes.push(outcome);
      return Promise.resolve();
    },
  } as unknown as MigrationStore;
  const context: PimContext = {
    runMailboxId: 'run',
    source: 'alice@zimbra.test',
    destination: 'alice@contoso.com',
    containerId: 'container',
    options,
    sourceReader,
    mailbox,
    store,
    instances: undefined,
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
  return { calls, outcomes, map, context, mapped };
}

describe('migrating contacts, calendar items and tasks again', () => {
  it('skips an unchanged revision, updates a changed contact in place, and never creates it twice', async () => {
    const first = fakes({});
    await migratePimItem(first.context, contactRef('5'), undefined);
    expect(first.calls).toEqual(['createContact Mathematician']);
    await migratePimItem(first.context, contactRef('5'), first.mapped('258'));
    expect(first.calls).toHaveLength(1);

    const changed = fakes({ jobTitle: 'Countess' });
    changed.map.set('258', { ...first.map.get('258')! });
    await migratePimItem(changed.context, contactRef('9'), changed.mapped('258'));
    expect(changed.calls).toEqual(['updateContact contact-1 Countess']);
    expect(changed.map.get('258')).toMatchObject({ status: 'migrated', id: 'contact-1', revision: '9' });
    expect(changed.outcomes.map((o) => o.outcome)).toEqual(['migrated']);
  });

  it('records a new revision with the same content without writing anything', async () => {
    const first = fakes({});
    await migratePimItem(first.context, contactRef('5'), undefined);
    const touched = fakes({});
    touched.map.set('258', { ...first.map.get('258')! });
    await migratePimItem(touched.context, contactRef('6'), touched.mapped('258'));
    expect(touched.calls).toEqual([]);
    expect(touched.outcomes).toEqual([]);
    expect(touched.map.get('258')).toMatchObject({ revision: '6', id: 'contact-1' });
  });

  it('rebuilds a changed calendar item over the event Ferry created before', async () => {
    const first = fakes({});
    await migratePimItem(first.context, eventRef('1'), undefined);
    expect(first.calls).toEqual(['createEvent Review']);
    const changed = fakes({ summary: 'Review (moved)' });
    changed.map.set('900', { ...first.map.get('900')! });
    await migratePimItem(changed.context, eventRef('2'), changed.mapped('900'));
    expect(changed.calls).toEqual(['deleteEvent event-1', 'createEvent Review (moved)']);
  });

  it('after an interrupted attempt, removes the copy found by its stamp before creating the event again', async () => {
    const interrupted = fakes({ summary: 'found' });
    interrupted.map.set('900', { status: 'in_flight', hash: 'old' });
    await migratePimItem(interrupted.context, eventRef('1'), interrupted.mapped('900'));
    expect(interrupted.calls).toEqual([
      'find calendar zimbra:alice@zimbra.test:900',
      'deleteEvent event-orphan',
      'createEvent found',
    ]);
  });
});
