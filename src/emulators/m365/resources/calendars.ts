import { jsonBody, metadataBase, param, type GraphContext } from '../context.ts';
import { GraphError, badRequest, type GraphResponse, show } from '../errors.ts';
import { parseExtendedProperties, storeExtendedProperties } from '../extended-properties.ts';
import type { StoredItem } from '../item-store.ts';
import { entityResponse, etag, listResponse, noContent, type Presenter } from '../odata-query.ts';
import { lookup, type Route } from '../router.ts';
import { checkProperties } from '../schema.ts';

const COLORS = [
  'auto',
  'lightBlue',
  'lightGreen',
  'lightOrange',
  'lightGray',
  'lightYellow',
  'lightTeal',
  'lightPink',
  'lightBrown',
  'lightRed',
  'maxColor',
];

export function resolveCalendar(ctx: GraphContext, id: string): StoredItem {
  return lookup(ctx.mailbox.calendars, id);
}

function presenter(ctx: GraphContext): Presenter {
  const owner = ctx.mailbox.user;
  return (calendar) => ({
    '@odata.etag': etag(calendar),
    id: ctx.ids(calendar),
    name: calendar.data.name,
    color: calendar.data.color ?? 'auto',
    hexColor: '',
    isDefaultCalendar: calendar === ctx.mailbox.defaultCalendar,
    changeKey: calendar.changeKey,
    canShare: true,
    canViewPrivateItems: true,
    canEdit: true,
    allowedOnlineMeetingProviders: ['teamsForBusiness'],
    defaultOnlineMeetingProvider: 'teamsForBusiness',
    isTallyingResponses: true,
    isRemovable: calendar !== ctx.mailbox.defaultCalendar,
    owner: { name: owner.displayName, address: owner.userPrincipalName },
  });
}

function create(ctx: GraphContext): GraphResponse {
  const body = jsonBody(ctx);
  checkProperties(body, 'calendar');
  const name = body.name;
  if (typeof name !== 'string' || name.trim() === '') {
    throw badRequest('The Name property is required.', 'ErrorInvalidFolderName');
  }
  if (body.color !== undefined && !COLORS.includes(show(body.color))) {
    throw badRequest(`Invalid color '${show(body.color)}'.`, 'RequestBodyRead');
  }
  if (ctx.mailbox.calendars.list().some((c) => String(c.data.name).toLowerCase() === name.toLowerCase())) {
    throw new GraphError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
  }
  const calendar = ctx.mailbox.calendars.add('', { name, color: body.color ?? 'auto' });
  storeExtendedProperties(calendar, parseExtendedProperties(body.singleValueExtendedProperties));
  return entityResponse(ctx, `${metadataBase(ctx)}/calendars`, calendar, presenter(ctx), 201);
}

export const calendarRoutes: Route[] = [
  {
    method: 'GET',
    pattern: 'calendars',
    area: 'Calendars',
    handler: (ctx) =>
      listResponse(ctx, `${metadataBase(ctx)}/calendars`, ctx.mailbox.calendars.list(), presenter(ctx)),
  },
  { method: 'POST', pattern: 'calendars', area: 'Calendars', handler: create },
  {
    method: 'GET',
    pattern: 'calendar',
    area: 'Calendars',
    handler: (ctx) =>
      entityResponse(ctx, `${metadataBase(ctx)}/calendars`, ctx.mailbox.defaultCalendar, presenter(ctx)),
  },
  {
    method: 'GET',
    pattern: 'calendars/:calendar',
    area: 'Calendars',
    handler: (ctx) =>
      entityResponse(
        ctx,
        `${metadataBase(ctx)}/calendars`,
        resolveCalendar(ctx, param(ctx, 'calendar')),
        presenter(ctx),
      ),
  },
  {
    method: 'DELETE',
    pattern: 'calendars/:calendar',
    area: 'Calendars',
    handler: (ctx) => {
      const calendar = resolveCalendar(ctx, param(ctx, 'calendar'));
      if (calendar === ctx.mailbox.defaultCalendar) {
        throw new GraphError(
          403,
          'ErrorDeleteDistinguishedFolder',
          'Distinguished folders cannot be deleted.',
        );
      }
      for (const event of ctx.mailbox.events.list(calendar.immutableId)) ctx.mailbox.events.delete(event);
      ctx.mailbox.calendars.delete(calendar);
      return noContent();
    },
  },
];
