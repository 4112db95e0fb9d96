/**
 * Loads an emulator data directory into the in-memory directory model.
 *
 * Layout (a contract shared with tests, benchmarks and corpora):
 *   DIR/server.json                       optional {"admin":{"name":"admin@<domain>","password":"…"},"version":"8.8.15"}
 *   DIR/accounts/<email>/account.json     optional {"password":"…","displayName":"…","status":"active|locked|closed|maintenance","twoFactor":false}
 *   DIR/accounts/<email>/mail/<folder path>/<name>.eml        raw RFC 822, served byte for byte
 *   DIR/accounts/<email>/mail/<folder path>/<name>.eml.json   optional {"flags":"uf","tags":["Work"],"receivedMs":1700000000000}
 *   DIR/accounts/<email>/contacts/<folder path>/<name>.vcf    one or more vCards
 *   DIR/accounts/<email>/calendar/<folder path>/<name>.ics    VEVENTs (+ VTIMEZONEs), grouped by UID per folder
 *   DIR/accounts/<email>/tasks/<folder path>/<name>.ics       VTODOs, grouped by UID per folder
 *   DIR/accounts/<email>/tags.json        optional [{"name":"Work","color":3},{"name":"Blue","rgb":"#5b9bf2"}]
 *                                         (color = Zimbra colour index 0–9, or rgb "#rrggbb"; tags named in
 *                                         .eml.json but not listed here are created with no colour)
 *   DIR/accounts/<email>/filters.json     optional: the filterRule array exactly as GetFilterRulesResponse
 *                                         returns it, [{"name":"…","active":true,"filterTests":[{"condition":"anyof",
 *                                         "headerTest":[…]}],"filterActions":[{"actionFileInto":[…]}]}]
 *                                         (the whole {"filterRules":[{"filterRule":[…]}]} wrapper is accepted too)
 *   DIR/accounts/<email>/outgoing-filters.json  optional: outgoing filter rules, same form (GetOutgoingFilterRulesResponse)
 *   DIR/accounts/<email>/signatures.json  optional: GetSignaturesResponse's signature array,
 *                                         [{"id":"…","name":"…","content":[{"type":"text/html","_content":"…"}]}]
 *   DIR/accounts/<email>/prefs.json       optional {"zimbraPrefOutOfOfficeReplyEnabled":true,"zimbraPrefOutOfOfficeReply":"…"}
 *                                         (zimbraPref* name → string | string[] | boolean; booleans become "TRUE"/"FALSE")
 *
 * Top-level folder directories named like system folders (Inbox, Sent, Drafts, Junk, Trash, Contacts,
 * Emailed Contacts, Calendar, Tasks, Chats, Briefcase; case-insensitive) are those folders; other
 * directories are user folders nested as on disk. Files directly under mail/, contacts/, calendar/ or
 * tasks/ go to Inbox, Contacts, Calendar and Tasks. Missing files get defaults: password "test123",
 * admin "admin@<first account's domain>", version 8.8.15. `POST /_emulator/reload` reads the directory
 * again while the emulator runs (reload.ts).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

import { z } from 'zod';

import { accountId } from './ids.ts';
import { DataDirError, readJsonFile } from './json-file.ts';
import { buildMailbox, emptyMailbox } from './mailbox-builder.ts';
import type { Account, AccountStatus, Directory } from './model.ts';

const DEFAULT_PASSWORD = 'test123';
const DEFAULT_VERSION = '8.8.15';

const serverSchema = z
  .object({
    admin: z.object({ name: z.string().optional(), password: z.string().optional() }).partial().optional(),
    version: z.string().optional(),
  })
  .loose();

const accountSchema = z
  .object({
    password: z.string().optional(),
    displayName: z.string().optional(),
    status: z.enum(['active', 'locked', 'closed', 'maintenance']).optional(),
    twoFactor: z.boolean().optional(),
  })
  .loose();

export function loadDirectory(dataDir: string, versionOverride: string | undefined): Directory {
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory()) {
    throw new DataDirError(`data directory ${dataDir} does not exist`);
  }
  const server = readJsonFile(path.join(dataDir, 'server.json'), serverSchema) ?? {};
  const version = versionOverride ?? server.version ?? DEFAULT_VERSION;
  const accountsDir = path.join(dataDir, 'accounts');
  const emails = existsSync(accountsDir)
    ? readdirSync(accountsDir, { withFileTypes: true })
        .filter((e) => e.isDirectory() && e.name.includes('@'))
        .map((e) => e.name)
        .sort()
    : [];
  const defaultDomain = emails[0]?.split('@')[1]?.toLowerCase() ?? 'example.com';
  const adminEmail = (server.admin?.name ?? `admin@${defaultDomain}`).toLowerCase();
  const accounts = new Map<string, Account>();
  for (const dirName of emails) {
    const email = dirName.toLowerCase();
    const dir = path.join(accountsDir, dirName);
    const meta = readJsonFile(path.join(dir, 'account.json'), accountSchema) ?? {};
    const isAdmin = email === adminEmail;
    accounts.set(email, {
      email,
      id: accountId(email),
      displayName: meta.displayName,
      password: isAdmin
        ? (server.admin?.password ?? meta.password ?? DEFAULT_PASSWORD)
        : (meta.password ?? DEFAULT_PASSWORD),
      status: (meta.status ?? 'active') satisfies AccountStatus,
      twoFactor: meta.twoFactor ?? false,
      isAdmin,
      mailbox: buildMailbox(dir, email, version),
    });
  }
  let admin = accounts.get(adminEmail);
  if (!admin) {
    admin = {
      email: adminEmail,
      id: accountId(adminEmail),
      displayName: undefined,
      password: server.admin?.password ?? DEFAULT_PASSWORD,
      status: 'active',
      twoFactor: false,
      isAdmin: true,
      mailbox: emptyMailbox(adminEmail, version),
    };
    accounts.set(adminEmail, admin);
  }
  return { version, defaultDomain, admin, accounts };
}
