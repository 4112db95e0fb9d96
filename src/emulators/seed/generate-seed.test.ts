import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../domain/errors.ts';
import { generateSeed, type SeedSummary } from './generate-seed.ts';

const SYSTEM = ['Inbox', 'Sent', 'Drafts', 'Junk', 'Trash'];

interface Sidecar {
  flags?: string;
  tags?: string[];
  receivedMs?: number;
}

interface AccountJson {
  password: string;
  displayName: string;
  status: string;
  twoFactor: boolean;
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

async function digest(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const file of await walk(dir))
    out.set(
      file,
      createHash('sha256')
        .update(await readFile(path.join(dir, file)))
        .digest('hex'),
    );
  return out;
}

describe('generateSeed', () => {
  let root: string;
  let summary: SeedSummary;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'ferry-seed-'));
    summary = await generateSeed({ outDir: path.join(root, 'a'), accounts: 2, messages: 60, seed: 7 });
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('is byte-identical for the same seed and counts, and differs for another seed', async () => {
    const again = await generateSeed({ outDir: path.join(root, 'b'), accounts: 2, messages: 60, seed: 7 });
    expect(again.accounts).toEqual(summary.accounts);
    const [first, second] = await Promise.all([digest(path.join(root, 'a')), digest(path.join(root, 'b'))]);
    expect(first.size).toBeGreaterThan(200);
    expect([...second]).toEqual([...first]);

    const other = await generateSeed({ outDir: path.join(root, 'c'), accounts: 2, messages: 60, seed: 8 });
    expect(
      other.accounts[0]?.email === summary.accounts[0]?.email &&
        other.accounts[0]?.mail.bytes === summary.accounts[0]?.mail.bytes,
    ).toBe(false);
  });

  it('writes server.json and N ordinary accounts plus a two-factor and a locked one', async () => {
    const server = JSON.parse(await readFile(path.join(root, 'a', 'server.json'), 'utf8'));
    expect(server).toEqual({
      admin: { name: 'admin@zimbra.example.com', password: summary.admin.password },
      version: '8.8.15',
    });
    const emails = await readdir(path.join(root, 'a', 'accounts'));
    expect(emails.sort()).toEqual(summary.accounts.map((a) => a.email).sort());
    expect(summary.accounts).toHaveLength(4);
    for (const a of summary.accounts.slice(0, 2))
      expect(a.email).toMatch(/^[a-z]+\.[a-z]+\d*@zimbra\.example\.com$/);
    const accounts = await Promise.all(
      emails.map((e) => readJson<AccountJson>(path.join(root, 'a', 'accounts', e, 'account.json'))),
    );
    expect(accounts.filter((a) => a.twoFactor === true)).toHaveLength(1);
    expect(accounts.filter((a) => a.status === 'locked')).toHaveLength(1);
    for (const a of accounts)
      expect(Object.keys(a)).toEqual(['password', 'displayName', 'status', 'twoFactor']);
    const special = summary.accounts.find((a) => a.email === 'twofactor.user@zimbra.example.com');
    expect(special?.twoFactor).toBe(true);
    expect(special?.mail.messages).toBe(25);
  });

  it('lays out system, nested, non-ASCII and empty folders as the summary says', async () => {
    const account = summary.accounts[0]!;
    const mailDir = path.join(root, 'a', 'accounts', account.email, 'mail');
    const files = await walk(mailDir);
    const emlPerFolder = new Map<string, number>();
    for (const file of files.filter((f) => f.endsWith('.eml'))) {
      const folder = path.dirname(file).split(path.sep).join('/');
      emlPerFolder.set(folder, (emlPerFolder.get(folder) ?? 0) + 1);
    }
    const expected = Object.entries(account.mail.folders).filter(([, c]) => c.messages > 0);
    expect(Object.fromEntries(emlPerFolder)).toEqual(
      Object.fromEntries(expected.map(([f, c]) => [f, c.messages])),
    );
    for (const folder of SYSTEM) expect(emlPerFolder.get(folder) ?? 0).toBeGreaterThan(0);
    expect((await stat(path.join(mailDir, 'Old stuff'))).isDirectory()).toBe(true);
    const folders = Object.keys(account.mail.folders);
    expect(folders.some((f) => f.split('/').length >= 3)).toBe(true);
    expect(folders.some((f) => /[^\x20-\x7e]/.test(f))).toBe(true);
    let bytes = 0;
    for (const file of files.filter((f) => f.endsWith('.eml')))
      bytes += (await stat(path.join(mailDir, file))).size;
    expect(bytes).toBe(account.mail.bytes);
    expect(account.mail.largeAttachments).toBe(1);
    expect(account.mail.hugeAttachments).toBe(0);
  });

  it('writes valid sidecars with flags, known tags and mostly a received time', async () => {
    const account = summary.accounts[0]!;
    const dir = path.join(root, 'a', 'accounts', account.email);
    const tags = (JSON.parse(await readFile(path.join(dir, 'tags.json'), 'utf8')) as { name: string }[]).map(
      (t) => t.name,
    );
    const files = await walk(path.join(dir, 'mail'));
    const sidecars = files.filter((f) => f.endsWith('.eml.json'));
    expect(sidecars.length).toBeGreaterThan(50);
    const metas = await Promise.all(sidecars.map((f) => readJson<Sidecar>(path.join(dir, 'mail', f))));
    for (const [i, meta] of metas.entries()) {
      expect(files).toContain(sidecars[i]!.slice(0, -'.json'.length));
      for (const key of Object.keys(meta)) expect(['flags', 'tags', 'receivedMs']).toContain(key);
      if (meta.flags !== undefined) expect(meta.flags).toMatch(/^[ufarswdv!?]+$/);
      for (const tag of meta.tags ?? []) expect(tags).toContain(tag);
      if (meta.receivedMs !== undefined)
        expect(meta.receivedMs).toBeLessThanOrEqual(Date.UTC(2026, 10, 1, 1));
    }
    const flags = metas.map((m) => m.flags ?? '').join('');
    for (const letter of ['u', 's', 'd', 'r', 'a']) expect(flags).toContain(letter);
    expect(metas.filter((m) => m.receivedMs === undefined).length).toBeGreaterThan(0);
    expect(metas.filter((m) => m.receivedMs !== undefined).length).toBeGreaterThan(metas.length * 0.8);
  });

  it('writes tags, 6–8 filters (awkward ones too), an outgoing filter, signatures and prefs with out of office on for the first account only', async () => {
    for (const [i, a] of summary.accounts.entries()) {
      const dir = path.join(root, 'a', 'accounts', a.email);
      const filters = JSON.parse(await readFile(path.join(dir, 'filters.json'), 'utf8'));
      expect(filters.length).toBeGreaterThanOrEqual(6);
      expect(filters.length).toBeLessThanOrEqual(8);
      for (const rule of filters)
        expect(Object.keys(rule).slice(0, 3)).toEqual(['name', 'active', 'filterTests']);
      const text = JSON.stringify(filters);
      for (const awkward of ['dateTest', 'actionDiscard', 'nestedRule']) expect(text).toContain(awkward);
      const outgoing = JSON.parse(await readFile(path.join(dir, 'outgoing-filters.json'), 'utf8'));
      expect(outgoing).toHaveLength(1);
      const signatures = JSON.parse(await readFile(path.join(dir, 'signatures.json'), 'utf8')) as {
        id: string;
        name: string;
      }[];
      expect(signatures.map((s) => s.name)).toEqual(['Work', "Short 'n' plain"]);
      const prefs = JSON.parse(await readFile(path.join(dir, 'prefs.json'), 'utf8'));
      expect(prefs.zimbraPrefOutOfOfficeReplyEnabled).toBe(i === 0 ? 'TRUE' : 'FALSE');
      expect(prefs.zimbraPrefMailForwardingAddress).toBe(i === 1 ? 'assistant@partner.example' : undefined);
      expect(prefs.zimbraPrefDefaultSignatureId).toBe(signatures[0]!.id);
      const tags = JSON.parse(await readFile(path.join(dir, 'tags.json'), 'utf8'));
      for (const tag of tags) expect(tag.color !== undefined || /^#[0-9A-F]{6}$/.test(tag.rgb)).toBe(true);
    }
  });

  it('refuses a non-empty directory and bad counts', async () => {
    await expect(
      generateSeed({ outDir: path.join(root, 'a'), accounts: 1, messages: 1 }),
    ).rejects.toBeInstanceOf(UserError);
    await expect(generateSeed({ outDir: path.join(root, 'd'), accounts: 0, messages: 1 })).rejects.toThrow(
      /accounts/,
    );
  });
});

describe('generateSeed with the huge message', () => {
  it('writes exactly one message with an attachment above 35 MB', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'ferry-seed-huge-'));
    try {
      const summary = await generateSeed({
        outDir: root,
        accounts: 1,
        messages: 20,
        huge: true,
        specialAccounts: false,
      });
      expect(summary.accounts).toHaveLength(1);
      const account = summary.accounts[0]!;
      expect(account.mail.hugeAttachments).toBe(1);
      const mailDir = path.join(root, 'accounts', account.email, 'mail');
      const sizes = await Promise.all(
        (await walk(mailDir))
          .filter((f) => f.endsWith('.eml'))
          .map(async (f) => [f, (await stat(path.join(mailDir, f))).size] as const),
      );
      const huge = sizes.filter(([, size]) => size > 35_000_000);
      expect(huge).toHaveLength(1);
      // Base64 of more than 35 MB of raw bytes, in 78-byte lines.
      expect(huge[0]![1]).toBeGreaterThan(Math.ceil(35_000_000 / 57) * 78);
      const text = await readFile(path.join(mailDir, huge[0]![0]));
      expect(text.subarray(text.length - 200).toString('latin1')).toMatch(/--\r\n$/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
