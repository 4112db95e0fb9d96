/**
 * REST (UserServlet /service/home, alias /home) and the content servlet (/service/content/get):
 * raw messages byte for byte as text/plain, parts, fmt=sync, ics/vcf exports. Auth by cookie
 * (ZM_AUTH_TOKEN; ZM_ADMIN_AUTH_TOKEN on the admin port), authToken query parameter or basic auth;
 * 401 without credentials, 404 for missing items and for anything the caller may not see.
 */
import { readFileSync } from 'node:fs';

import { CONTACT_PHOTO_PART } from './encode-items.ts';
import { folderCalendarItems, folderContacts, icsExport, vcardOf } from './exports.ts';
import { folderByPath } from './folders.ts';
import { findPart } from './message-encode.ts';
import { parseMime, partBytes } from './mime.ts';
import type { Account, Folder, Item, MessageItem } from './model.ts';
import type { Port } from './soap-dispatch.ts';
import { accountById, accountByName, type EmulatorState } from './state.ts';

export interface RestResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

export interface RestRequest {
  readonly url: URL;
  readonly cookies: Record<string, string>;
  readonly authorization: string | undefined;
}

const errorPage = (status: number, message: string): RestResponse => ({
  status,
  headers: { 'Content-Type': 'text/html;charset=iso-8859-1' },
  body: Buffer.from(
    `<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html;charset=ISO-8859-1"/>\n<title>Error ${status} ${message}</title>\n</head>\n<body><h2>HTTP ERROR ${status}</h2>\n<p>Problem accessing ${'/service'}. Reason:\n<pre>    ${message}</pre></p>\n</body>\n</html>\n`,
    'latin1',
  ),
});

const ok = (contentType: string, body: Buffer, extra: Record<string, string> = {}): RestResponse => ({
  status: 200,
  headers: { 'Content-Type': contentType, ...extra },
  body,
});

/** The REST token the request carries, for DoS keying and auth. */
export function restToken(request: RestRequest, port: Port): string | undefined {
  const methods = (request.url.searchParams.get('auth') ?? 'co,jwt,nsc,qp').split(',');
  if (methods.includes('co')) {
    const cookie =
      request.cookies['ZM_AUTH_TOKEN'] ??
      (port === 'admin' ? request.cookies['ZM_ADMIN_AUTH_TOKEN'] : undefined);
    if (cookie) return cookie;
  }
  if (methods.includes('qp')) return request.url.searchParams.get('authToken') ?? undefined;
  return undefined;
}

