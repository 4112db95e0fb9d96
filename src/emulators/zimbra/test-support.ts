/** Helpers for the emulator's own tests: a temporary data dir and raw SOAP/REST calls over fetch. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function makeDataDir(files: Record<string, string | Buffer>): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'zimbra-emu-'));
  for (const [name, content] of Object.entries(files)) {
    const full = path.join(dir, name);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface SoapCall {
  readonly status: number;
  readonly json: Record<string, unknown>;
  /** The single element inside Body (a response or a Fault). */
  readonly body: Record<string, unknown>;
}

export async function soap(
  url: string,
  request: Record<string, unknown>,
  options: { token?: string; cookie?: string; account?: string; path?: string } = {},
): Promise<SoapCall> {
  const context: Record<string, unknown> = { _jsns: 'urn:zimbra' };
  if (options.token) context['authToken'] = { _content: options.token };
  if (options.account) context['account'] = { by: 'name', _content: options.account };
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (options.cookie) headers['Cookie'] = options.cookie;
  const response = await fetch(`${url}${options.path ?? '/service/soap'}`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ Header: { context }, Body: request }),
  });
  const json = (await response.json()) as Record<string, unknown>;
  const body = json['Body'] as Record<string, Record<string, unknown>>;
  const first = Object.values(body)[0] ?? {};
  return { status: response.status, json, body: first };
}

export function faultCode(call: SoapCall): string | undefined {
  const detail = call.body['Detail'] as { Error?: { Code?: string } } | undefined;
  return detail?.Error?.Code;
}

export async function login(url: string, name: string, password = 'test123'): Promise<string> {
  const call = await soap(url, {
    AuthRequest: { _jsns: 'urn:zimbraAccount', account: { by: 'name', _content: name }, password },
  });
  const token = (call.body['authToken'] as { _content: string }[] | undefined)?.[0]?._content;
  if (!token) throw new Error(`login failed for ${name}: ${JSON.stringify(call.json)}`);
  return token;
}

export async function adminLogin(adminUrl: string, name: string, password = 'test123'): Promise<string> {
  const call = await soap(
    adminUrl,
    { AuthRequest: { _jsns: 'urn:zimbraAdmin', name, password } },
    { path: '/service/admin/soap' },
  );
  const token = (call.body['authToken'] as { _content: string }[] | undefined)?.[0]?._content;
  if (!token) throw new Error(`admin login failed: ${JSON.stringify(call.json)}`);
  return token;
}
