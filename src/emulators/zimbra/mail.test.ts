import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startZimbraEmulator, type ZimbraEmulator } from './server.ts';
import { faultCode, login, makeDataDir, soap } from './test-support.ts';

const BASE = Date.UTC(2023, 0, 1);
const files: Record<string, string | Buffer> = {
  'accounts/ann@example.com/tags.json': JSON.stringify([
    { name: 'Work', color: 3 },
    { name: 'Blue', rgb: '#5b9bf2' },
  ]),
  'accounts/ann@example.com/filters.json': JSON.stringify([
    {
      name: 'Invoices',
      active: true,
      filterTests: [
        {
          condition: 'anyof',
          headerTest: [{ index: 0, header: 'subject', stringComparison: 'contains', value: 'invoice' }],
        },
      ],
      filterActions: [{ actionFileInto: [{ index: 0, folderPath: 'Invoices' }] }],
    },
  ]),
  'accounts/ann@example.com/outgoing-filters.json': JSON.stringify([
    { name: 'Sent', active: true, filterTests: [{ condition: 'anyof' }], filterActions: [] },
  ]),
  'accounts/ann@example.com/signatures.json': JSON.stringify([
    { id: 's1', name: 'Work', content: [{ type: 'text/html', _content: '<b>Ann</b>' }] },
  ]),
  'accounts/ann@example.com/prefs.json': JSON.stringify({
    zimbraPrefOutOfOfficeReplyEnabled: true,
    zimbraPrefOutOfOfficeReply: 'Away',
  }),
  'accounts/ann@example.com/mail/Trash/t.eml':
    'Subject: trashed\r\nDate: Mon, 2 Jan 2023 00:00:00 +0000\r\n\r\nold',
  'accounts/ann@example.com/mail/Projekte/Übersicht 2024/u.eml': 'Subject: umlaut folder\r\n\r\nhi',
  'accounts/ann@example.com/mail/Inbox/zz-raw.eml': Buffer.concat([
    Buffer.from(
      'From: "Zoë" <zoe@example.com>\r\nTo: ann@example.com, "Bob B" <bob@example.com>\r\nSubject: raw bytes\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n',
    ),
    Buffer.from([0x47, 0x72, 0xfc, 0xdf, 0x65, 0x0a, 0x62, 0x61, 0x72, 0x65, 0x20, 0x4c, 0x46, 0x0a]),
    Buffer.from(
      '\r\n--b1\r\nContent-Type: application/pdf; name="a.pdf"\r\nContent-Disposition: attachment; filename="a.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--b1--',
    ),
  ]),
  'accounts/ann@example.com/mail/Inbox/zz-raw.eml.json': JSON.stringify({
    flags: 'u',
    tags: ['Work'],
    receivedMs: BASE + 999 * 60_000,
  }),
};
for (let i = 0; i < 1005; i++) {
  const n = String(i).padStart(4, '0');
  files[`accounts/ann@example.com/mail/Inbox/m${n}.eml`] =
    `From: sender${i}@example.com\r\nSubject: message ${n}\r\nDate: ${new Date(BASE + i * 60_000).toUTCString()}\r\n\r\nbody ${n}\r\n`;
}

