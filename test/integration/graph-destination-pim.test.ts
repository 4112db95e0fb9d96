import { createHash } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Destination, DestinationMailbox } from '../../src/domain/destination.ts';
import { UserError } from '../../src/domain/errors.ts';
import { FERRY_PROPERTY_SET_GUID } from '../../src/domain/mail.ts';
import type { ConvertedContact, GraphPayload } from '../../src/domain/pim.ts';
import { Secret } from '../../src/domain/secret.ts';
import { startM365Emulator, type RunningM365Emulator } from '../../src/emulators/m365/server.ts';
import { createGraphDestination } from '../../src/graph/graph-destination.ts';
import { type BudgetLimits, MICROSOFT_LIMITS } from '../../src/graph/mailbox-budget.ts';
import { createTokenProvider } from '../../src/graph/token-provider.ts';
import { createGraphTransport, type GraphTransport } from '../../src/graph/transport.ts';
import { loopbackOutbound } from '../support/loopback-outbound.ts';

const TENANT = '33333333-3333-4333-8333-333333333333';
const CLIENT = '44444444-4444-4444-8444-444444444444';
const MAIL_ONLY = '55555555-5555-4555-8555-555555555555';
const UPN = 'alice@contoso.com';
const STAMP_ID = `String {${FERRY_PROPERTY_SET_GUID}} Name FerrySourceId`;
const PIM_PERMISSIONS = ['Contacts.ReadWrite', 'Calendars.ReadWrite', 'Tasks.ReadWrite.All', 'User.Read.All'];

interface DumpContact {
  id: string;
  displayName: string;
  jobTitle: string | null;
  emailAddresses: { address: string }[];
  singleValueExtendedProperties: { id: string; value: string }[];
  photo: { contentType: string; size: number; sha256: string } | null;
}

interface DumpEvent {
  subject: string;
  cancelledOccurrences: string[];
  exceptionOccurrences: { originalStart: string; subject: string; location: { displayName: string } }[];
  singleValueExtendedProperties: { id: string; value: string }[];
}

interface Dump {
  contactFolders: { path: string; contacts: DumpContact[] }[];
  distributionLists: {
    displayName: string;
    members: { key: string; displayName: string; recipientType: string }[];
  }[];
  calendars: { name: string; events: DumpEvent[] }[];
  todoLists: { displayName: string; tasks: { title: string; linkedResources: { externalId: string }[] }[] }[];
  invitationsSent: number;
}

const config = (upns: string[]) => ({
  tenants: [
    {
      id: TENANT,
      domains: ['contoso.com'],
      apps: [
        { clientId: CLIENT, secret: 'app-secret', permissions: PIM_PERMISSIONS },
        { clientId: MAIL_ONLY, secret: 'app-secret', permissions: ['Mail.ReadWrite', 'User.Read.All'] },
      ],
      users: upns.map((userPrincipalName) => ({ userPrincipalName, mailbox: true })),
    },
  ],
});

let emulator: RunningM365Emulator;
let withoutLists: RunningM365Emulator;

function newTransport(on: RunningM365Emulator, limits: BudgetLimits = MICROSOFT_LIMITS, clientId = CLIENT) {
  return createGraphTransport({
    graphUrl: on.graphUrl,
    getToken: createTokenProvider(
      {
        authorityUrl: on.authorityUrl,
        tenantId: TENANT,
        clientId,
        credential: new Secret('app-secret'),
        scope: 'https://graph.microsoft.com/.default',
      },
      { fetch: loopbackOutbound().fetch },
    ),
    limits,
    fetch: loopbackOutbound().fetch,
  });
}

const destinationOn = (transport: GraphTransport): Destination =>
  createGraphDestination({ transport, stampPropertyId: STAMP_ID });

async function dump(on = emulator, upn = UPN): Promise<Dump> {
  const response = await fetch(`${on.graphUrl}/_emulator/mailboxes/${encodeURIComponent(upn)}`);
  return (await response.json()) as Dump;
}

const hasStamp = (item: { singleValueExtendedProperties: { id: string; value: string }[] }, stamp: string) =>
  item.singleValueExtendedProperties.some((p) => p.id === STAMP_ID && p.value === stamp);

