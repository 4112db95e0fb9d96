import type { ConvertedContact } from '../domain/pim.ts';
import { segment, userPath } from './graph-paths.ts';
import { contactsPath } from './pim-containers.ts';
import type { GraphTransport } from './transport.ts';

/** One request carries at most 4 MB (microsoft-graph.md §0, §7), and a photo goes in one PUT. */
export const MAX_CONTACT_PHOTO_BYTES = 4 * 1024 * 1024;

/**
 * The v1.0 contact fields Ferry writes, with the value that empties each. An update sends every one
 * of them, so a field removed in Zimbra is removed in Outlook too (PATCH leaves unnamed fields alone).
 */
const EMPTY_ADDRESS = { street: null, city: null, state: null, postalCode: null, countryOrRegion: null };
const CLEARED_CONTACT: Readonly<Record<string, unknown>> = {
  ...Object.fromEntries(
    [
      'givenName',
      'surname',
      'middleName',
      'displayName',
      'fileAs',
      'initials',
      'nickName',
      'title',
      'generation',
      'yomiGivenName',
      'yomiSurname',
      'yomiCompanyName',
      'companyName',
      'department',
      'jobTitle',
      'officeLocation',
      'profession',
      'manager',
      'assistantName',
      'businessHomePage',
      'spouseName',
      'birthday',
      'mobilePhone',
      'personalNotes',
    ].map((name) => [name, null]),
  ),
  ...Object.fromEntries(
    ['emailAddresses', 'businessPhones', 'homePhones', 'imAddresses', 'children', 'categories'].map(
      (name) => [name, []],
    ),
  ),
  businessAddress: EMPTY_ADDRESS,
  homeAddress: EMPTY_ADDRESS,
  otherAddress: EMPTY_ADDRESS,
};

export interface Contacts {
  create(folderId: string, contact: ConvertedContact): Promise<string>;
  update(id: string, contact: ConvertedContact): Promise<void>;
}

export function createContacts(transport: GraphTransport, userPrincipalName: string): Contacts {
  const base = userPath(userPrincipalName);
  const mailbox = userPrincipalName;

  /**
   * A photo over the limit would fail the whole request; the contact goes without it (the
   * conversion already noted that for the admin).
   */
  const sendable = ({ photo }: ConvertedContact) =>
    photo !== undefined && photo.bytes.byteLength <= MAX_CONTACT_PHOTO_BYTES ? photo : undefined;

  async function putPhoto(id: string, photo: NonNullable<ConvertedContact['photo']>): Promise<void> {
    await transport.request({
      method: 'PUT',
      path: `${base}/contacts/${segment(id)}/photo/$value`,
      mailbox,
      bytes: photo.bytes,
      headers: { 'content-type': photo.contentType },
    });
  }

  return {
    async create(folderId, converted) {
      const photo = sendable(converted);
      const created = await transport.request<{ id: string }>({
        method: 'POST',
        path: contactsPath(base, folderId),
        mailbox,
        json: converted.contact,
        // An unknown outcome surfaces as mayHaveSucceeded: the engine looks the stamp up first.
        repeatable: false,
      });
      const id = created.body.id;
      if (photo !== undefined) {
        try {
          await putPhoto(id, photo);
        } catch (error) {
          // The contact carries its stamp: a retry would find it and never add the photo. Remove it.
          await transport
            .request({ method: 'DELETE', path: `${base}/contacts/${segment(id)}`, mailbox, repeatable: true })
            .catch(() => undefined);
          throw error;
        }
      }
      return id;
    },

    async update(id, converted) {
      await transport.request({
        method: 'PATCH',
        path: `${base}/contacts/${segment(id)}`,
        mailbox,
        json: { ...CLEARED_CONTACT, ...converted.contact },
      });
      const photo = sendable(converted);
      if (photo !== undefined) await putPhoto(id, photo);
    },
  };
}
