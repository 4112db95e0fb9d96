import { describe, expect, it } from 'vitest';
import { parseZimbraFlags } from './zimbra-flags.ts';

describe('parseZimbraFlags', () => {
  it('reads the letters of zimbra.md §5.2', () => {
    const flags = parseZimbraFlags('ufarswdx!');
    expect(flags).toMatchObject({
      read: false,
      flagged: true,
      hasAttachment: true,
      replied: true,
      sentByMe: true,
      forwarded: true,
      draft: true,
      deleted: true,
      highPriority: true,
      lowPriority: false,
    });
  });

  it('treats a missing u as read and ignores unknown letters', () => {
    expect(parseZimbraFlags('').read).toBe(true);
    expect(parseZimbraFlags(undefined).read).toBe(true);
    expect(parseZimbraFlags('Z9').flagged).toBe(false);
    expect(parseZimbraFlags('?').lowPriority).toBe(true);
  });
});