function contact(stamp: string, fields: GraphPayload, photo?: Uint8Array): ConvertedContact {
  return {
    contact: { ...fields, singleValueExtendedProperties: [{ id: STAMP_ID, value: stamp }] },
    photo: photo === undefined ? undefined : { contentType: 'image/png', bytes: photo },
    distributionList: undefined,
    notes: [],
    contentHash: stamp,
  };
}

const weekly = (stamp: string, subject: string): GraphPayload => ({
  subject,
  start: { dateTime: '2024-02-05T16:00:00', timeZone: 'W. Europe Standard Time' },
  end: { dateTime: '2024-02-05T16:30:00', timeZone: 'W. Europe Standard Time' },
  recurrence: {
    pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'monday' },
    range: { type: 'numbered', startDate: '2024-02-05', numberOfOccurrences: 5 },
  },
  singleValueExtendedProperties: [{ id: STAMP_ID, value: stamp }],
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  emulator = await startM365Emulator({ config: config([UPN, 'bob@contoso.com']) });
  withoutLists = await startM365Emulator({ config: config([UPN]), distributionLists: false });
});

afterAll(async () => {
  await emulator.close();
  await withoutLists.close();
});

describe('Graph destination: contact folders, calendars and task lists', () => {
  it('creates each container once, however often and however concurrently it is ensured', async () => {
    const mailbox = destinationOn(newTransport(emulator)).mailbox(UPN);
    const nested = {
      kind: 'contacts',
      path: ['Friends', 'Climbing'],
      isDefault: false,
      color: undefined,
    } as const;
    const [first, concurrent] = await Promise.all([
      mailbox.ensurePimContainer(nested),
      mailbox.ensurePimContainer(nested),
    ]);
    expect(concurrent).toBe(first);
    // A second destination object (another worker) finds what the first created.
    const again = destinationOn(newTransport(emulator)).mailbox(UPN);
    expect(await again.ensurePimContainer(nested)).toBe(first);
    const team = { kind: 'calendar', path: ['Work', 'Team'], isDefault: false, color: 'lightGreen' } as const;
    const calendarId = await mailbox.ensurePimContainer(team);
    expect(await again.ensurePimContainer(team)).toBe(calendarId);
    const list = { kind: 'tasks', path: ['Errands'], isDefault: false, color: undefined } as const;
    const listId = await mailbox.ensurePimContainer(list);
    expect(await again.ensurePimContainer({ ...list, path: ['errands'] })).toBe(listId);

    const state = await dump();
    expect(state.contactFolders.map((f) => f.path)).toEqual([
      'Contacts',
      'Contacts/Friends',
      'Contacts/Friends/Climbing',
    ]);
    expect(state.calendars.map((c) => c.name)).toEqual(['Calendar', 'Work / Team']);
    expect(state.todoLists.map((l) => l.displayName)).toEqual(['Tasks', 'Errands']);
  });

  it('maps the default containers to the mailbox’s own', async () => {
    const transport = newTransport(emulator);
    const mailbox = destinationOn(transport).mailbox(UPN);
    const calendar = await mailbox.ensurePimContainer({
      kind: 'calendar',
      path: ['Calendar'],
      isDefault: true,
      color: undefined,
    });
    const own = await transport.request<{ id: string }>({
      method: 'GET',
      path: `/v1.0/users/${UPN}/calendar`,
      mailbox: UPN,
    });
    expect(calendar).toBe(own.body.id);
    const tasks = await mailbox.ensurePimContainer({
      kind: 'tasks',
      path: ['Tasks'],
      isDefault: true,
      color: undefined,
    });
    const lists = await transport.request<{ value: { id: string; wellknownListName: string }[] }>({
      method: 'GET',
      path: `/v1.0/users/${UPN}/todo/lists`,
      mailbox: UPN,
    });
    expect(tasks).toBe(lists.body.value.find((l) => l.wellknownListName === 'defaultList')?.id);
    const contacts = await mailbox.ensurePimContainer({
      kind: 'contacts',
      path: ['Contacts'],
      isDefault: true,
      color: undefined,
    });
    const created = await mailbox.createContact(
      contacts,
      contact('zimbra:alice:default-1', { displayName: 'In the default folder' }),
    );
    expect(await mailbox.findPimItemByStamp('contacts', contacts, 'zimbra:alice:default-1')).toBe(created);
    // The dump shows regular ids, Ferry works with immutable ones: the stamp tells the contact.
    const state = await dump();
    expect(
      state.contactFolders[0]?.contacts.filter((c) => hasStamp(c, 'zimbra:alice:default-1')),
    ).toHaveLength(1);
  });

  it('names the permission to grant when the app may not write contacts', async () => {
    const mailbox = destinationOn(newTransport(emulator, MICROSOFT_LIMITS, MAIL_ONLY)).mailbox(UPN);
    const error = await mailbox
      .ensurePimContainer({ kind: 'contacts', path: ['Denied'], isDefault: false, color: undefined })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('DESTINATION_PIM_ACCESS_DENIED');
    expect((error as UserError).message).toMatch(/Contacts\.ReadWrite/);
  });
});

