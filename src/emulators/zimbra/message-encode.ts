/** The full message JSON of GetMsgResponse (and SearchRequest fetch): headers, addresses and the mp tree. */
import { readFileSync } from 'node:fs';

import { tagAttrs } from './encode-items.ts';
import { bodyPart, addressJson, isAttachment } from './message-summary.ts';
import { decodeHeaderText, header, type MimePart, parseMime, partBytes, partText } from './mime.ts';
import type { Account, MessageItem } from './model.ts';
import { faults } from './soap-faults.ts';

type Json = Record<string, unknown>;

export interface FullMessageOptions {
  readonly html: boolean;
  readonly max: number | undefined;
  readonly part: string | undefined;
  readonly headers: readonly string[];
}

/** GetMsg raw=1 inlines content only for ASCII messages with size + 2048 ≤ 40000 (ToXML.encodeMessageAsMIME). */
const RAW_INLINE_LIMIT = 40000 - 2048;

export function fullMessageJson(
  account: Account,
  msg: MessageItem,
  version: string,
  options: FullMessageOptions,
): Json {
  const raw = readFileSync(msg.file);
  const root = parseMime(raw);
  const json: Json = { id: String(msg.id) };
  if (msg.flags) json['f'] = msg.flags;
  json['rev'] = msg.id;
  json['s'] = msg.size;
  json['d'] = msg.date;
  json['l'] = String(msg.folderId);
  json['cid'] = String(-msg.id);
  Object.assign(json, tagAttrs(account, msg.tags, version));
  const addresses = msg.summary.addresses.map(addressJson);
  if (addresses.length > 0) json['e'] = addresses;
  if (msg.summary.subject !== undefined) json['su'] = msg.summary.subject;
  if (msg.summary.fragment) json['fr'] = msg.summary.fragment;
  if (msg.summary.messageId) json['mid'] = msg.summary.messageId;
  if (msg.summary.inReplyTo) json['irt'] = msg.summary.inReplyTo;
  if (msg.summary.sentDate !== undefined) json['sd'] = msg.summary.sentDate;
  const wanted = options.headers
    .map((name) => ({ n: name, value: header(root, name) }))
    .filter((h): h is { n: string; value: string } => h.value !== undefined);
  if (wanted.length > 0) {
    json['header'] = wanted.map((h) => ({ n: h.n, _content: decodeHeaderText(h.value) }));
  }
  let top = root;
  if (options.part !== undefined) {
    const found = findPart(root, options.part);
    if (!found) throw faults.noSuchPart(options.part);
    top = found;
    json['part'] = options.part;
  }
  const body = bodyPart(top, options.html);
  json['mp'] = [partJson(raw, top, body, options.max)];
  return json;
}

export function rawMessageJson(msg: MessageItem): Json {
  const raw = readFileSync(msg.file);
  const ascii = raw.every((b) => b < 0x80);
  const content =
    ascii && msg.size <= RAW_INLINE_LIMIT
      ? { _content: raw.toString('latin1') }
      : { url: `/service/content/get?id=${msg.id}` };
  return { id: String(msg.id), s: msg.size, d: msg.date, l: String(msg.folderId), content };
}

export function findPart(root: MimePart, id: string): MimePart | undefined {
  if (root.partId === id) return root;
  for (const c of root.children) {
    const found = findPart(c, id);
    if (found) return found;
  }
  return undefined;
}

function partJson(raw: Buffer, part: MimePart, body: MimePart | undefined, max: number | undefined): Json {
  const json: Json = { part: part.partId, ct: part.contentType };
  if (part.children.length === 0) json['s'] = partBytes(raw, part).length;
  if (part.disposition) json['cd'] = part.disposition;
  if (part.filename !== undefined) json['filename'] = part.filename;
  const contentId = header(part, 'Content-ID');
  if (contentId) json['ci'] = contentId.trim();
  if (part === body) {
    json['body'] = true;
    let content = partText(raw, part);
    if (max !== undefined && max > 0 && Buffer.byteLength(content) > max) {
      content = Buffer.from(content)
        .subarray(0, max)
        .toString('utf8')
        .replace(/\uFFFD$/, '');
      json['truncated'] = true;
    }
    json['content'] = content;
  } else if (part.children.length === 0 && part.contentType.startsWith('text/') && !isAttachment(part)) {
    json['content'] = partText(raw, part);
  }
  if (part.children.length > 0) json['mp'] = part.children.map((c) => partJson(raw, c, body, max));
  return json;
}
