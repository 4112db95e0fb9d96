import { describe, expect, it } from 'vitest';

import { convertFilterRule } from './filter-rules.ts';

const rule = (tests: Record<string, unknown>, actions: Record<string, unknown>[], extra = {}) => ({
  name: 'R',
  active: true,
  filterTests: [tests],
  filterActions: actions,
  ...extra,
});

describe('convertFilterRule', () => {
  it('maps every test Graph can say exactly, with the actions in order', () => {
    const converted = convertFilterRule(
      rule(
        {
          condition: 'allof',
          addressTest: [
            { index: 0, header: 'from', part: 'all', stringComparison: 'is', value: 'a@x.org,b@x.org' },
          ],
          headerTest: [{ index: 1, header: 'subject', stringComparison: 'matches', value: '*invoice*' }],
          sizeTest: [{ index: 2, numberComparison: 'over', s: '3M' }],
          attachmentTest: [{ index: 3 }],
          importanceTest: [{ index: 4, imp: 'high' }],
          bodyTest: [{ index: 5, value: 'urgent', negative: true }],
        },
        [
          {
            actionFileInto: [{ index: 0, folderPath: '/Inbox/Bills' }],
            actionTag: [{ index: 1, tagName: 'Work' }],
            actionFlag: [{ index: 2, flagName: 'read' }],
            actionStop: [{ index: 3 }],
          },
        ],
      ),
    );
    expect(converted.ok).toBe(true);
    if (!converted.ok) return;
    expect(converted.rule).toEqual({
      displayName: 'R',
      isEnabled: true,
      conditions: {
        fromAddresses: [{ emailAddress: { address: 'a@x.org' } }, { emailAddress: { address: 'b@x.org' } }],
        subjectContains: ['invoice'],
        withinSizeRange: { minimumSize: 3072 },
        hasAttachments: true,
        importance: 'high',
      },
      exceptions: { bodyContains: ['urgent'] },
      actions: { assignCategories: ['Work'], markAsRead: true, stopProcessingRules: true },
      fileInto: { folderPath: 'Inbox/Bills', copy: false },
    });
  });

  it('keeps "any of" only when every test adds to one list, and files a copy beside keep', () => {
    const converted = convertFilterRule(
      rule(
        {
          condition: 'anyof',
          headerTest: [
            { header: 'subject', stringComparison: 'contains', value: 'a' },
            { header: 'subject', stringComparison: 'contains', value: 'b' },
          ],
        },
        [{ actionKeep: [{}] }, { actionFileInto: [{ folderPath: 'X' }] }],
      ),
    );
    expect(converted.ok && converted.rule.conditions).toEqual({ subjectContains: ['a', 'b'] });
    expect(converted.ok && converted.rule.fileInto).toEqual({ folderPath: 'X', copy: true });
  });

  it.each([
    [
      'a date test',
      { condition: 'allof', dateTest: [{ dateComparison: 'before', d: '1609459200' }] },
      [],
      /date/,
    ],
    [
      'anyof across tests',
      {
        condition: 'anyof',
        headerTest: [{ header: 'subject', stringComparison: 'contains', value: 'x' }],
        bodyTest: [{ value: 'y' }],
      },
      [],
      /any of/,
    ],
    [
      'a glob',
      { headerTest: [{ header: 'subject', stringComparison: 'matches', value: 'inv?ice*' }] },
      [],
      /contains/,
    ],
    [
      'a domain part',
      { addressTest: [{ header: 'from', part: 'domain', stringComparison: 'is', value: 'x.org' }] },
      [],
      /domain part/,
    ],
    ['case-sensitive', { bodyTest: [{ value: 'Y', caseSensitive: true }] }, [], /case-sensitive/],
    [
      'two subjects under allof',
      {
        condition: 'allof',
        headerTest: [
          { header: 'subject', stringComparison: 'contains', value: 'a' },
          { header: 'subject', stringComparison: 'contains', value: 'b' },
        ],
      },
      [],
      /both match/,
    ],
    ['discard', { bodyTest: [{ value: 'casino' }] }, [{ actionDiscard: [{}] }], /discard/],
    ['a flag', { bodyTest: [{ value: 'x' }] }, [{ actionFlag: [{ flagName: 'flagged' }] }], /cannot flag/],
    ['a reply', { bodyTest: [{ value: 'x' }] }, [{ actionReply: [{ content: 'thanks' }] }], /reply/],
    [
      'a redirect that keeps nothing',
      { bodyTest: [{ value: 'x' }] },
      [{ actionRedirect: [{ a: 'b@x.org' }] }],
      /keeps no copy/,
    ],
  ])('refuses %s whole, with the reason and the original text', (_name, tests, actions, reason) => {
    const converted = convertFilterRule(
      rule(tests, actions.length > 0 ? actions : [{ actionTag: [{ tagName: 'T' }] }]),
    );
    expect(converted.ok).toBe(false);
    if (converted.ok) return;
    expect(converted.reasons.join('; ')).toMatch(reason);
    expect(converted.original).toMatch(/^"R": if /);
  });

  it('refuses nested rules, naming them in the original text', () => {
    const converted = convertFilterRule({
      name: 'Nested',
      active: true,
      filterTests: [{ condition: 'anyof', attachmentTest: [{}] }],
      nestedRule: [{ filterTests: [{ bodyTest: [{ value: 'x' }] }], filterActions: [{ actionStop: [{}] }] }],
    });
    expect(converted.ok).toBe(false);
    expect(converted.original).toBe(
      '"Nested": if anyof (attachment) { if allof (body :contains "x") { stop; } }',
    );
  });
});
