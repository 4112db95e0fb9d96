import { describe, expect, it } from 'vitest';

import {
  DEFAULT_NOTIFY_TEMPLATE,
  migrationDateParts,
  renderNotifyTemplate,
  unknownPlaceholders,
} from './notify-template.ts';

describe('Notify Users template', () => {
  it('fills every known placeholder, spaces inside the braces allowed', () => {
    expect(
      renderNotifyTemplate('Hi {{ firstName }}, {{email}} moves on {{date}} at {{time}}; {{firstName}}.', {
        firstName: 'Ana',
        email: 'ana@fabrikam.example',
        date: 'Monday, 7 December 2026',
        time: '18:00 (Europe/Paris)',
      }),
    ).toBe('Hi Ana, ana@fabrikam.example moves on Monday, 7 December 2026 at 18:00 (Europe/Paris); Ana.');
  });

  it('names unknown placeholders once each, and finds none in the default template', () => {
    expect(unknownPlaceholders('{{firstname}} {{ date }} {{Email}} {{firstname}}')).toEqual([
      'firstname',
      'Email',
    ]);
    expect(unknownPlaceholders(DEFAULT_NOTIFY_TEMPLATE.subject + DEFAULT_NOTIFY_TEMPLATE.body)).toEqual([]);
  });

  it('writes the date and time in the users’ time zone', () => {
    expect(migrationDateParts(new Date('2026-12-07T23:30:00Z'), 'Asia/Tokyo')).toEqual({
      date: 'Tuesday, 8 December 2026',
      time: '08:30 (Asia/Tokyo)',
    });
  });
});
