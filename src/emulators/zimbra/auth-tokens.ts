/**
 * Auth tokens shaped like Zimbra's: 0_<40 hex HMAC>_<hex of "id=36:<zimbraId>;exp=13:<ms>;type=6:zimbra;…">.
 * Signed with a per-process key; revocation (logout, the `revoke` fault) unregisters the token id.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface TokenClaims {
  readonly accountId: string;
  readonly expires: number;
  readonly admin: boolean;
  /** zimbraId of the admin who obtained a delegated token. */
  readonly adminId: string | undefined;
  /** "2fa" marks the limited token of the first two-factor step. */
  readonly usage: 'auth' | '2fa';
  readonly tokenId: number;
}

export type TokenCheck =
  | { readonly ok: true; readonly claims: TokenClaims }
  | { readonly ok: false; readonly reason: 'invalid' | 'expired' };

export interface TokenStore {
  issue(claims: Omit<TokenClaims, 'tokenId'>): string;
  check(token: string, now: number): TokenCheck;
  revoke(token: string): void;
}

function encodeData(fields: Record<string, string>): string {
  const text = Object.entries(fields)
    .map(([k, v]) => `${k}=${v.length}:${v}`)
    .join(';');
  return Buffer.from(text, 'utf8').toString('hex');
}

function decodeData(hex: string): Map<string, string> | undefined {
  if (!/^[0-9a-f]*$/i.test(hex) || hex.length % 2 !== 0) return undefined;
  const text = Buffer.from(hex, 'hex').toString('utf8');
  const fields = new Map<string, string>();
  let pos = 0;
  while (pos < text.length) {
    const eq = text.indexOf('=', pos);
    const colon = text.indexOf(':', eq);
    if (eq < 0 || colon < 0) return undefined;
    const len = Number(text.slice(eq + 1, colon));
    if (!Number.isInteger(len)) return undefined;
    fields.set(text.slice(pos, eq), text.slice(colon + 1, colon + 1 + len));
    pos = colon + 1 + len + 1;
  }
  return fields;
}

export function createTokenStore(): TokenStore {
  const key = randomBytes(32);
  const revoked = new Set<number>();
  let nextTokenId = Math.floor(Math.random() * 1_000_000_000);
  const sign = (data: string): string => createHmac('sha1', key).update(data).digest('hex');
  return {
    issue(claims) {
      const fields: Record<string, string> = {
        id: claims.accountId,
        exp: String(claims.expires),
        type: 'zimbra',
      };
      if (claims.admin) fields['admin'] = '1';
      if (claims.adminId) fields['aid'] = claims.adminId;
      if (claims.usage === '2fa') fields['u'] = '2fa';
      fields['tid'] = String(nextTokenId++);
      fields['version'] = '3';
      const data = encodeData(fields);
      return `0_${sign(data)}_${data}`;
    },
    check(token, now) {
      const match = /^0_([0-9a-f]{40})_([0-9a-f]+)$/i.exec(token.trim());
      if (!match) return { ok: false, reason: 'invalid' };
      const [, mac = '', data = ''] = match;
      const expected = Buffer.from(sign(data), 'hex');
      if (!timingSafeEqual(Buffer.from(mac.toLowerCase(), 'hex'), expected)) {
        return { ok: false, reason: 'invalid' };
      }
      const fields = decodeData(data);
      const accountId = fields?.get('id');
      const tokenId = Number(fields?.get('tid'));
      const expires = Number(fields?.get('exp'));
      if (!fields || !accountId || !Number.isFinite(expires)) return { ok: false, reason: 'invalid' };
      if (expires <= now || revoked.has(tokenId)) return { ok: false, reason: 'expired' };
      return {
        ok: true,
        claims: {
          accountId,
          expires,
          admin: fields.get('admin') === '1',
          adminId: fields.get('aid'),
          usage: fields.get('u') === '2fa' ? '2fa' : 'auth',
          tokenId,
        },
      };
    },
    revoke(token) {
      const data = /^0_[0-9a-f]{40}_([0-9a-f]+)$/i.exec(token.trim())?.[1];
      const tid = data ? Number(decodeData(data)?.get('tid')) : NaN;
      if (Number.isFinite(tid)) revoked.add(tid);
    },
  };
}
