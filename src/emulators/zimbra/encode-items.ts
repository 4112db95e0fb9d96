/** ToXML-style JSON encoding of folders, tags, message hits, contacts and calendar-item hits. */
import { componentJson } from './calendar-encode.ts';
import { textProp, timeProp, endOf, toUtcMs } from './icalendar.ts';
import type { Account, CalendarItem, ContactItem, Folder, MessageItem, Tag } from './model.ts';
import { itemUuid } from './ids.ts';
import { addressJson } from './message-summary.ts';
import { atLeast } from './versions.ts';

type Json = Record<string, unknown>;

/** Folder attributes per version (uuid 8.0+, absFolderPath 8.0.3+, deletable 8.8.2+). */
export function folderJson(account: Account, folder: Folder, version: string): Json {
  const mailbox = account.mailbox;
  const stats = mailbox.stats.get(folder.id) ?? { n: 0, u: 0, s: 0, maxId: folder.id };
  const parent = mailbox.folders.get(folder.parentId);
  const json: Json = { id: String(folder.id) };
  if (atLeast(version, 8)) json['uuid'] = folder.uuid;
  if (atLeast(version, 8, 8, 2)) json['deletable'] = !folder.system;
  json['name'] = folder.name;
  if (atLeast(version, 8, 0, 3)) json['absFolderPath'] = folder.path;
  json['l'] = String(folder.parentId);
  if (atLeast(version, 8) && parent) json['luuid'] = parent.uuid;
  const flags = `${stats.u > 0 ? 'u' : ''}${folder.flags}`;
  if (flags) json['f'] = flags;
  if (stats.u > 0) json['u'] = stats.u;
  if (folder.view) json['view'] = folder.view;
  const rev = folder.system ? 1 : folder.id;
  json['rev'] = rev;
  json['ms'] = Math.max(rev, stats.maxId > folder.id ? stats.maxId : rev);
  if (atLeast(version, 8) && folder.id === 2) json['webOfflineSyncDays'] = 30;
  if (atLeast(version, 8)) json['activesyncdisabled'] = false;
  json['n'] = stats.n;
  json['s'] = stats.s;
  json['i4ms'] = json['ms'];
  json['i4next'] = stats.maxId + 1;
  // Saved searches and mountpoints carry their own attributes (zimbra.md §4.3); feeds their url (§4.1).
  if (folder.kind === 'search') {
    json['query'] = folder.query ?? '';
    json['sortBy'] = 'dateDesc';
    json['types'] = 'conversation';
  }
  if (folder.kind === 'link') {
    json['owner'] = folder.owner ?? '';
    json['rid'] = String(folder.remoteId ?? 0);
    json['zid'] = itemUuid(folder.owner ?? '', 0);
  }
  if (folder.url !== undefined) json['url'] = folder.url;
  return json;
}

export function tagJson(account: Account, tag: Tag): Json {
  let n = 0;
  let u = 0;
  for (const item of account.mailbox.items.values()) {
    if (!item.tags.includes(tag.name)) continue;
    n++;
    if (item.flags.includes('u')) u++;
  }
  const json: Json = { id: String(tag.id), name: tag.name };
  if (tag.rgb !== undefined) json['rgb'] = tag.rgb;
  else if (tag.color !== undefined) json['color'] = tag.color;
  if (u > 0) json['u'] = u;
  if (n > 0) json['n'] = n;
  return json;
}

/**
 * Tag names as Zimbra writes them in `tn`: comma-separated, with `\\` escaped as `\\\\` and `,` as
 * `\\,` (zm-mailbox store/src/java/com/zimbra/cs/mailbox/util/TagUtil.java, encodeTags) — commas are
 * legal in tag names.
 */
export function encodeTagNames(tags: readonly string[]): string {
  return tags.map((tag) => tag.replaceAll('\\', '\\\\').replaceAll(',', '\\,')).join(',');
}

/** Tag attributes of an item: `tn` names (8.0+) and `t` ids. */
export function tagAttrs(account: Account, tags: readonly string[], version: string): Json {
  if (tags.length === 0) return {};
  const ids = tags
    .map((name) => account.mailbox.tags.find((t) => t.name === name)?.id)
    .filter((id) => id !== undefined);
  const json: Json = {};
  if (atLeast(version, 8)) json['tn'] = encodeTagNames(tags);
  json['t'] = ids.join(',');
  return json;
}

export type Recipients = 0 | 1 | 2;

export function messageHitJson(account: Account, msg: MessageItem, version: string, recip: Recipients): Json {
  const json: Json = {
    id: String(msg.id),
    s: msg.size,
    d: msg.date,
    l: String(msg.folderId),
    cid: String(-msg.id),
  };
  if (msg.flags) json['f'] = msg.flags;
  json['rev'] = msg.id;
  Object.assign(json, tagAttrs(account, msg.tags, version));
  const wanted = recip === 0 ? ['f'] : recip === 1 ? ['t', 'c', 'b'] : ['f', 't', 'c', 'b'];
  const addresses = msg.summary.addresses.filter((a) => wanted.includes(a.type)).map(addressJson);
  if (addresses.length > 0) json['e'] = addresses;
  if (msg.summary.subject !== undefined) json['su'] = msg.summary.subject;
  if (msg.summary.fragment) json['fr'] = msg.summary.fragment;
  return json;
}

