/** GetMsgRequest, GetContactsRequest, GetAppointmentRequest and GetTaskRequest. */
import { invitesJson } from '../calendar-encode.ts';
import { contactJson, type GalLookup, tagAttrs } from '../encode-items.ts';
import { fullMessageJson, rawMessageJson } from '../message-encode.ts';
import type { CalendarItem } from '../model.ts';
import type { HandlerContext, SoapHandler } from '../soap-dispatch.ts';
import { attr, boolAttr, child, children, intAttr, type Json } from '../soap-envelope.ts';
import { faults } from '../soap-faults.ts';
import { atLeast } from '../versions.ts';

function mailbox(ctx: HandlerContext) {
  if (!ctx.target) throw faults.authRequired();
  return { account: ctx.target, version: ctx.state.directory.version };
}

function getMsg(request: Json, ctx: HandlerContext): Json {
  const { account, version } = mailbox(ctx);
  const m = child(request, 'm');
  const id = attr(m, 'id');
  if (id === undefined) throw faults.invalidRequest('missing required attribute: id');
  const item = account.mailbox.items.get(Number(id));
  if (!item || item.kind !== 'message') throw faults.noSuchMsg(id);
  if (boolAttr(m, 'raw')) return { m: [rawMessageJson(item)] };
  const headers = m
    ? children(m, 'header')
        .map((h) => attr(h, 'n'))
        .filter((n): n is string => n !== undefined)
    : [];
  const options = { html: boolAttr(m, 'html'), max: intAttr(m, 'max'), part: attr(m, 'part'), headers };
  return { m: [fullMessageJson(account, item, version, options)] };
}

function getContacts(request: Json, ctx: HandlerContext): Json {
  const { account, version } = mailbox(ctx);
  const folder = attr(request, 'l');
  const ids = children(request, 'cn').flatMap((cn) => (attr(cn, 'id') ?? '').split(',').filter(Boolean));
  const contacts =
    ids.length > 0
      ? ids.map((id) => {
          const item = account.mailbox.items.get(Number(id));
          if (!item || item.kind !== 'contact') throw faults.noSuchContact(id);
          return item;
        })
      : [...account.mailbox.items.values()].filter(
          (item) =>
            item.kind === 'contact' &&
            (folder === undefined ? item.folderId !== 3 : item.folderId === Number(folder)),
        );
  if (folder !== undefined && !account.mailbox.folders.has(Number(folder))) {
    throw faults.noSuchFolderId(folder);
  }
  // Members are dereferenced only for contacts asked for by id (GetContacts.java).
  const deref = boolAttr(request, 'derefGroupMember') && ids.length > 0 ? galLookup(ctx) : undefined;
  const encoded = contacts.flatMap((c) =>
    c.kind === 'contact' ? [contactJson(account, c, version, deref)] : [],
  );
  return encoded.length > 0 ? { cn: encoded } : {};
}

/** GAL entries are the directory's accounts, named by `uid=<local part>,ou=people,dc=<domain parts>`. */
function galLookup(ctx: HandlerContext): GalLookup {
  return (dn) => {
    const uid = /^uid=([^,]+)/i.exec(dn)?.[1];
    const domain = [...dn.matchAll(/dc=([^,]+)/gi)].map((m) => m[1]).join('.');
    const account =
      uid === undefined ? undefined : ctx.state.directory.accounts.get(`${uid}@${domain}`.toLowerCase());
    if (!account) return undefined;
    const attrs: Json = { email: account.email };
    if (account.displayName !== undefined) attrs['fullName'] = account.displayName;
    return { id: dn, ref: dn, _attrs: attrs };
  };
}

function getCalendarItem(kind: 'appointment' | 'task') {
  return (request: Json, ctx: HandlerContext): Json => {
    const { account, version } = mailbox(ctx);
    const id = attr(request, 'id');
    const uid = attr(request, 'uid');
    let item: CalendarItem | undefined;
    if (id !== undefined) {
      const found = account.mailbox.items.get(Number(id));
      if (found && found.kind === kind) item = found;
      if (!item) throw kind === 'task' ? faults.noSuchTask(id) : faults.noSuchAppt(id);
    } else if (uid !== undefined) {
      for (const found of account.mailbox.items.values()) {
        if (found.kind === kind && found.uid === uid) item = found;
      }
      if (!item) throw faults.noSuchCalItemUid(kind, uid);
    } else {
      throw faults.invalidRequest('must specify id or uid');
    }
    const json: Json = {
      uid: item.uid,
      id: String(item.id),
      l: String(item.folderId),
      rev: item.modSeq ?? item.id,
      s: item.size,
      d: item.date,
      ...tagAttrs(account, item.tags, version),
      inv: invitesJson(item, { ownerEmail: account.email, withUtc: atLeast(version, 7) }),
    };
    return { [kind === 'task' ? 'task' : 'appt']: [json] };
  };
}

export const itemHandlers: Record<string, SoapHandler> = {
  'urn:zimbraMail|GetMsgRequest': { ns: 'urn:zimbraMail', auth: 'user', handle: getMsg },
  'urn:zimbraMail|GetContactsRequest': { ns: 'urn:zimbraMail', auth: 'user', handle: getContacts },
  'urn:zimbraMail|GetAppointmentRequest': {
    ns: 'urn:zimbraMail',
    auth: 'user',
    handle: getCalendarItem('appointment'),
  },
  'urn:zimbraMail|GetTaskRequest': { ns: 'urn:zimbraMail', auth: 'user', handle: getCalendarItem('task') },
};