describe('Graph destination: contacts', () => {
  let mailbox: DestinationMailbox;
  let folder: string;
  beforeAll(async () => {
    mailbox = destinationOn(newTransport(emulator)).mailbox(UPN);
    folder = await mailbox.ensurePimContainer({
      kind: 'contacts',
      path: ['People'],
      isDefault: false,
      color: undefined,
    });
  });

  it('creates a contact with its photo and finds only Ferry’s contact by its stamp', async () => {
    const photo = new Uint8Array(70_000).map((_, i) => (i * 7) % 256);
    const id = await mailbox.createContact(
      folder,
      contact(
        'zimbra:alice:300',
        { displayName: 'Peter Rabbit', jobTitle: 'CEO', emailAddresses: [{ address: 'peter@rabbit.test' }] },
        photo,
      ),
    );
    await mailbox.createContact(folder, contact('zimbra:alice:301', { displayName: 'Someone else' }));
    expect(await mailbox.findPimItemByStamp('contacts', folder, 'zimbra:alice:300')).toBe(id);
    expect(await mailbox.findPimItemByStamp('contacts', folder, 'zimbra:alice:999')).toBeUndefined();
    const stored = (await dump()).contactFolders.find((f) => f.path === 'Contacts/People')?.contacts;
    const peter = stored?.find((c) => hasStamp(c, 'zimbra:alice:300'));
    expect(peter?.photo).toEqual({ contentType: 'image/png', size: photo.length, sha256: sha256(photo) });
    expect(peter?.emailAddresses).toEqual([{ address: 'peter@rabbit.test' }]);
    expect(stored?.find((c) => hasStamp(c, 'zimbra:alice:301'))?.photo).toBeNull();
  });

  it('creates the contact without a photo over 4 MB rather than failing it', async () => {
    const id = await mailbox.createContact(
      folder,
      contact('zimbra:alice:302', { displayName: 'Huge photo' }, new Uint8Array(4 * 1024 * 1024 + 1)),
    );
    const stored = (await dump()).contactFolders.find((f) => f.path === 'Contacts/People')?.contacts;
    expect(stored?.find((c) => hasStamp(c, 'zimbra:alice:302'))?.photo).toBeNull();
    expect(id).toBeTruthy();
  });

  it('clears on update the fields the source no longer has', async () => {
    const id = await mailbox.createContact(
      folder,
      contact('zimbra:alice:303', {
        displayName: 'Ann',
        jobTitle: 'Engineer',
        emailAddresses: [{ address: 'ann@x.test' }],
      }),
    );
    expect(
      await mailbox.updateContact(folder, id, contact('zimbra:alice:303', { displayName: 'Ann Smith' })),
    ).toBe(id);
    const stored = (await dump()).contactFolders
      .find((f) => f.path === 'Contacts/People')
      ?.contacts.find((c) => hasStamp(c, 'zimbra:alice:303'));
    expect(stored).toMatchObject({ displayName: 'Ann Smith', jobTitle: null, emailAddresses: [] });
  });

  it('makes a distribution list with its members, reusing it when asked again', async () => {
    const list = {
      displayName: 'Climbing team',
      members: [
        { name: 'Jürgen Müller', address: 'juergen@example.de' },
        { name: undefined, address: 'extern@example.org' },
      ],
    };
    const id = await mailbox.createDistributionList(folder, list);
    expect(id).toBeTruthy();
    const again = await destinationOn(newTransport(emulator))
      .mailbox(UPN)
      .createDistributionList(folder, {
        ...list,
        members: [...list.members, { name: 'Bob', address: 'bob@contoso.com' }],
      });
    expect(again).toBe(id);
    const lists = (await dump()).distributionLists;
    expect(lists).toHaveLength(1);
    expect(
      lists[0]?.members.map(({ key, displayName, recipientType }) => ({ key, displayName, recipientType })),
    ).toEqual([
      { key: 'juergen@example.de', displayName: 'Jürgen Müller', recipientType: 'oneOff' },
      { key: 'extern@example.org', displayName: 'extern@example.org', recipientType: 'oneOff' },
      { key: 'bob@contoso.com', displayName: 'Bob', recipientType: 'oneOff' },
    ]);
  });

  it('answers undefined when the tenant has no distribution lists, so the group becomes a contact', async () => {
    const other = destinationOn(newTransport(withoutLists)).mailbox(UPN);
    const list = { displayName: 'Team', members: [{ name: undefined, address: 'a@example.org' }] };
    expect(await other.createDistributionList('contacts', list)).toBeUndefined();
    expect(await other.createDistributionList('contacts', list)).toBeUndefined();
    expect((await dump(withoutLists)).distributionLists).toEqual([]);
  });
});