function authenticate(
  state: EmulatorState,
  request: RestRequest,
  port: Port,
  now: number,
): { account: Account; admin: boolean } | undefined {
  const token = restToken(request, port);
  if (token !== undefined) {
    const check = state.tokens.check(token, now);
    if (!check.ok || check.claims.usage !== 'auth') return undefined;
    const account = accountById(state, check.claims.accountId);
    if (!account) return undefined;
    if (check.claims.adminId === undefined && !check.claims.admin && account.status !== 'active') {
      return undefined;
    }
    return { account, admin: check.claims.admin };
  }
  const methods = (request.url.searchParams.get('auth') ?? 'co,jwt,nsc,qp,ba').split(',');
  const basic = /^Basic\s+(.+)$/i.exec(request.authorization ?? '');
  if (basic && (methods.includes('ba') || methods.includes('nsc'))) {
    const decoded = Buffer.from(basic[1] ?? '', 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const account = accountByName(state, decoded.slice(0, colon));
    if (
      account &&
      account.status === 'active' &&
      !account.twoFactor &&
      account.password === decoded.slice(colon + 1)
    ) {
      return { account, admin: false };
    }
  }
  return undefined;
}

export function handleRest(
  state: EmulatorState,
  port: Port,
  request: RestRequest,
  now: number,
): RestResponse {
  const path = decodeURIComponent(request.url.pathname);
  const auth = authenticate(state, request, port, now);
  if (path === '/service/content/get') {
    if (!auth) return errorPage(401, 'must authenticate');
    const id = request.url.searchParams.get('id') ?? '';
    const [acctPart, itemPart] = id.includes(':') ? id.split(':') : [undefined, id];
    const owner = acctPart === undefined ? auth.account : accountById(state, acctPart);
    if (!owner || (owner.id !== auth.account.id && !auth.admin)) return errorPage(404, 'no such item');
    return itemResponse(owner, Number(itemPart), request.url);
  }
  const match = /^(?:\/service)?\/home\/([^/]+)(\/.*)?$/.exec(path);
  if (!match) return errorPage(404, 'Not Found');
  if (!auth) return errorPage(401, 'must authenticate');
  const who = match[1] ?? '~';
  const owner = who === '~' ? auth.account : accountByName(state, who.replace(/^~/, ''));
  if (!owner || (owner.id !== auth.account.id && !auth.admin)) return errorPage(404, 'no such item');
  if (owner.status === 'maintenance') return errorPage(404, 'no such item');
  const idParam = request.url.searchParams.get('id');
  if (idParam !== null) return itemResponse(owner, Number(idParam), request.url);
  const folderPath = (match[2] ?? '/').replace(/\/+$/, '') || '/';
  const folder = folderByPath(owner.mailbox, folderPath);
  if (!folder) return errorPage(404, 'no such item');
  return folderResponse(owner, folder, request.url.searchParams.get('fmt'), attachInline(request.url));
}

function itemResponse(owner: Account, id: number, url: URL): RestResponse {
  const fmt = url.searchParams.get('fmt');
  const folder = owner.mailbox.folders.get(id);
  if (folder) return folderResponse(owner, folder, fmt, attachInline(url));
  const item = owner.mailbox.items.get(id);
  if (!item) return errorPage(404, 'no such item');
  switch (item.kind) {
    case 'message':
      return messageResponse(owner, item, url);
    case 'contact': {
      const part = url.searchParams.get('part');
      if (part === null) return ok('text/x-vcard; charset=utf-8', Buffer.from(vcardOf(item), 'utf8'));
      if (part !== CONTACT_PHOTO_PART || !item.photo) return errorPage(404, 'no such item');
      return ok(item.photo.contentType, item.photo.bytes);
    }
    case 'appointment':
    case 'task': {
      // The target is the item, not a folder: no X-WR-CALNAME (Mailbox.writeICalendarForCalendarItems).
      return ok(
        'text/calendar; charset=utf-8',
        Buffer.from(icsExport(owner, undefined, [item], attachInline(url)), 'utf8'),
      );
    }
  }
}

function messageResponse(owner: Account, msg: MessageItem, url: URL): RestResponse {
  const raw = readFileSync(msg.file);
  const partId = url.searchParams.get('part');
  if (partId !== null) {
    const part = findPart(parseMime(raw), partId);
    if (!part) return errorPage(404, 'no such item');
    const type = url.searchParams.get('view') === 'text' ? 'text/plain' : part.contentType;
    const charset = part.params['charset'];
    return ok(charset ? `${type}; charset=${charset}` : type, partBytes(raw, part));
  }
  if (url.searchParams.get('fmt') === 'sync') {
    const headers = syncHeaders(owner, msg);
    const prefix =
      url.searchParams.get('nohdr') === '1'
        ? ''
        : Object.entries(headers)
            .map(([k, v]) => `${k}: ${v}\r\n`)
            .join('');
    return ok('text/plain', Buffer.concat([Buffer.from(prefix, 'utf8'), raw]), headers);
  }
  return ok('text/plain', raw);
}

function syncHeaders(owner: Account, item: Item): Record<string, string> {
  const tagIds = item.tags
    .map((n) => owner.mailbox.tags.find((t) => t.name === n)?.id)
    .filter((i) => i !== undefined);
  return {
    'X-Zimbra-ItemId': String(item.id),
    'X-Zimbra-FolderId': String(item.folderId),
    'X-Zimbra-Tags': tagIds.join(','),
    'X-Zimbra-Tag-Names': item.tags.join(','),
    'X-Zimbra-Flags': item.flags,
    'X-Zimbra-Received': String(item.date),
    'X-Zimbra-Modified': String(item.date),
    'X-Zimbra-Change': String(item.id),
    'X-Zimbra-Revision': String(item.id),
    'X-Zimbra-Conv': String(-item.id),
  };
}

function attachInline(url: URL): boolean {
  return url.searchParams.get('icalAttach') === 'inline';
}

function folderResponse(owner: Account, folder: Folder, fmt: string | null, inline = false): RestResponse {
  const format =
    fmt ??
    (folder.view === 'contact'
      ? 'vcf'
      : folder.view === 'appointment' || folder.view === 'task'
        ? 'ics'
        : null);
  if (format === 'ics') {
    const body = icsExport(owner, folder, folderCalendarItems(owner, folder), inline);
    return ok('text/calendar; charset=utf-8', Buffer.from(body, 'utf8'), {
      'Content-Disposition': `attachment; filename="${encodeURIComponent(folder.name)}.ics"`,
    });
  }
  if (format === 'vcf') {
    const body = folderContacts(owner, folder).map(vcardOf).join('');
    return ok('text/x-vcard; charset=utf-8', Buffer.from(body, 'utf8'), {
      'Content-Disposition': `attachment; filename="${encodeURIComponent(folder.name)}.vcf"`,
    });
  }
  return errorPage(400, `unsupported format: ${format ?? 'native'}`);
}
