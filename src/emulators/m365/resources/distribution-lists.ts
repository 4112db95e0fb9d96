/**
 * Personal distribution lists, Graph beta (microsoft-graph.md §7, docs of 2026-06-09):
 * `POST /beta/users/{id}/distributionLists {displayName}`, `POST …/{id}/addMembers {members:[…]}`,
 * `GET …/{id}/distributionListMembers`. Off (Services.distributionLists) they answer as an unknown
 * segment, as Graph does where the API is not offered.
 */
import { randomUUID } from 'node:crypto';

import { jsonBody, metadataBase, param, type GraphContext } from '../context.ts';
import { badRequest, type GraphResponse, show, unknownSegment } from '../errors.ts';
import { entityResponse, etag, listResponse, noContent, ok, type Presenter } from '../odata-query.ts';
import { lookup, type Route } from '../router.ts';
import { checkProperties } from '../schema.ts';

const RECIPIENT_TYPES = ['contact', 'oneOff', 'mailbox', 'privateDL'];

interface Member {
  readonly id: string;
  readonly key: string;
  readonly routingType: string;
  readonly displayName: string;
  readonly recipientType: string;
}

function available(ctx: GraphContext): void {
  if (!ctx.services.distributionLists) throw unknownSegment('distributionLists');
}

const presenter: (ctx: GraphContext) => Presenter = (ctx) => (list) => ({
  '@odata.etag': etag(list),
  id: ctx.ids(list),
  displayName: list.data.displayName,
});

const membersOf = (data: Record<string, unknown>): Member[] => (data.members ?? []) as Member[];

function create(ctx: GraphContext): GraphResponse {
  available(ctx);
  const body = jsonBody(ctx);
  checkProperties(body, 'distributionList', ['displayName']);
  if (typeof body.displayName !== 'string' || body.displayName.trim() === '') {
    throw badRequest('The DisplayName property is required.', 'ErrorInvalidRequest');
  }
  const list = ctx.mailbox.distributionLists.add('', { displayName: body.displayName, members: [] });
  return entityResponse(ctx, `${metadataBase(ctx)}/distributionLists`, list, presenter(ctx), 201);
}

function addMembers(ctx: GraphContext): GraphResponse {
  available(ctx);
  const list = lookup(ctx.mailbox.distributionLists, param(ctx, 'list'));
  const { members } = jsonBody(ctx);
  if (!Array.isArray(members) || members.length === 0) {
    throw badRequest('members must be a non-empty array.', 'ErrorInvalidRequest');
  }
  const current = membersOf(list.data);
  for (const raw of members as Record<string, unknown>[]) {
    const key = raw.key;
    const recipientType = raw.recipientType ?? 'oneOff';
    if (typeof key !== 'string' || key.trim() === '')
      throw badRequest('A member needs a key.', 'ErrorInvalidRequest');
    if (typeof recipientType !== 'string' || !RECIPIENT_TYPES.includes(recipientType)) {
      throw badRequest(`Invalid recipientType '${show(recipientType)}'.`, 'ErrorInvalidRequest');
    }
    if (current.some((m) => m.key.toLowerCase() === key.toLowerCase())) continue;
    current.push({
      id: randomUUID(),
      key,
      routingType: typeof raw.routingType === 'string' ? raw.routingType : 'SMTP',
      displayName: typeof raw.displayName === 'string' ? raw.displayName : key,
      recipientType,
    });
  }
  list.data.members = current;
  return noContent();
}

export const distributionListRoutes: Route[] = [
  {
    method: 'GET',
    pattern: 'distributionLists',
    area: 'Contacts',
    betaOnly: true,
    handler: (ctx) => {
      available(ctx);
      return listResponse(
        ctx,
        `${metadataBase(ctx)}/distributionLists`,
        ctx.mailbox.distributionLists.list(),
        presenter(ctx),
      );
    },
  },
  { method: 'POST', pattern: 'distributionLists', area: 'Contacts', betaOnly: true, handler: create },
  {
    method: 'GET',
    pattern: 'distributionLists/:list',
    area: 'Contacts',
    betaOnly: true,
    handler: (ctx) => {
      available(ctx);
      const list = lookup(ctx.mailbox.distributionLists, param(ctx, 'list'));
      return entityResponse(ctx, `${metadataBase(ctx)}/distributionLists`, list, presenter(ctx));
    },
  },
  {
    method: 'POST',
    pattern: 'distributionLists/:list/addMembers',
    area: 'Contacts',
    betaOnly: true,
    handler: addMembers,
  },
  {
    method: 'GET',
    pattern: 'distributionLists/:list/distributionListMembers',
    area: 'Contacts',
    betaOnly: true,
    handler: (ctx) => {
      available(ctx);
      const list = lookup(ctx.mailbox.distributionLists, param(ctx, 'list'));
      return ok({ value: membersOf(list.data) });
    },
  },
];
