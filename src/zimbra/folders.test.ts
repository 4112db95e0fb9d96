import { describe, expect, it } from 'vitest';

import { readFolderTree } from './folders.ts';

/** A GetFolderResponse as 8.8 writes it (zimbra.md §4.1): folder, link and search children. */
const RESPONSE = {
  folder: [
    {
      id: '1',
      name: 'USER_ROOT',
      folder: [
        { id: '2', name: 'Inbox', view: 'message', n: 3 },
        { id: '17', name: 'Comments', view: 'comment' },
        { id: '257', name: 'Holidays', view: 'appointment', url: 'https://feeds.example/h.ics' },
      ],
      link: [{ id: '258', name: 'Bob calendar', view: 'appointment', owner: 'bob@example.com', rid: '10' }],
      search: [
        {
          id: '259',
          name: 'Unread invoices',
          query: 'subject:invoice is:unread',
          folder: [{ id: '260', name: 'Paid', view: 'message', n: 1 }],
        },
      ],
    },
  ],
};

describe('readFolderTree', () => {
  it('keeps folders below a saved search, the search as an empty container', () => {
    const { folders } = readFolderTree(RESPONSE);
    expect(folders.find((f) => f.id === '260')).toMatchObject({
      path: 'Unread invoices/Paid',
      parentId: '259',
      view: 'message',
      itemCount: 1,
    });
    expect(folders.find((f) => f.id === '259')).toMatchObject({ path: 'Unread invoices', view: 'other' });
  });

  it('reports mountpoints and feeds instead of migrating them, and skips hidden system folders', () => {
    const { folders, leftOut } = readFolderTree(RESPONSE);
    expect(folders.find((f) => f.id === '257')?.view).toBe('other');
    expect(folders.find((f) => f.id === '17')?.view).toBe('other');
    expect(folders.some((f) => f.id === '258')).toBe(false);
    expect(leftOut).toEqual([
      {
        path: 'Holidays',
        reason:
          "a feed synced from https://feeds.example/h.ics, not the user's own calendar; subscribe to the feed again in Outlook",
      },
      {
        path: 'Bob calendar',
        reason:
          "a mountpoint of bob@example.com's folder, not this user's data; it moves with its owner's mailbox",
      },
    ]);
  });
});
