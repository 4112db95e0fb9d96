/* eslint-disable @typescript-eslint/no-unsafe-call -- assertions reach into parsed JSON */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-client.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.emulator.close());

const U = '/v1.0/users/alice@contoso.com';
const email = (n: number) => ({ address: `p${n}@old.example`, name: `P${n}` });

describe('contacts', () => {
  it('enforces 3 email addresses and 2 business phones, and files contacts in folders', async () => {
    const four = await h.call('POST', `${U}/contacts`, {
      givenName: 'A',
      emailAddresses: [1, 2, 3, 4].map(email),
    });
    expect(four.status).toBe(400);
    expect(four.json.error.message).toBe(
      'The multi value property EmailAddresses has 4 entries, that exceeds the max allowed value of 3',
    );
    expect((await h.call('POST', `${U}/contacts`, { businessPhones: ['1', '2', '3'] })).status).toBe(400);
    const folder = await h.call('POST', `${U}/contactFolders`, { displayName: 'Zimbra Contacts' });
    expect((await h.call('POST', `${U}/contactFolders`, { displayName: 'Zimbra Contacts' })).status).toBe(
      409,
    );
    const contact = await h.call('POST', `${U}/contactFolders/${folder.json.id}/contacts`, {
      givenName: 'Ann',
      emailAddresses: [1, 2, 3].map(email),
      businessPhones: ['1', '2'],
      singleValueExtendedProperties: [{ id: 'String 0x3A24', value: '+1 555' }],
    });
    expect(contact.status).toBe(201);
    expect(contact.json.parentFolderId).toBe(folder.json.id);
    const dump = await h.dump('alice@contoso.com');
    expect(dump.contactFolders.map((f: { path: string }) => f.path)).toEqual([
      'Contacts',
      'Contacts/Zimbra Contacts',
    ]);
    expect(dump.contactFolders[1].contacts[0].singleValueExtendedProperties).toEqual([
      { id: 'String 0x3a24', value: '+1 555' },
    ]);
  });
});

