/**
 * The content hash of a Zimbra contact: SHA-256 over a canonical form of everything the converter
 * reads (attributes sorted by name, tags, group members, the photo's type and bytes), so an
 * unchanged contact hashes the same in every pass whatever order Zimbra lists its attributes in.
 */
import { createHash } from 'node:crypto';
import type { SourceContact } from '../domain/pim.ts';

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function contactContentHash(contact: SourceContact): string {
  const attrs = Object.keys(contact.attrs)
    .sort(byText)
    .map((key) => [key, contact.attrs[key]]);
  const members = contact.groupMembers
    .map((m) => [m.address, m.name ?? null] as const)
    .sort((a, b) => byText(a[0], b[0]) || byText(a[1] ?? '', b[1] ?? ''));
  const canonical = JSON.stringify({
    attrs,
    tags: [...contact.ref.tags].sort(byText),
    members,
    photo: contact.photo === undefined ? null : { contentType: contact.photo.contentType },
  });
  const hash = createHash('sha256').update(canonical);
  if (contact.photo !== undefined) hash.update(contact.photo.bytes);
  return hash.digest('hex');
}