describe('zimbra emulator: folders, search, messages, REST', () => {
  const data = makeDataDir(files);
  let emu: ZimbraEmulator;
  let token: string;
  const search = (request: Record<string, unknown>) =>
    soap(emu.url, { SearchRequest: { _jsns: 'urn:zimbraMail', ...request } }, { token });
  const ids = (call: { body: Record<string, unknown> }, key = 'm') =>
    ((call.body[key] as { id: string }[] | undefined) ?? []).map((h) => h.id);
  beforeAll(async () => {
    emu = await startZimbraEmulator({ dataDir: data.dir, dosFilterMaxRequestsPerSec: 0 });
    token = await login(emu.url, 'ann@example.com');
  });
  afterAll(async () => {
    await emu.close();
    data.remove();
  });

  it('returns the folder tree with system ids, views, counts, sizes and non-ASCII user folders', async () => {
    const call = await soap(emu.url, { GetFolderRequest: { _jsns: 'urn:zimbraMail' } }, { token });
    const root = (call.body['folder'] as Record<string, unknown>[])[0] ?? {};
    expect(root).toMatchObject({ id: '1', name: 'USER_ROOT', l: '11', absFolderPath: '/' });
    const children = root['folder'] as Record<string, unknown>[];
    const byName = new Map(children.map((f) => [f['name'], f]));
    expect(byName.get('Inbox')).toMatchObject({ id: '2', view: 'message', n: 1006, u: 1, f: 'u' });
    expect(byName.get('Trash')).toMatchObject({ id: '3', n: 1 });
    expect(byName.get('Trash')?.['view']).toBeUndefined();
    expect(byName.get('Calendar')).toMatchObject({ id: '10', view: 'appointment', f: '#' });
    expect(byName.get('Emailed Contacts')).toMatchObject({ id: '13', view: 'contact' });
    expect(byName.get('Tasks')).toMatchObject({ id: '15', view: 'task' });
    const projekte = byName.get('Projekte') as Record<string, unknown>;
    expect(projekte['id']).toBe('257');
    const sub = (projekte['folder'] as Record<string, unknown>[])[0];
    expect(sub).toMatchObject({
      id: '258',
      name: 'Übersicht 2024',
      absFolderPath: '/Projekte/Übersicht 2024',
      l: '257',
      n: 1,
      s: 28,
    });
    const inbox = byName.get('Inbox') as { s: number };
    expect(inbox.s).toBeGreaterThan(1005 * 80);
    const byPath = await soap(
      emu.url,
      { GetFolderRequest: { _jsns: 'urn:zimbraMail', folder: { path: '/Projekte/Übersicht 2024' } } },
      { token },
    );
    expect((byPath.body['folder'] as { id: string }[])[0]?.id).toBe('258');
    const missing = await soap(
      emu.url,
      { GetFolderRequest: { _jsns: 'urn:zimbraMail', folder: { l: '999' } } },
      { token },
    );
    expect(faultCode(missing)).toBe('mail.NO_SUCH_FOLDER');
  });

  it('defaults to conversations, 10 hits and dateDesc; caps limit at 1000', async () => {
    const def = await search({ query: 'inid:2' });
    expect(def.body['sortBy']).toBe('dateDesc');
    expect((def.body['c'] as unknown[]).length).toBe(10);
    expect(def.body['more']).toBe(true);
    const capped = await search({ types: 'message', query: 'inid:2', limit: 5000 });
    expect(ids(capped).length).toBe(1000);
    expect(capped.body['more']).toBe(true);
  });

  it('pages with offset and with cursor (ignoring offset) to the same sequence', async () => {
    const all: string[] = [];
    let cursor: { id: string; sortVal: string } | undefined;
    for (;;) {
      const page = await search({
        types: 'message',
        query: 'inid:2',
        sortBy: 'dateAsc',
        limit: 400,
        offset: 999,
        ...(cursor ? { cursor } : { offset: 0 }),
      });
      const hits = page.body['m'] as { id: string; sf: string }[];
      all.push(...hits.map((h) => h.id));
      const last = hits.at(-1);
      if (!page.body['more'] || !last) break;
      cursor = { id: last.id, sortVal: last.sf };
    }
    expect(all.length).toBe(1006);
    expect(new Set(all).size).toBe(1006);
    const byOffset = await search({
      types: 'message',
      query: 'inid:2',
      sortBy: 'dateAsc',
      limit: 3,
      offset: 400,
    });
    expect(ids(byOffset)).toEqual(all.slice(400, 403));
    expect(byOffset.body['offset']).toBe(400);
  });

  it('evaluates in:, inid:, numeric before:/after:, is:, tag: and excludes Trash unless named', async () => {
    const after = await search({
      types: 'message',
      query: `inid:2 after:${BASE + 1000 * 60_000}`,
      limit: 100,
    });
    expect(ids(after).length).toBe(4);
    const before = await search({
      types: 'message',
      query: `in:inbox AND before:${BASE + 2 * 60_000}`,
      limit: 100,
    });
    expect(ids(before).length).toBe(2);
    const folder = await search({ types: 'message', query: 'in:"/Projekte/Übersicht 2024"' });
    expect(ids(folder)).toEqual([ids(folder)[0]]);
    expect(ids(await search({ types: 'message', query: 'trashed' }))).toEqual([]);
    expect(ids(await search({ types: 'message', query: 'in:trash trashed' })).length).toBe(1);
    const tagged = await search({ types: 'message', query: 'tag:Work is:unread' });
    expect((tagged.body['m'] as Record<string, unknown>[])[0]).toMatchObject({ tn: 'Work', f: 'au', l: '2' });
    const bad = await search({ types: 'message', query: 'bogus:thing' });
    expect(faultCode(bad)).toBe('mail.QUERY_PARSE_ERROR');
  });

  it('returns message hits with size, date, flags, tags and addresses, and GetMsg with parts', async () => {
    const hit = (await search({ types: 'message', query: 'subject:raw' })).body['m'] as Record<
      string,
      unknown
    >[];
    const raw = Buffer.from(files['accounts/ann@example.com/mail/Inbox/zz-raw.eml'] as Buffer);
    expect(hit[0]).toMatchObject({
      s: raw.length,
      d: BASE + 999 * 60_000,
      su: 'raw bytes',
      e: [{ t: 'f', a: 'zoe@example.com', p: 'Zoë', d: 'Zoë' }],
    });
    const id = hit[0]?.['id'] as string;
    const msg = await soap(emu.url, { GetMsgRequest: { _jsns: 'urn:zimbraMail', m: { id } } }, { token });
    const m = (msg.body['m'] as Record<string, unknown>[])[0] ?? {};
    expect((m['e'] as { t: string }[]).map((e) => e.t)).toEqual(['f', 't', 't']);
    const mp = (m['mp'] as Record<string, unknown>[])[0] ?? {};
    expect(mp).toMatchObject({ part: 'TEXT', ct: 'multipart/mixed' });
    const parts = mp['mp'] as Record<string, unknown>[];
    expect(parts[0]).toMatchObject({ part: '1', ct: 'text/plain', body: true, content: 'Grüße\nbare LF\n' });
    expect(parts[1]).toMatchObject({
      part: '2',
      ct: 'application/pdf',
      cd: 'attachment',
      filename: 'a.pdf',
      s: 5,
    });
    const missing = await soap(
      emu.url,
      { GetMsgRequest: { _jsns: 'urn:zimbraMail', m: { id: '99999' } } },
      { token },
    );
    expect(faultCode(missing)).toBe('mail.NO_SUCH_MSG');
  });

  it('serves the raw message byte for byte over REST and the content servlet, with auth', async () => {
    const raw = files['accounts/ann@example.com/mail/Inbox/zz-raw.eml'] as Buffer;
    const id =
      ((await search({ types: 'message', query: 'subject:raw' })).body['m'] as { id: string }[])[0]?.id ?? '';
    for (const path of [
      `/service/home/~/?id=${id}`,
      `/home/ann@example.com/?id=${id}`,
      `/service/content/get?id=${id}`,
    ]) {
      const res = await fetch(`${emu.url}${path}`, { headers: { Cookie: `ZM_AUTH_TOKEN=${token}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain');
      expect(res.headers.get('content-length')).toBe(String(raw.length));
      expect(Buffer.from(await res.arrayBuffer()).equals(raw)).toBe(true);
    }
    const qp = await fetch(`${emu.url}/service/home/ann@example.com/?id=${id}&auth=qp&authToken=${token}`);
    expect(Buffer.from(await qp.arrayBuffer()).equals(raw)).toBe(true);
    expect((await fetch(`${emu.url}/service/home/~/?id=${id}`)).status).toBe(401);
    expect(
      (await fetch(`${emu.url}/service/home/~/?id=99999`, { headers: { Cookie: `ZM_AUTH_TOKEN=${token}` } }))
        .status,
    ).toBe(404);
    const sync = await fetch(`${emu.url}/service/home/~/?id=${id}&fmt=sync&authToken=${token}`);
    expect((await sync.text()).startsWith(`X-Zimbra-ItemId: ${id}\r\n`)).toBe(true);
    const part = await fetch(`${emu.url}/service/home/~/?id=${id}&part=2&authToken=${token}`);
    expect(await part.text()).toBe('%PDF-');
  });

  it('returns tags, filter rules and out-of-office prefs', async () => {
    const tags = await soap(emu.url, { GetTagRequest: { _jsns: 'urn:zimbraMail' } }, { token });
    expect(tags.body['tag']).toEqual([
      { id: '259', name: 'Work', color: 3, u: 1, n: 1 },
      { id: '260', name: 'Blue', rgb: '#5b9bf2' },
    ]);
    const filters = await soap(emu.url, { GetFilterRulesRequest: { _jsns: 'urn:zimbraMail' } }, { token });
    expect(
      (filters.body['filterRules'] as { filterRule: { name: string }[] }[])[0]?.filterRule[0]?.name,
    ).toBe('Invoices');
    const prefs = await soap(
      emu.url,
      {
        GetPrefsRequest: {
          _jsns: 'urn:zimbraAccount',
          pref: [{ name: 'zimbraPrefOutOfOfficeReplyEnabled' }, { name: 'zimbraPrefOutOfOfficeReply' }],
        },
      },
      { token },
    );
    expect(prefs.body['_attrs']).toEqual({
      zimbraPrefOutOfOfficeReplyEnabled: 'TRUE',
      zimbraPrefOutOfOfficeReply: 'Away',
    });
  });

  it('returns outgoing filter rules, signatures and the forwarding defaults', async () => {
    const outgoing = await soap(
      emu.url,
      { GetOutgoingFilterRulesRequest: { _jsns: 'urn:zimbraMail' } },
      { token },
    );
    expect(
      (outgoing.body['filterRules'] as { filterRule: { name: string }[] }[])[0]?.filterRule[0]?.name,
    ).toBe('Sent');
    const signatures = await soap(
      emu.url,
      { GetSignaturesRequest: { _jsns: 'urn:zimbraAccount' } },
      { token },
    );
    expect(signatures.body['signature']).toEqual([
      { id: 's1', name: 'Work', content: [{ type: 'text/html', _content: '<b>Ann</b>' }] },
    ]);
    const prefs = await soap(
      emu.url,
      {
        GetPrefsRequest: {
          _jsns: 'urn:zimbraAccount',
          pref: [
            { name: 'zimbraPrefMailLocalDeliveryDisabled' },
            { name: 'zimbraPrefMailForwardingAddress' },
          ],
        },
      },
      { token },
    );
    expect(prefs.body['_attrs']).toEqual({ zimbraPrefMailLocalDeliveryDisabled: 'FALSE' });
  });

  it('keeps item ids stable across restarts', async () => {
    const again = await startZimbraEmulator({ dataDir: data.dir });
    const t = await login(again.url, 'ann@example.com');
    const a = await soap(
      again.url,
      { SearchRequest: { _jsns: 'urn:zimbraMail', types: 'message', query: 'subject:raw' } },
      { token: t },
    );
    const b = await search({ types: 'message', query: 'subject:raw' });
    expect(ids(a)).toEqual(ids(b));
    await again.close();
  });
});
