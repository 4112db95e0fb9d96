/* eslint-disable @typescript-eslint/no-unsafe-call -- assertions reach into parsed JSON */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-client.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.emulator.close());

const U = '/v1.0/users/alice@contoso.com';
const weekly = {
  subject: 'Standup',
  start: { dateTime: '2025-03-04T09:00:00', timeZone: 'W. Europe Standard Time' },
  end: { dateTime: '2025-03-04T09:30:00', timeZone: 'W. Europe Standard Time' },
  recurrence: {
    pattern: { type: 'weekly', interval: 1, daysOfWeek: ['tuesday', 'thursday'], firstDayOfWeek: 'monday' },
    range: { type: 'numbered', startDate: '2025-03-04', numberOfOccurrences: 6 },
  },
};
const attendee = (address: string) => ({ type: 'required', emailAddress: { address, name: address } });
const invitations = async () =>
  (await h.dump('alice@contoso.com')).invitations as { kind: string; recipients: string[] }[];

describe('events', () => {
  it('validates recurrence, zones and all-day rules as Graph does', async () => {
    const cases = [
      { ...weekly, recurrence: { ...weekly.recurrence, pattern: { type: 'weekly', interval: 1 } } },
      {
        ...weekly,
        recurrence: { ...weekly.recurrence, pattern: { type: 'daily', interval: 1, dayOfMonth: 4 } },
      },
      {
        ...weekly,
        recurrence: {
          ...weekly.recurrence,
          range: { type: 'numbered', startDate: '2025-03-05', numberOfOccurrences: 3 },
        },
      },
      {
        ...weekly,
        recurrence: { ...weekly.recurrence, range: { type: 'endDate', startDate: '2025-03-04' } },
      },
      { ...weekly, isAllDay: true },
    ];
    for (const body of cases) {
      const reply = await h.call('POST', `${U}/events`, body);
      expect(reply.status).toBe(400);
      expect(reply.json.error.code).toBe('ErrorPropertyValidationFailure');
    }
    const zone = await h.call('POST', `${U}/events`, {
      ...weekly,
      start: { dateTime: '2025-03-04T09:00:00', timeZone: 'Mars/Olympus' },
    });
    expect(zone.json.error.code).toBe('TimeZoneNotSupportedException');
    const iana = await h.call('POST', `${U}/events`, {
      subject: 'iana',
      start: { dateTime: '2025-03-04T09:00:00', timeZone: 'Europe/Berlin' },
      end: { dateTime: '2025-03-04T10:00:00', timeZone: 'Europe/Berlin' },
    });
    expect(iana.status).toBe(201);
    expect(iana.json.start).toEqual({ dateTime: '2025-03-04T08:00:00.0000000', timeZone: 'UTC' });
    expect(
      (
        await h.call('POST', `${U}/events`, {
          ...weekly,
          start: { dateTime: '2025-03-04T09:00:00', timeZone: 'Europe/Amsterdam' },
        })
      ).status,
    ).toBe(400);
  });

  it('expands instances, turns a PATCHed occurrence into an exception and records cancelled ones', async () => {
    const master = await h.call('POST', `${U}/calendar/events`, weekly);
    expect(master.json.type).toBe('seriesMaster');
    const window = '?startDateTime=2025-03-01T00:00:00Z&endDateTime=2025-04-01T00:00:00Z';
    expect((await h.call('GET', `${U}/events/${master.json.id}/instances`)).json.error.code).toBe(
      'ErrorInvalidParameter',
    );
    const instances = (await h.call('GET', `${U}/events/${master.json.id}/instances${window}`)).json.value;
    expect(instances.map((i: { originalStart: string }) => i.originalStart)).toEqual([
      '2025-03-04T08:00:00Z',
      '2025-03-06T08:00:00Z',
      '2025-03-11T08:00:00Z',
      '2025-03-13T08:00:00Z',
      '2025-03-18T08:00:00Z',
      '2025-03-20T08:00:00Z',
    ]);
    const moved = await h.call('PATCH', `${U}/events/${instances[1].id}`, {
      start: { dateTime: '2025-03-06T11:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2025-03-06T11:30:00', timeZone: 'W. Europe Standard Time' },
    });
    expect(moved.json).toMatchObject({ type: 'exception', seriesMasterId: master.json.id });
    expect((await h.call('DELETE', `${U}/events/${instances[2].id}`)).status).toBe(204);
    const after = (await h.call('GET', `${U}/events/${master.json.id}/instances${window}`)).json.value;
    expect(after).toHaveLength(5);
    expect(after[1].start.dateTime).toBe('2025-03-06T10:00:00.0000000');
    const reread = await h.call('GET', `${U}/events/${master.json.id}`);
    expect(reread.json.cancelledOccurrences).toEqual([`OID.${master.json.id}.2025-03-11`]);
    const dumped = (await h.dump('alice@contoso.com')).calendars[0].events.find(
      (e: { subject: string }) => e.subject === 'Standup',
    );
    expect(dumped.recurrence.pattern.daysOfWeek).toEqual(['tuesday', 'thursday']);
    expect(dumped.exceptionOccurrences).toHaveLength(1);
    expect(dumped.cancelledOccurrences).toHaveLength(1);
  });

  it('de-duplicates creates by transactionId', async () => {
    const body = {
      subject: 'once',
      transactionId: 'tx-1',
      start: weekly.start,
      end: weekly.end,
      attendees: [attendee('x@fabrikam.com')],
    };
    const first = await h.call('POST', `${U}/events`, body);
    const second = await h.call('POST', `${U}/events`, body);
    expect(second.json.id).toBe(first.json.id);
    const all = await h.call('GET', `${U}/events?$filter=subject eq 'once'`);
    expect(all.json.value).toHaveLength(1);
    expect((await invitations()).filter((i) => i.recipients.includes('x@fabrikam.com'))).toHaveLength(1);
  });

  it('counts the meeting mail Exchange would send', async () => {
    const before = (await invitations()).length;
    const plain = await h.call('POST', `${U}/events`, {
      subject: 'solo',
      start: weekly.start,
      end: weekly.end,
      attendees: [attendee('alice@contoso.com')],
    });
    expect((await invitations()).length).toBe(before);
    const meeting = await h.call('POST', `${U}/events`, {
      subject: 'review',
      start: weekly.start,
      end: weekly.end,
      responseRequested: false,
      organizer: { emailAddress: { address: 'someone@old.example' } },
      attendees: [attendee('b@fabrikam.com'), attendee('c@fabrikam.com')],
    });
    expect(meeting.json.isOrganizer).toBe(true);
    expect(meeting.json.organizer.emailAddress.address).toBe('alice@contoso.com');
    await h.call('PATCH', `${U}/events/${meeting.json.id}`, {
      end: { dateTime: '2025-03-04T10:00:00', timeZone: 'W. Europe Standard Time' },
    });
    await h.call('PATCH', `${U}/events/${meeting.json.id}`, { subject: 'renamed' });
    await h.call('PATCH', `${U}/events/${meeting.json.id}`, { attendees: [attendee('b@fabrikam.com')] });
    await h.call('DELETE', `${U}/events/${meeting.json.id}`);
    await h.call('DELETE', `${U}/events/${plain.json.id}`);
    const sent = (await invitations()).slice(before);
    expect(sent.map((i) => [i.kind, i.recipients])).toEqual([
      ['request', ['b@fabrikam.com', 'c@fabrikam.com']],
      ['update', ['b@fabrikam.com', 'c@fabrikam.com']],
      ['cancellation', ['c@fabrikam.com']],
      ['cancellation', ['b@fabrikam.com']],
    ]);
    expect((await h.dump('alice@contoso.com')).invitationsSent).toBe(before + 4);
  });

  it('creates calendars and rejects a duplicate name', async () => {
    expect(
      (await h.call('POST', `${U}/calendars`, { name: 'Zimbra: Team', color: 'lightBlue' })).status,
    ).toBe(201);
    expect((await h.call('POST', `${U}/calendars`, { name: 'Zimbra: Team' })).status).toBe(409);
  });
});
