/**
 * Contact group members: vCard MEMBER references become Zimbra `m` members — C a local contact
 * (`urn:uuid:` of a contact in the mailbox), G a GAL entry (an LDAP DN such as
 * `uid=bob,ou=people,dc=example,dc=com`), I an inline address (`mailto:`, or anything else).
 */
import type { ContactItem, ContactMember } from './model.ts';

export function resolveGroupMembers(contacts: readonly ContactItem[]): ContactItem[] {
  const byUid = new Map<string, ContactItem>();
  for (const contact of contacts) {
    const uid = contact.attrs['vcardUID'];
    if (typeof uid === 'string') byUid.set(uid.replace(/^urn:uuid:/i, '').toLowerCase(), contact);
  }
  return contacts
    .filter((c) => c.members.length > 0)
    .map((group) => ({ ...group, members: group.members.map((m) => resolve(m.value, byUid)) }));
}

function resolve(ref: string, byUid: Map<string, ContactItem>): ContactMember {
  if (/^mailto:/i.test(ref)) return { type: 'I', value: ref.replace(/^mailto:/i, '') };
  if (/^uid=[^,]+,/i.test(ref)) return { type: 'G', value: ref };
  const target = byUid.get(ref.replace(/^urn:uuid:/i, '').toLowerCase());
  return target ? { type: 'C', value: String(target.id) } : { type: 'I', value: ref };
}