describe('Graph destination: events', () => {
  let mailbox: DestinationMailbox;
  let calendar: string;
  beforeAll(async () => {
    mailbox = destinationOn(newTransport(emulator)).mailbox(UPN);
    calendar = await mailbox.ensurePimContainer({
      kind: 'calendar',
      path: ['Meetings'],
      isDefault: false,
      color: 'lightBlue',
    });
  });

  it('creates a series, lists, changes and cancels its occurrences without sending anything', async () => {
    const seriesId = await mailbox.createEvent(calendar, weekly('zimbra:alice:500', 'Weekly sync'));
    await mailbox.createEvent(calendar, { ...weekly('zimbra:alice:501', 'Other'), recurrence: null });
    expect(await mailbox.findPimItemByStamp('calendar', calendar, 'zimbra:alice:500')).toBe(seriesId);
    expect(await mailbox.findPimItemByStamp('calendar', calendar, 'zimbra:alice:502')).toBeUndefined();

    const occurrences = await mailbox.listOccurrences(
      seriesId,
      '2024-02-01T00:00:00Z',
      '2024-03-31T00:00:00Z',
    );
    expect(occurrences.map((o) => o.originalStartUtc)).toEqual([
      '2024-02-05T15:00:00Z',
      '2024-02-12T15:00:00Z',
      '2024-02-19T15:00:00Z',
      '2024-02-26T15:00:00Z',
      '2024-03-04T15:00:00Z',
    ]);
    const window = await mailbox.listOccurrences(seriesId, '2024-02-12T15:00:00Z', '2024-02-26T15:00:00Z');
    expect(window.map((o) => o.originalStartUtc)).toEqual(['2024-02-12T15:00:00Z', '2024-02-19T15:00:00Z']);

    const [, moved, cancelled] = occurrences;
    await mailbox.updateEvent(moved!.id, {
      subject: 'Weekly sync (moved)',
      location: { displayName: 'Room 2' },
    });
    await mailbox.deleteEvent(cancelled!.id);
    await mailbox.deleteEvent(cancelled!.id);

    const after = await mailbox.listOccurrences(seriesId, '2024-02-01T00:00:00Z', '2024-03-31T00:00:00Z');
    expect(after.map((o) => o.originalStartUtc)).not.toContain('2024-02-19T15:00:00Z');
    const series = (await dump()).calendars
      .find((c) => c.name === 'Meetings')
      ?.events.find((e) => hasStamp(e, 'zimbra:alice:500'));
    expect(series?.cancelledOccurrences).toHaveLength(1);
    expect(series?.cancelledOccurrences[0]).toContain('2024-02-19');
    expect(
      series?.exceptionOccurrences.map((e) => [e.originalStart, e.subject, e.location.displayName]),
    ).toEqual([['2024-02-12T15:00:00Z', 'Weekly sync (moved)', 'Room 2']]);
    expect((await dump()).invitationsSent).toBe(0);
  });

  it('deletes a whole series, and a second delete is no error', async () => {
    const id = await mailbox.createEvent(calendar, weekly('zimbra:alice:510', 'Short-lived'));
    await mailbox.deleteEvent(id);
    await mailbox.deleteEvent(id);
    expect(await mailbox.findPimItemByStamp('calendar', calendar, 'zimbra:alice:510')).toBeUndefined();
  });
});

