import ICAL from 'ical.js';
import { WINDOWS_TO_IANA_MAP } from 'windows-iana';
import { describe, expect, it } from 'vitest';
import {
  LEGACY_WINDOWS_NAMES,
  resolveTimeZone,
  vtimezoneOffsets,
  wallToUtcMs,
  zoneOffsetMs,
} from './time-zones.ts';

const years = { from: 2024, to: 2025 };
const name = (tzid: string): string | undefined => resolveTimeZone(tzid, undefined, years)?.name;

function vtimezone(lines: string[]): ICAL.Component {
  return new ICAL.Component(ICAL.parse(['BEGIN:VTIMEZONE', ...lines, 'END:VTIMEZONE'].join('\r\n')));
}

/** A VTIMEZONE with EU rules (last Sunday of March/October at 01:00 UTC) at `std` hours. */
function euLike(tzid: string, std: number): ICAL.Component {
  const off = (h: number) => `${h >= 0 ? '+' : '-'}${String(Math.abs(h)).padStart(2, '0')}00`;
  return vtimezone([
    `TZID:${tzid}`,
    'BEGIN:STANDARD',
    `DTSTART:16011028T0${3 + std - 1}0000`,
    `TZOFFSETFROM:${off(std + 1)}`,
    `TZOFFSETTO:${off(std)}`,
    'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
    'END:STANDARD',
    'BEGIN:DAYLIGHT',
    `DTSTART:16010325T0${2 + std - 1}0000`,
    `TZOFFSETFROM:${off(std)}`,
    `TZOFFSETTO:${off(std + 1)}`,
    'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
    'END:DAYLIGHT',
  ]);
}

describe('resolveTimeZone', () => {
  it('maps Olson names to Windows names through CLDR', () => {
    expect(name('Europe/Berlin')).toBe('W. Europe Standard Time');
    expect(name('America/New_York')).toBe('Eastern Standard Time');
    expect(name('Asia/Kolkata')).toBe('India Standard Time');
    expect(name('Asia/Calcutta')).toBe('India Standard Time');
    expect(name('Australia/Lord_Howe')).toBe('Lord Howe Standard Time');
    expect(name('Europe/Paris')).toBe('Romance Standard Time');
  });

  it('finds Olson names behind vendor prefixes and quotes', () => {
    expect(name('/mozilla.org/20050126_1/Europe/Berlin')).toBe('W. Europe Standard Time');
    expect(name('/softwarestudio.org/Olson_20011030_5/America/New_York')).toBe('Eastern Standard Time');
    expect(name('"America/Chicago"')).toBe('Central Standard Time');
  });

  it('maps names CLDR lacks through the runtime, then by equal rules', () => {
    expect(name('Europe/Kyiv')).toBe('FLE Standard Time');
  });

  it('keeps Windows names and UTC spellings', () => {
    expect(name('W. Europe Standard Time')).toBe('W. Europe Standard Time');
    expect(name('pacific standard time')).toBe('Pacific Standard Time');
    expect(name('UTC')).toBe('UTC');
    expect(name('Etc/UTC')).toBe('UTC');
    expect(name('GMT')).toBe('UTC');
  });

  it('maps Zimbra and Outlook legacy descriptions', () => {
    expect(name('(GMT+01.00) Amsterdam / Berlin / Bern / Rome / Stockholm / Vienna')).toBe(
      'W. Europe Standard Time',
    );
    expect(name('(GMT-05.00) Eastern Time (US &amp; Canada)')).toBe('Eastern Standard Time');
    expect(name('(GMT-08.00) Pacific Time (US & Canada)')).toBe('Pacific Standard Time');
    expect(name('(UTC+01:00) Brussels, Copenhagen, Madrid, Paris')).toBe('Romance Standard Time');
    expect(name('(GMT) Greenwich Mean Time - Dublin / Edinburgh / Lisbon / London')).toBe(
      'GMT Standard Time',
    );
    expect(name('(GMT+05.30) Chennai / Kolkata / Mumbai / New Delhi')).toBe('India Standard Time');
  });

  it('matches a custom VTIMEZONE by its rules, preferring the zone whose cities the TZID names', () => {
    const offsets = vtimezoneOffsets(euLike('Büro Wien', 1));
    expect(offsets).toBeDefined();
    const zone = resolveTimeZone('Mein Büro (Vienna)', offsets, years);
    expect(zone?.name).toBe('W. Europe Standard Time');
    const paris = resolveTimeZone('Bureau Paris', offsets, years);
    expect(paris?.name).toBe('Romance Standard Time');
    const london = resolveTimeZone('Some office', vtimezoneOffsets(euLike('x', 0)), years);
    expect(london?.name).toBe('GMT Standard Time');
  });

  it("lets the item's VTIMEZONE decide a TZID that only resembles an Olson name", () => {
    // "Europe/lisbon" is not the registry's spelling; this item defines it with Central European rules.
    const defined = resolveTimeZone('Europe/lisbon', vtimezoneOffsets(euLike('Europe/lisbon', 1)), years);
    expect(defined).toBeDefined();
    expect(zoneOffsetMs(defined!.iana, Date.UTC(2024, 0, 15))).toBe(3_600_000);
    expect(zoneOffsetMs(defined!.iana, Date.UTC(2024, 6, 15))).toBe(7_200_000);
    // Without a definition the name is all there is; spelled exactly, it is trusted over a definition.
    expect(name('Europe/lisbon')).toBe('GMT Standard Time');
    expect(resolveTimeZone('Europe/Lisbon', vtimezoneOffsets(euLike('x', 1)), years)?.name).toBe(
      'GMT Standard Time',
    );
  });

  it('returns undefined for a custom zone no Windows zone shares, and for unknown names', () => {
    const odd = vtimezone([
      'TZID:Mars Base',
      'BEGIN:STANDARD',
      'DTSTART:19700101T000000',
      'TZOFFSETFROM:+0317',
      'TZOFFSETTO:+0317',
      'END:STANDARD',
    ]);
    expect(resolveTimeZone('Mars Base', vtimezoneOffsets(odd), years)).toBeUndefined();
    expect(resolveTimeZone('Nowhere/Special', undefined, years)).toBeUndefined();
  });

  it('refuses VTIMEZONEs whose observances repeat more often than yearly', () => {
    const hostile = vtimezone([
      'TZID:Hostile',
      'BEGIN:STANDARD',
      'DTSTART:16010101T000000',
      'TZOFFSETFROM:+0100',
      'TZOFFSETTO:+0200',
      'RRULE:FREQ=MINUTELY',
      'END:STANDARD',
    ]);
    expect(vtimezoneOffsets(hostile)).toBeUndefined();
  });

  it('maps only to names CLDR lists (Graph accepts every Windows name)', () => {
    const windows = new Set(WINDOWS_TO_IANA_MAP.map((e) => e.windowsName as string));
    for (const legacy of LEGACY_WINDOWS_NAMES) expect(windows.has(legacy), legacy).toBe(true);
    for (const iana of Intl.supportedValuesOf('timeZone')) {
      const zone = resolveTimeZone(iana, undefined, years);
      if (zone !== undefined && zone.name !== 'UTC')
        expect(windows.has(zone.name), `${iana} → ${zone.name}`).toBe(true);
    }
  });
});

