/**
 * Reloading the data directory while the emulator runs, so a test can edit a user's items between
 * two passes as the user would in Zimbra: every item whose content changed gets a new modified
 * sequence (`ms`/`rev`) above the mailbox's change id, the way a Zimbra edit bumps them; unchanged
 * items keep theirs. Items keep their ids while files are only edited: ids follow the sorted file
 * layout, so adding or removing items renumbers the ones after them.
 */
import type { Account, Directory, Item, Mailbox } from './model.ts';

export function reloadDirectory(previous: Directory, next: Directory): Directory {
  const accounts = new Map<string, Account>();
  for (const [email, account] of next.accounts) {
    const before = previous.accounts.get(email);
    accounts.set(
      email,
      before === undefined ? account : { ...account, mailbox: carryOver(before.mailbox, account.mailbox) },
    );
  }
  const admin = accounts.get(next.admin.email) ?? next.admin;
  return { ...next, admin, accounts };
}

function carryOver(before: Mailbox, after: Mailbox): Mailbox {
  let changeId = Math.max(before.changeId, after.changeId);
  const items = new Map<number, Item>();
  for (const [id, item] of after.items) {
    const old = before.items.get(id);
    const unchanged = old !== undefined && old.kind === item.kind && content(old) === content(item);
    const modSeq = unchanged ? old.modSeq : ++changeId;
    items.set(id, modSeq === undefined ? item : { ...item, modSeq });
  }
  return { ...after, items, changeId };
}

/** What an edit in Zimbra would change: fields, photo, members, invites, folder and tags — not the file's date. */
function content(item: Item): string {
  const common = { folderId: item.folderId, flags: item.flags, tags: item.tags };
  switch (item.kind) {
    case 'message':
      return JSON.stringify({ ...common, file: item.file, size: item.size });
    case 'contact':
      return JSON.stringify({
        ...common,
        attrs: item.attrs,
        members: item.members,
        photo: item.photo && { type: item.photo.contentType, bytes: item.photo.bytes.toString('base64') },
      });
    case 'appointment':
    case 'task':
      return JSON.stringify({
        ...common,
        invites: item.invites.map((invite) => invite.component.toString()),
        timezones: item.timezones.map((zone) => zone.toString()),
      });
  }
}
