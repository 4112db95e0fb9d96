import { jsonBody, metadataBase, param, type GraphContext } from '../context.ts';
import { GraphError, badRequest, type GraphResponse } from '../errors.ts';
import { parseExtendedProperties, storeExtendedProperties } from '../extended-properties.ts';
import { newChangeKey, type StoredItem } from '../item-store.ts';
import { entityResponse, etag, listResponse, noContent, ok, type Presenter } from '../odata-query.ts';
import { lookup, type Route } from '../router.ts';
import { checkProperties } from '../schema.ts';

/** Exchange's caps on multi-value contact properties [O: EmailAddresses 3, BusinessPhones 2; U: others]. */
const MULTI_VALUE_LIMITS: Readonly<Record<string, [string, number]>> = {
  emailAddresses: ['EmailAddresses', 3],
  businessPhones: ['BusinessPhones', 2],
  homePhones: ['HomePhones', 2],
  imAddresses: ['ImAddresses', 3],
};

const CONTACT_DEFAULTS = {
  birthday: null,
  fileAs: '',
  displayName: '',
  givenName: null,
  initials: null,
  middleName: null,
  nickName: null,
  surname: null,
  title: null,
  yomiGivenName: null,
  yomiSurname: null,
  yomiCompanyName: null,
  generation: null,
  imAddresses: [],
  jobTitle: null,
  companyName: null,
  department: null,
  officeLocation: null,
  profession: null,
  businessHomePage: null,
  assistantName: null,
  manager: null,
  homePhones: [],
  mobilePhone: null,
  businessPhones: [],
  spouseName: null,
  personalNotes: '',
  children: [],
  emailAddresses: [],
  homeAddress: {},
  businessAddress: {},
  otherAddress: {},
};

const stamp = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

function checkLimits(body: Record<string, unknown>): void {
  for (const [name, [label, max]] of Object.entries(MULTI_VALUE_LIMITS)) {
    const value = body[name];
    if (Array.isArray(value) && value.length > max) {
      throw badRequest(
        `The multi value property ${label} has ${value.length} entries, that exceeds the max allowed value of ${max}`,
        'ErrorInvalidArgument',
      );
    }
  }
}

/** A contact folder by id, or the default folder under the well-known name `contacts`. */
export function resolveContactFolder(ctx: GraphContext, id: string): StoredItem {
  return id.toLowerCase() === 'contacts'
    ? ctx.mailbox.rootContactFolder
    : lookup(ctx.mailbox.contactFolders, id);
}

function folderPresenter(ctx: GraphContext): Presenter {
  return (folder) => {
    const parent = ctx.mailbox.contactFolders.get(folder.containerId);
    return {
      id: ctx.ids(folder),
      displayName: folder.data.displayName,
      parentFolderId: parent === undefined ? null : ctx.ids(parent),
    };
  };
}

function contactPresenter(ctx: GraphContext): Presenter {
  return (item) => {
    const folder = ctx.mailbox.contactFolders.get(item.containerId);
    return {
      '@odata.etag': etag(item),
      id: ctx.ids(item),
      changeKey: item.changeKey,
      categories: [],
      ...CONTACT_DEFAULTS,
      ...item.data,
      parentFolderId: folder === undefined ? null : ctx.ids(folder),
    };
  };
}

function createFolder(ctx: GraphContext, parent: StoredItem): GraphResponse {
  const body = jsonBody(ctx);
  checkProperties(body, 'contactFolder');
  const name = body.displayName;
  if (typeof name !== 'string' || name.trim() === '') {
    throw badRequest('The DisplayName property is required.', 'ErrorInvalidFolderName');
  }
  if (
    ctx.mailbox.contactFolders
      .list(parent.immutableId)
      .some((f) => String(f.data.displayName).toLowerCase() === name.toLowerCase())
  ) {
    throw new GraphError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
  }
  const folder = ctx.mailbox.contactFolders.add(parent.immutableId, { displayName: name });
  storeExtendedProperties(folder, parseExtendedProperties(body.singleValueExtendedProperties));
  return entityResponse(ctx, `${metadataBase(ctx)}/contactFolders`, folder, folderPresenter(ctx), 201);
}