/** The part of a contact's blob that holds its photo. */
export const CONTACT_PHOTO_PART = '1';

/** Dereferencing group members (GetContactsRequest derefGroupMember): a GAL entry by its DN. */
export type GalLookup = (dn: string) => Json | undefined;

export function contactJson(
  account: Account,
  contact: ContactItem,
  version: string,
  deref?: GalLookup,
): Json {
  const json: Json = {
    id: String(contact.id),
    l: String(contact.folderId),
    md: Math.floor(contact.date / 1000),
    ms: contact.modSeq ?? contact.id,
    d: contact.date,
    rev: contact.modSeq ?? contact.id,
    fileAsStr: contact.fileAsStr,
  };
  Object.assign(json, tagAttrs(account, contact.tags, version));
  const attrs: Json = { ...contact.attrs };
  if (contact.photo) {
    attrs['image'] = {
      part: CONTACT_PHOTO_PART,
      ct: contact.photo.contentType,
      s: contact.photo.bytes.length,
      filename: contact.photo.filename,
    };
  }
  const isGroup = attrs['type'] === 'group';
  if (isGroup && !atLeast(version, 8)) {
    // Before 8.0 a group is only its address list.
    attrs['dlist'] = contact.members
      .map((m) => (m.type === 'C' ? addressOf(account, m.value) : m.value))
      .filter((a) => a !== undefined)
      .join(', ');
  }
  json['_attrs'] = attrs;
  if (isGroup && atLeast(version, 8) && contact.members.length > 0) {
    json['m'] = contact.members.map((m) => {
      const member: Json = { type: m.type, value: m.value };
      if (deref === undefined) return member;
      const target = m.type === 'C' ? account.mailbox.items.get(Number(m.value)) : undefined;
      if (target?.kind === 'contact') member['cn'] = [contactJson(account, target, version)];
      const gal = m.type === 'G' ? deref(m.value) : undefined;
      if (gal) member['cn'] = [gal];
      return member;
    });
  }
  return json;
}

/** `"Name" <address>` of a local contact, as a pre-8.0 dlist holds it. */
function addressOf(account: Account, id: string): string | undefined {
  const target = account.mailbox.items.get(Number(id));
  if (target?.kind !== 'contact') return undefined;
  const email = target.attrs['email'];
  const address = Array.isArray(email) ? email[0] : email;
  if (address === undefined) return undefined;
  const name = target.attrs['fullName'];
  return typeof name === 'string' ? `"${name}" <${address}>` : address;
}

/** A calendar item search hit (appt/task) without instances. */
export function calendarHitJson(account: Account, item: CalendarItem, version: string): Json {
  const first = item.invites[0];
  const json: Json = {
    id: String(item.id),
    uid: item.uid,
    l: String(item.folderId),
    d: item.date,
    md: Math.floor(item.date / 1000),
    ms: item.modSeq ?? item.id,
    s: item.size,
    rev: item.modSeq ?? item.id,
  };
  if (!first) return json;
  const comp = componentJson(item, first, { ownerEmail: account.email, withUtc: atLeast(version, 7) });
  const c = first.component;
  const start = timeProp(c, 'dtstart');
  const end = endOf(c, start);
  Object.assign(json, tagAttrs(account, item.tags, version));
  Object.assign(json, {
    name: comp['name'],
    loc: comp['loc'],
    status: comp['status'],
    class: comp['class'],
    allDay: comp['allDay'],
    isOrg: comp['isOrg'],
    otherAtt: Array.isArray(comp['at']) && comp['at'].length > 0,
    alarm: Array.isArray(comp['alarm']) && comp['alarm'].length > 0,
    recur: comp['recur'] !== undefined,
    hasEx: item.invites.some((i) => i.recurrenceId !== undefined),
    invId: `${item.id}-${first.id}`,
    compNum: 0,
  });
  if (item.kind === 'appointment') {
    Object.assign(json, { fb: comp['fb'], fba: comp['fba'], transp: comp['transp'], ptst: 'AC' });
  } else json['percentComplete'] = comp['percentComplete'];
  if (comp['priority'] !== undefined) json['priority'] = comp['priority'];
  if (start && end) json['dur'] = toUtcMs(end) - toUtcMs(start);
  if (item.kind === 'task' && end) json['dueDate'] = toUtcMs(end);
  if (comp['or']) json['or'] = comp['or'];
  const description = textProp(c, 'description');
  if (description) json['fr'] = [...description.replace(/\s+/g, ' ').trim()].slice(0, 150).join('');
  return json;
}