describe('Graph destination: To Do tasks', () => {
  const task = (stamp: string, title: string): GraphPayload => ({
    title,
    dueDateTime: { dateTime: '2025-02-10T00:00:00', timeZone: 'UTC' },
    linkedResources: [{ applicationName: 'Ferry', externalId: stamp, displayName: `Zimbra task ${stamp}` }],
  });

  it('finds a task by the stamp in its linked resource, also one another worker created since', async () => {
    const mailbox = destinationOn(newTransport(emulator)).mailbox(UPN);
    const list = await mailbox.ensurePimContainer({
      kind: 'tasks',
      path: ['Work'],
      isDefault: false,
      color: undefined,
    });
    const id = await mailbox.createTask(list, task('zimbra:alice:700', 'Send contract'));
    expect(await mailbox.findPimItemByStamp('tasks', list, 'zimbra:alice:700')).toBe(id);
    expect(await mailbox.findPimItemByStamp('tasks', list, 'zimbra:alice:701')).toBeUndefined();
    const otherWorker = destinationOn(newTransport(emulator)).mailbox(UPN);
    const later = await otherWorker.createTask(list, task('zimbra:alice:701', 'File taxes'));
    expect(await mailbox.findPimItemByStamp('tasks', list, 'zimbra:alice:701')).toBe(later);

    await mailbox.updateTask(list, id, { title: 'Send the contract' });
    const stored = (await dump()).todoLists.find((l) => l.displayName === 'Work')?.tasks;
    expect(stored?.map((t) => [t.title, t.linkedResources.map((r) => r.externalId)])).toEqual([
      ['Send the contract', ['zimbra:alice:700']],
      ['File taxes', ['zimbra:alice:701']],
    ]);
  });
});

describe('Graph destination: throttling on contacts, calendars and tasks', () => {
  let throttled: RunningM365Emulator;
  beforeAll(async () => {
    // Every request takes 40 ms, so more than four at once meet Outlook's concurrency limit.
    throttled = await startM365Emulator({
      config: config([UPN]),
      limits: { scaled: 20 },
      faults: 'slow=1:40',
    });
  });
  afterAll(() => throttled.close());

  it('waits out each 429 as Retry-After says and creates every item exactly once', async () => {
    // A client that ignores Microsoft's concurrency limit is throttled; the transport recovers.
    const transport = newTransport(throttled, { ...MICROSOFT_LIMITS, maxConcurrent: 12 });
    const mailbox = destinationOn(transport).mailbox(UPN);
    const calendar = await mailbox.ensurePimContainer({
      kind: 'calendar',
      path: ['Calendar'],
      isDefault: true,
      color: undefined,
    });
    const list = await mailbox.ensurePimContainer({
      kind: 'tasks',
      path: ['Tasks'],
      isDefault: true,
      color: undefined,
    });
    await Promise.all([
      ...Array.from({ length: 8 }, (_, i) =>
        mailbox.createEvent(calendar, weekly(`zimbra:alice:e${i}`, `Event ${i}`)),
      ),
      ...Array.from({ length: 8 }, (_, i) =>
        mailbox.createTask(list, {
          title: `Task ${i}`,
          linkedResources: [{ applicationName: 'Ferry', externalId: `t${i}` }],
        }),
      ),
    ]);
    expect(mailbox.usage().throttled).toBeGreaterThan(0);
    const state = await dump(throttled);
    expect(state.calendars[0]?.events).toHaveLength(8);
    expect(state.todoLists[0]?.tasks).toHaveLength(8);
  });
});