function createContact(ctx: GraphContext, folder: StoredItem): GraphResponse {
  const body = jsonBody(ctx);
  checkProperties(body, 'contact');
  checkLimits(body);
  const properties = parseExtendedProperties(body.singleValueExtendedProperties);
  const data: Record<string, unknown> = { createdDateTime: stamp(), lastModifiedDateTime: stamp() };
  for (const [name, value] of Object.entries(body)) {
    if (
      !name.includes('@odata') &&
      ![
        'id',
        'singleValueExtendedProperties',
        'multiValueExtendedProperties',
        'extensions',
        'parentFolderId',
      ].includes(name)
    ) {
      data[name] = value;
    }
  }
  const contact = ctx.mailbox.contacts.add(folder.immutableId, data);
  storeExtendedProperties(contact, properties);
  return entityResponse(ctx, `${metadataBase(ctx)}/contacts`, contact, contactPresenter(ctx), 201);
}

function updateContact(ctx: GraphContext): GraphResponse {
  const contact = lookup(ctx.mailbox.contacts, param(ctx, 'contact'));
  const body = jsonBody(ctx);
  checkProperties(body, 'contact');
  checkLimits(body);
  for (const [name, value] of Object.entries(body)) {
    if (name === 'singleValueExtendedProperties') {
      storeExtendedProperties(contact, parseExtendedProperties(value));
    } else if (!name.includes('@odata') && name !== 'id') contact.data[name] = value;
  }
  contact.data.lastModifiedDateTime = stamp();
  contact.changeKey = newChangeKey();
  return entityResponse(ctx, `${metadataBase(ctx)}/contacts`, contact, contactPresenter(ctx));
}

/** PUT …/contacts/{id}/photo/$value: the raw image bytes [D]. */
function putPhoto(ctx: GraphContext): GraphResponse {
  const contact = lookup(ctx.mailbox.contacts, param(ctx, 'contact'));
  const contentType = (ctx.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!contentType.startsWith('image/')) {
    throw badRequest(`The content type '${contentType}' is not an image type.`, 'ErrorInvalidRequest');
  }
  if (ctx.body.length === 0) throw badRequest('The photo is empty.', 'ErrorInvalidRequest');
  ctx.mailbox.contactPhotos.set(contact.immutableId, { contentType, bytes: Buffer.from(ctx.body) });
  contact.changeKey = newChangeKey();
  return ok(undefined, 200);
}

function getPhoto(ctx: GraphContext): GraphResponse {
  const contact = lookup(ctx.mailbox.contacts, param(ctx, 'contact'));
  const photo = ctx.mailbox.contactPhotos.get(contact.immutableId);
  if (photo === undefined) throw new GraphError(404, 'ErrorItemNotFound', 'The photo wasn’t found.');
  return { status: 200, headers: { 'Content-Type': photo.contentType }, body: photo.bytes };
}

/**
 * GET …/contacts/{id}/photo: the photo's metadata, 404 when the contact has none [D profilephoto-get].
 * Exchange also reports the pixel size (and an id naming it); the emulator decodes no image and
 * answers null sizes [U].
 * DELETE on the photo is refused like any method Graph lacks: it removes user and group photos only
 * [D profilephoto-delete].
 */
function getPhotoMetadata(ctx: GraphContext): GraphResponse {
  const contact = lookup(ctx.mailbox.contacts, param(ctx, 'contact'));
  const photo = ctx.mailbox.contactPhotos.get(contact.immutableId);
  if (photo === undefined) throw new GraphError(404, 'ErrorItemNotFound', 'The photo wasn’t found.');
  return ok({
    '@odata.context': `${metadataBase(ctx)}/contacts('${ctx.ids(contact)}')/photo/$entity`,
    '@odata.mediaContentType': photo.contentType,
    '@odata.mediaEtag': `"${contact.changeKey}"`,
    id: 'default',
    height: null,
    width: null,
  });
}

const folderOf = (ctx: GraphContext) => resolveContactFolder(ctx, param(ctx, 'folder'));
const contacts = (ctx: GraphContext, folder?: StoredItem) =>
  listResponse(
    ctx,
    `${metadataBase(ctx)}/contacts`,
    ctx.mailbox.contacts.list(folder?.immutableId),
    contactPresenter(ctx),
  );
