import { describe, expect, it } from 'vitest';

import { prefsRequest, readPref, TIME_ZONE_PREF } from './prefs.ts';

describe('GetPrefsRequest for the time zone', () => {
  it('asks for the one preference by name', () => {
    expect(prefsRequest(TIME_ZONE_PREF)).toEqual({ pref: [{ name: 'zimbraPrefTimeZoneId' }] });
  });

  it('reads the JSON answer, where preferences are _attrs', () => {
    const response = {
      _attrs: { zimbraPrefTimeZoneId: 'Europe/Berlin', zimbraPrefLocale: 'de' },
      _jsns: 'urn:zimbraAccount',
    };
    expect(readPref(response, TIME_ZONE_PREF)).toBe('Europe/Berlin');
    expect(readPref(response, 'zimbraPrefLocale')).toBe('de');
  });

  it('reads the pref-element form, and a legacy zone name as it is', () => {
    const legacy = '(GMT+01.00) Amsterdam / Berlin / Bern / Rome / Stockholm / Vienna';
    const response = {
      pref: [
        { name: 'zimbraPrefLocale', _content: 'en_US' },
        { name: 'zimbraPrefTimeZoneId', _content: ` ${legacy} ` },
      ],
    };
    expect(readPref(response, TIME_ZONE_PREF)).toBe(legacy);
  });

  it('treats a missing or blank preference as unset', () => {
    expect(readPref({ _attrs: {} }, TIME_ZONE_PREF)).toBeUndefined();
    expect(readPref({ _attrs: { zimbraPrefTimeZoneId: '  ' } }, TIME_ZONE_PREF)).toBeUndefined();
    expect(readPref({}, TIME_ZONE_PREF)).toBeUndefined();
  });
});
