import { describe, expect, it } from 'vitest';

import { convertOutOfOffice } from './out-of-office.ts';

const NOW = Date.UTC(2026, 10, 20);
const ACTIVE = {
  zimbraPrefOutOfOfficeReplyEnabled: 'TRUE',
  zimbraPrefOutOfOfficeReply: 'Away <until> the 15th\nBye',
  zimbraPrefOutOfOfficeExternalReplyEnabled: 'TRUE',
  zimbraPrefOutOfOfficeExternalReply: 'Away',
  zimbraPrefOutOfOfficeFromDate: '20261201000000Z',
  zimbraPrefOutOfOfficeUntilDate: '20261215000000Z',
};

describe('convertOutOfOffice', () => {
  it('schedules a dated reply when asked to activate it, texts as HTML', () => {
    expect(convertOutOfOffice(ACTIVE, true, NOW)).toEqual({
      setting: {
        status: 'scheduled',
        externalAudience: 'all',
        internalReplyMessage: 'Away &lt;until&gt; the 15th<br>Bye',
        externalReplyMessage: 'Away',
        scheduledStartDateTime: { dateTime: '2026-12-01T00:00:00', timeZone: 'UTC' },
        scheduledEndDateTime: { dateTime: '2026-12-15T00:00:00', timeZone: 'UTC' },
      },
      notes: [],
    });
  });

  it('writes an active reply switched off before cutover, and says how to switch it on', () => {
    const converted = convertOutOfOffice(ACTIVE, false, NOW);
    expect(converted?.setting.status).toBe('disabled');
    expect(converted?.notes.join(' ')).toMatch(/MigrateOutOfOffice=1/);
  });

  it('sends the internal reply outside without an external one, none when suppressed, nothing when never set', () => {
    const internalOnly = { zimbraPrefOutOfOfficeReplyEnabled: 'TRUE', zimbraPrefOutOfOfficeReply: 'Out' };
    expect(convertOutOfOffice(internalOnly, true, NOW)?.setting).toMatchObject({
      status: 'alwaysEnabled',
      externalReplyMessage: 'Out',
      externalAudience: 'all',
    });
    expect(
      convertOutOfOffice({ ...internalOnly, zimbraPrefOutOfOfficeSuppressExternalReply: 'TRUE' }, true, NOW)
        ?.setting.externalAudience,
    ).toBe('none');
    expect(convertOutOfOffice({ zimbraPrefOutOfOfficeReplyEnabled: 'FALSE' }, true, NOW)).toBeUndefined();
  });

  it('switches off a reply whose end has passed', () => {
    const converted = convertOutOfOffice(ACTIVE, true, Date.UTC(2027, 0, 1));
    expect(converted?.setting.status).toBe('disabled');
    expect(converted?.notes[0]).toMatch(/ended/);
  });
});