describe('offsets', () => {
  it('computes IANA offsets and wall-clock instants across DST', () => {
    expect(zoneOffsetMs('Europe/Berlin', Date.UTC(2024, 0, 15))).toBe(3_600_000);
    expect(zoneOffsetMs('Europe/Berlin', Date.UTC(2024, 6, 15))).toBe(7_200_000);
    expect(zoneOffsetMs('Asia/Kolkata', Date.UTC(2024, 6, 15))).toBe(19_800_000);
    const berlin = (ms: number) => zoneOffsetMs('Europe/Berlin', ms);
    expect(wallToUtcMs(Date.UTC(2024, 6, 1, 9), berlin)).toBe(Date.UTC(2024, 6, 1, 7));
    // 02:30 does not exist on 31 March 2024 in Berlin: it becomes 03:30 CEST.
    expect(wallToUtcMs(Date.UTC(2024, 2, 31, 2, 30), berlin)).toBe(Date.UTC(2024, 2, 31, 1, 30));
  });

  it('reads offsets from a VTIMEZONE definition', () => {
    const offsets = vtimezoneOffsets(euLike('x', 1));
    expect(offsets?.(Date.UTC(2024, 0, 15))).toBe(3_600_000);
    expect(offsets?.(Date.UTC(2024, 6, 15))).toBe(7_200_000);
    expect(offsets?.(Date.UTC(2024, 2, 31, 0, 59))).toBe(3_600_000);
    expect(offsets?.(Date.UTC(2024, 2, 31, 1, 0))).toBe(7_200_000);
  });
});

describe('offsets of observances listed by date', () => {
  it('counts each observance DTSTART as an onset beside its RDATEs, and every RDATE value', () => {
    // Pacific rules written as dated onsets: PST from 2022-11-06, PDT from 2023-03-12 and 2024-03-10,
    // PST again from 2023-11-05 and 2024-11-03 (two values on one line).
    const offsets = vtimezoneOffsets(
      vtimezone([
        'TZID:Office time',
        'BEGIN:STANDARD',
        'DTSTART:20221106T020000',
        'TZOFFSETFROM:-0700',
        'TZOFFSETTO:-0800',
        'RDATE:20231105T020000,20241103T020000',
        'END:STANDARD',
        'BEGIN:DAYLIGHT',
        'DTSTART:20230312T020000',
        'TZOFFSETFROM:-0800',
        'TZOFFSETTO:-0700',
        'RDATE:20240310T020000',
        'END:DAYLIGHT',
      ]),
    );
    const hour = 3_600_000;
    expect(offsets?.(Date.UTC(2023, 0, 15))).toBe(-8 * hour);
    expect(offsets?.(Date.UTC(2023, 5, 15))).toBe(-7 * hour);
    expect(offsets?.(Date.UTC(2024, 0, 15))).toBe(-8 * hour);
    expect(offsets?.(Date.UTC(2024, 5, 15))).toBe(-7 * hour);
    expect(offsets?.(Date.UTC(2024, 11, 15))).toBe(-8 * hour);
  });
});
