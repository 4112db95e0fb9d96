/* eslint-disable @typescript-eslint/no-unsafe-call -- assertions reach into parsed JSON */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startHarness, type Harness } from './test-client.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.emulator.close());

const U = '/v1.0/users/alice@contoso.com';
const RULES = `${U}/mailFolders/inbox/messageRules`;

describe('inbox rules', () => {
  it('creates a rule with predicates and actions and lists rules by sequence', async () => {
    const created = await h.call('POST', RULES, {
      displayName: 'From the boss',
      sequence: 2,
      isEnabled: true,
      conditions: {
        fromAddresses: [{ emailAddress: { address: 'boss@contoso.com' } }],
        withinSizeRange: { minimumSize: 100 },
      },
      actions: { markImportance: 'high', stopProcessingRules: true },
    });
    expect(created.status).toBe(201);
    await h.call('POST', RULES, { displayName: 'First', sequence: 1, actions: { markAsRead: true } });
    const listed = await h.call('GET', RULES);
    expect(listed.json.value.map((r: { displayName: string }) => r.displayName)).toEqual([
      'First',
      'From the boss',
    ]);
  });

  it('refuses a predicate or an action the types do not define, bad recipients and importances', async () => {
    const unknownPredicate = await h.call('POST', RULES, {
      displayName: 'Dated',
      conditions: { receivedBefore: '2024-01-01' },
      actions: { delete: true },
    });
    expect(unknownPredicate.status).toBe(400);
    expect(unknownPredicate.json.error.code).toBe('RequestBodyRead');
    const unknownAction = await h.call('POST', RULES, { displayName: 'Flag', actions: { flag: true } });
    expect(unknownAction.status).toBe(400);
    const badRecipient = await h.call('POST', RULES, {
      displayName: 'Redirect',
      actions: { redirectTo: ['someone@example.org'] },
    });
    expect(badRecipient.status).toBe(400);
    const badImportance = await h.call('POST', RULES, {
      displayName: 'Urgent',
      conditions: { importance: 'urgent' },
      actions: { markAsRead: true },
    });
    expect(badImportance.status).toBe(400);
  });

  it('refuses a scheduled automatic reply whose end is not after its start', async () => {
    const refused = await h.call('PATCH', `${U}/mailboxSettings`, {
      automaticRepliesSetting: {
        status: 'scheduled',
        scheduledStartDateTime: { dateTime: '2026-12-15T00:00:00', timeZone: 'UTC' },
        scheduledEndDateTime: { dateTime: '2026-12-01T00:00:00', timeZone: 'UTC' },
      },
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe('ErrorInvalidScheduledOofDuration');
    const accepted = await h.call('PATCH', `${U}/mailboxSettings`, {
      automaticRepliesSetting: {
        status: 'scheduled',
        internalReplyMessage: 'Away',
        scheduledStartDateTime: { dateTime: '2026-12-01T00:00:00', timeZone: 'UTC' },
        scheduledEndDateTime: { dateTime: '2026-12-15T00:00:00', timeZone: 'UTC' },
      },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.json.automaticRepliesSetting.internalReplyMessage).toBe('Away');
  });
});
