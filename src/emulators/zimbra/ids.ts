/** Deterministic identifiers: the same data dir always yields the same account ids and uuids. */
import { createHash } from 'node:crypto';

/** A version-5-shaped UUID derived from `text`, stable across restarts. */
function stableUuid(text: string): string {
  const hex = createHash('sha1').update(text).digest('hex');
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function accountId(email: string): string {
  return stableUuid(`zimbra-account:${email.toLowerCase()}`);
}

export function itemUuid(email: string, id: number): string {
  return stableUuid(`zimbra-item:${email.toLowerCase()}:${id}`);
}

/** Zimbra's flag letters in the order Flag.toString writes them (zm-mailbox Flag.FlagInfo). */
const FLAG_ORDER = 'sarwfdxnu!?/pt+^(*b#ivy~o@g';

export function canonicalFlags(flags: string): string {
  return [...new Set(flags)]
    .filter((c) => FLAG_ORDER.includes(c))
    .sort((a, b) => FLAG_ORDER.indexOf(a) - FLAG_ORDER.indexOf(b))
    .join('');
}