describe('contact photos', () => {
  it('describes a photo once one is set, and refuses to delete it as Graph does', async () => {
    const contact = await h.call('POST', `${U}/contacts`, { givenName: 'Pia' });
    const photo = `${U}/contacts/${contact.json.id}/photo`;
    const none = await h.call('GET', photo);
    expect(none.status).toBe(404);
    expect(none.json.error.code).toBe('ErrorItemNotFound');
    const put = await fetch(`${h.emulator.graphUrl}${photo}/$value`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${h.token}`, 'Content-Type': 'image/png' },
      body: new Uint8Array([137, 80, 78, 71, 1, 2, 3]),
    });
    expect(put.status).toBe(200);
    const metadata = await h.call('GET', photo);
    expect(metadata.status).toBe(200);
    expect(metadata.json['@odata.mediaContentType']).toBe('image/png');
    const removed = await h.call('DELETE', `${photo}/$value`);
    expect(removed.status).toBe(405);
    expect(removed.json.error.message).toBe('The OData request is not supported.');
    expect((await h.call('GET', photo)).status).toBe(200);
  });
});

describe('To Do', () => {
  it('creates lists and tasks, keeps only the due date and stamps completion', async () => {
    const lists = await h.call('GET', `${U}/todo/lists`);
    expect(lists.json.value[0]).toMatchObject({ displayName: 'Tasks', wellknownListName: 'defaultList' });
    const list = await h.call('POST', `${U}/todo/lists`, { displayName: 'Zimbra Tasks' });
    const task = await h.call('POST', `${U}/todo/lists/${list.json.id}/tasks`, {
      title: 'Send contract',
      importance: 'high',
      status: 'completed',
      dueDateTime: { dateTime: '2025-02-10T15:30:00', timeZone: 'UTC' },
      linkedResources: [
        { applicationName: 'ZimbraMigration', externalId: 'acct42:9001', displayName: 'Zimbra task 9001' },
      ],
    });
    expect(task.status).toBe(201);
    expect(task.json.dueDateTime).toEqual({ dateTime: '2025-02-10T00:00:00.0000000', timeZone: 'UTC' });
    expect(task.json.completedDateTime.dateTime).toMatch(/T00:00:00\.0000000$/);
    const item = await h.call(
      'POST',
      `${U}/todo/lists/${list.json.id}/tasks/${task.json.id}/checklistItems`,
      { displayName: 'Step 1', isChecked: true },
    );
    expect(item.status).toBe(201);
    expect(
      (await h.call('POST', `${U}/todo/lists/${list.json.id}/tasks`, { title: 'x', status: 'done' })).status,
    ).toBe(400);
    const v1Props = await h.call('POST', `${U}/todo/lists/${list.json.id}/tasks`, {
      title: 'x',
      singleValueExtendedProperties: [],
    });
    expect(v1Props.json.error.code).toBe('RequestBodyRead');
    const beta = await h.call('POST', `/beta/users/alice@contoso.com/todo/lists/${list.json.id}/tasks`, {
      title: 'keyed',
      singleValueExtendedProperties: [
        { id: 'String {6f1e7b2a-0000-4c8e-9d1a-5a5f00000001} Name zimbraItemKey', value: 'k1' },
      ],
    });
    expect(beta.status).toBe(201);
    const dump = await h.dump('alice@contoso.com');
    const zimbra = dump.todoLists.find((l: { displayName: string }) => l.displayName === 'Zimbra Tasks');
    expect(zimbra.tasks.map((t: { title: string }) => t.title)).toEqual(['Send contract', 'keyed']);
    expect(zimbra.tasks[0].linkedResources[0].externalId).toBe('acct42:9001');
  });
});

describe('categories, automatic replies and rules', () => {
  it('keeps master categories unique and only lets their colour change', async () => {
    const created = await h.call('POST', `${U}/outlook/masterCategories`, {
      displayName: 'Zimbra/Work',
      color: 'preset4',
    });
    expect(created.status).toBe(201);
    expect(
      (
        await h.call('POST', `${U}/outlook/masterCategories`, {
          displayName: 'zimbra/work',
          color: 'preset1',
        })
      ).status,
    ).toBe(409);
    expect(
      (await h.call('POST', `${U}/outlook/masterCategories`, { displayName: 'Bad', color: 'pink' })).status,
    ).toBe(400);
    expect(
      (await h.call('PATCH', `${U}/outlook/masterCategories/${created.json.id}`, { displayName: 'Other' }))
        .status,
    ).toBe(400);
    expect(
      (await h.call('PATCH', `${U}/outlook/masterCategories/${created.json.id}`, { color: 'preset7' })).json
        .color,
    ).toBe('preset7');
  });

  it('updates automatic replies with Graph enumerations', async () => {
    const setting = {
      status: 'scheduled',
      externalAudience: 'all',
      internalReplyMessage: '<p>away</p>',
      scheduledStartDateTime: { dateTime: '2026-12-01T08:00:00', timeZone: 'UTC' },
      scheduledEndDateTime: { dateTime: '2026-12-15T18:00:00', timeZone: 'UTC' },
    };
    const patched = await h.call('PATCH', `${U}/mailboxSettings`, { automaticRepliesSetting: setting });
    expect(patched.json.automaticRepliesSetting).toMatchObject(setting);
    expect(
      (await h.call('PATCH', `${U}/mailboxSettings`, { automaticRepliesSetting: { status: 'on' } })).status,
    ).toBe(400);
    expect((await h.call('GET', `${U}/mailboxSettings/automaticRepliesSetting`)).json.status).toBe(
      'scheduled',
    );
    expect((await h.dump('alice@contoso.com')).automaticRepliesSetting.status).toBe('scheduled');
  });

  it('creates inbox rules that point at existing folders', async () => {
    const folder = await h.call('POST', `${U}/mailFolders`, { displayName: 'Boss' });
    const rule = {
      displayName: 'From boss',
      sequence: 1,
      isEnabled: true,
      conditions: { fromAddresses: [{ emailAddress: { address: 'boss@contoso.com' } }] },
      actions: { moveToFolder: folder.json.id, stopProcessingRules: true },
    };
    expect((await h.call('POST', `${U}/mailFolders/inbox/messageRules`, rule)).status).toBe(201);
    expect(
      (
        await h.call('POST', `${U}/mailFolders/inbox/messageRules`, {
          ...rule,
          displayName: 'x',
          actions: { moveToFolder: 'A'.repeat(40) },
        })
      ).status,
    ).toBe(400);
    expect(
      (await h.call('POST', `${U}/mailFolders/drafts/messageRules`, { ...rule, displayName: 'y' })).status,
    ).toBe(400);
    expect((await h.dump('alice@contoso.com')).messageRules).toEqual([rule]);
  });
});
