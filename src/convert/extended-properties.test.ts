import { describe, expect, it } from 'vitest';
import { FERRY_PROPERTY_SET_GUID } from '../domain/mail.ts';
import {
  MSGFLAG,
  ferryNamedPropertyId,
  formatSystemTime,
  isValidSystemTime,
  nonDraftMessageFlags,
} from './extended-properties.ts';

describe('extended properties', () => {
  it('formats SystemTime values as UTC ISO 8601 to the second', () => {
    expect(formatSystemTime(Date.UTC(2024, 4, 15, 12, 0, 7, 999))).toBe('2024-05-15T12:00:07Z');
    expect(formatSystemTime(0)).toBe('1970-01-01T00:00:00Z');
  });

  it('accepts only times a FILETIME-backed property can hold', () => {
    expect(isValidSystemTime(Date.UTC(1601, 0, 1))).toBe(true);
    expect(isValidSystemTime(Date.UTC(1600, 11, 31))).toBe(false);
    expect(isValidSystemTime(Number.NaN)).toBe(false);
  });

  it('never sets the draft bit for imported messages', () => {
    expect(nonDraftMessageFlags(true)).toBe(MSGFLAG.READ);
    expect(nonDraftMessageFlags(false)).toBe(MSGFLAG.SUBMIT);
    expect(nonDraftMessageFlags(true) & MSGFLAG.UNSENT).toBe(0);
    expect(nonDraftMessageFlags(false) & MSGFLAG.UNSENT).toBe(0);
  });

  it('names properties in Ferry’s property set', () => {
    expect(ferryNamedPropertyId('FerrySourceId')).toBe(
      `String {${FERRY_PROPERTY_SET_GUID}} Name FerrySourceId`,
    );
  });
});
