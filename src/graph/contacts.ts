import type { ConvertedContact } from '../domain/pim.ts';
import { GraphRequestError } from './graph-error.ts';
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
  update(folderId: string, id: string, contact: ConvertedContact): Promise<string>;
  remove(id: string): Promise<void>;
}

const isNotFound = (error: unknown) => error instanceof GraphRequestError && error.failure.status === 404;

export function createContacts(transport: GraphTransport, userPrincipalName: string): Contacts {
  const base = userPath(userPrincipalName);
  const mailbox = userPrincipalName;
  const contactPath = (id: string) => `${base}/contacts/${segment(id)}`;

  /**
   * A photo over the limit would fail the whole request; the contact goes without it (the
   * conversion already noted that for the admin).
   */
  const sendable = ({ photo }: ConvertedContact) =>
    photo !== undefined && photo.bytes.byteLength <= MAX_CONTACT_PHOTO_BYTES ? photo : undefined;

  async function putPhoto(id: string, photo: NonNullable<ConvertedContact['photo']>): Promise<void> {
    await transport.request({
      method: 'PUT',
      path: `${contactPath(id)}/photo/$value`,
      mailbox,
      bytes: photo.bytes,
      headers: { 'content-type': photo.contentType },
    });
  }

  /** GET …/photo answers 404 ErrorItemNotFound for a contact without one. */
  async function hasPhoto(id: string): Promise<boolean> {
    try {
      await transport.request({ method: 'GET', path: `${contactPath(id)}/photo`, mailbox });
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async function remove(id: string): Promise<void> {
    try {
      await transport.request({ method: 'DELETE', path: contactPath(id), mailbox, repeatable: true });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async function create(folderId: string, converted: ConvertedContact): Promise<string> {
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
        await remove(id).catch(() => undefined);
        throw error;
      }
    }
    return id;
  }

  return {
    create,
    remove,

    async update(folderId, id, converted) {
      try {
        await transport.request({
          method: 'PATCH',
          path: contactPath(id),
          mailbox,
          json: { ...CLEARED_CONTACT, ...converted.contact },
        });
      } catch (error) {
        // Ferry's copy is gone (a rebuild interrupted between its delete and create): the source still has it.
        if (isNotFound(error)) return create(folderId, converted);
        throw error;
      }
      const photo = sendable(converted);
      if (photo !== undefined) {
        await putPhoto(id, photo);
        return id;
      }
      if (!(await hasPhoto(id))) return id;
      // Graph deletes the photos of users and groups only, never a contact's: the contact is built
      // again without it. Delete first, so an interruption never leaves two copies with one stamp.
      await remove(id);
      return create(folderId, converted);
    },
  };
}