const folders = (ctx: GraphContext, parent: StoredItem) =>
  listResponse(
    ctx,
    `${metadataBase(ctx)}/contactFolders`,
    ctx.mailbox.contactFolders.list(parent.immutableId),
    folderPresenter(ctx),
  );

export const contactRoutes: Route[] = [
  {
    method: 'GET',
    pattern: 'contactFolders',
    area: 'Contacts',
    handler: (ctx) => folders(ctx, ctx.mailbox.rootContactFolder),
  },
  {
    method: 'POST',
    pattern: 'contactFolders',
    area: 'Contacts',
    handler: (ctx) => createFolder(ctx, ctx.mailbox.rootContactFolder),
  },
  {
    method: 'GET',
    pattern: 'contactFolders/:folder',
    area: 'Contacts',
    handler: (ctx) =>
      entityResponse(ctx, `${metadataBase(ctx)}/contactFolders`, folderOf(ctx), folderPresenter(ctx)),
  },
  {
    method: 'DELETE',
    pattern: 'contactFolders/:folder',
    area: 'Contacts',
    handler: (ctx) => {
      const folder = folderOf(ctx);
      if (folder === ctx.mailbox.rootContactFolder) {
        throw new GraphError(
          403,
          'ErrorDeleteDistinguishedFolder',
          'Distinguished folders cannot be deleted.',
        );
      }
      for (const contact of ctx.mailbox.contacts.list(folder.immutableId)) {
        ctx.mailbox.contacts.delete(contact);
      }
      ctx.mailbox.contactFolders.delete(folder);
      return noContent();
    },
  },
  {
    method: 'GET',
    pattern: 'contactFolders/:folder/childFolders',
    area: 'Contacts',
    handler: (ctx) => folders(ctx, folderOf(ctx)),
  },
  {
    method: 'POST',
    pattern: 'contactFolders/:folder/childFolders',
    area: 'Contacts',
    handler: (ctx) => createFolder(ctx, folderOf(ctx)),
  },
  {
    method: 'GET',
    pattern: 'contactFolders/:folder/contacts',
    area: 'Contacts',
    handler: (ctx) => contacts(ctx, folderOf(ctx)),
  },
  {
    method: 'POST',
    pattern: 'contactFolders/:folder/contacts',
    area: 'Contacts',
    handler: (ctx) => createContact(ctx, folderOf(ctx)),
  },
  // "Get contacts from the default contacts folder" [D: user-list-contacts].
  {
    method: 'GET',
    pattern: 'contacts',
    area: 'Contacts',
    handler: (ctx) => contacts(ctx, ctx.mailbox.rootContactFolder),
  },
  {
    method: 'POST',
    pattern: 'contacts',
    area: 'Contacts',
    handler: (ctx) => createContact(ctx, ctx.mailbox.rootContactFolder),
  },
  ...['contacts/:contact', 'contactFolders/:folder/contacts/:contact'].flatMap((pattern): Route[] => [
    {
      method: 'GET',
      pattern,
      area: 'Contacts',
      handler: (ctx) =>
        entityResponse(
          ctx,
          `${metadataBase(ctx)}/contacts`,
          lookup(ctx.mailbox.contacts, param(ctx, 'contact')),
          contactPresenter(ctx),
        ),
    },
    { method: 'PATCH', pattern, area: 'Contacts', handler: updateContact },
    {
      method: 'DELETE',
      pattern,
      area: 'Contacts',
      handler: (ctx) => {
        const contact = lookup(ctx.mailbox.contacts, param(ctx, 'contact'));
        ctx.mailbox.contacts.delete(contact);
        ctx.mailbox.contactPhotos.delete(contact.immutableId);
        return noContent();
      },
    },
    { method: 'PUT', pattern: `${pattern}/photo/$value`, area: 'Contacts', handler: putPhoto },
    { method: 'GET', pattern: `${pattern}/photo/$value`, area: 'Contacts', handler: getPhoto },
    { method: 'GET', pattern: `${pattern}/photo`, area: 'Contacts', handler: getPhotoMetadata },
  ]),
];
