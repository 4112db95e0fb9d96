import { jsonBody, metadataBase, param, type GraphContext } from '../context.ts';
import { GraphError, badRequest, type GraphResponse, show } from '../errors.ts';
import { entityResponse, listResponse, noContent, ok, type Presenter } from '../odata-query.ts';
import { lookup, type Route } from '../router.ts';
import { checkProperties } from '../schema.ts';
import { checkTimeZone } from '../time-zones.ts';

const STATUSES = ['disabled', 'alwaysEnabled', 'scheduled'];
const AUDIENCES = ['none', 'contactsOnly', 'all'];
const CATEGORY_COLORS = ['none', ...Array.from({ length: 25 }, (_, i) => `preset${i}`)];

function settingsBody(ctx: GraphContext): Record<string, unknown> {
  return { '@odata.context': `${metadataBase(ctx)}/mailboxSettings`, ...ctx.mailbox.settings };
}

function updateSettings(ctx: GraphContext): GraphResponse {
  const body = jsonBody(ctx);
  checkProperties(body, 'mailboxSettings');
  const replies = body.automaticRepliesSetting as Record<string, unknown> | undefined;
  if (replies !== undefined) {
    if (replies.status !== undefined && !STATUSES.includes(show(replies.status))) {
      throw badRequest(
        `The value '${show(replies.status)}' is not valid for automaticRepliesSetting.status.`,
        'RequestBodyRead',
      );
    }
    if (replies.externalAudience !== undefined && !AUDIENCES.includes(show(replies.externalAudience))) {
      throw badRequest(
        `The value '${show(replies.externalAudience)}' is not valid for automaticRepliesSetting.externalAudience.`,
        'RequestBodyRead',
      );
    }
    for (const name of ['scheduledStartDateTime', 'scheduledEndDateTime']) {
      const value = replies[name] as { timeZone?: unknown } | undefined;
      if (value !== undefined) checkTimeZone(value.timeZone);
    }
    const merged = {
      ...(ctx.mailbox.settings.automaticRepliesSetting as Record<string, unknown>),
      ...replies,
    };
    // A scheduled reply needs its window to end after it starts (EWS ResponseCodeType
    // ErrorInvalidScheduledOofDuration; Set-MailboxAutoReplyConfiguration refuses the same).
    if (merged.status === 'scheduled') {
      const instant = (value: unknown) => {
        const dateTime = (value as { dateTime?: unknown } | undefined)?.dateTime;
        return typeof dateTime === 'string' ? Date.parse(`${dateTime}Z`) : Number.NaN;
      };
      const start = instant(merged.scheduledStartDateTime);
      const end = instant(merged.scheduledEndDateTime);
      if (!(start < end)) {
        throw badRequest(
          'The scheduled end time must be later than the start time.',
          'ErrorInvalidScheduledOofDuration',
        );
      }
    }
    ctx.mailbox.settings.automaticRepliesSetting = merged;
  }
  if (body.timeZone !== undefined) ctx.mailbox.settings.timeZone = checkTimeZone(body.timeZone);
  for (const name of [
    'language',
    'workingHours',
    'dateFormat',
    'timeFormat',
    'delegateMeetingMessageDeliveryOptions',
  ]) {
    if (body[name] !== undefined) ctx.mailbox.settings[name] = body[name];
  }
  return ok(settingsBody(ctx));
}

function categoryPresenter(ctx: GraphContext): Presenter {
  return (category) => ({
    id: ctx.ids(category),
    displayName: category.data.displayName,
    color: category.data.color,
  });
}

function createCategory(ctx: GraphContext): GraphResponse {
  const body = jsonBody(ctx);
  checkProperties(body, 'outlookCategory');
  const name = body.displayName;
  if (typeof name !== 'string' || name.trim() === '') {
    throw badRequest('The displayName property is required.', 'ErrorInvalidParameter');
  }
  const color = body.color ?? 'none';
  if (!CATEGORY_COLORS.includes(show(color))) {
    throw badRequest(`The value '${show(color)}' is not a valid category color.`, 'RequestBodyRead');
  }
  if (
    ctx.mailbox.categories.list().some((c) => String(c.data.displayName).toLowerCase() === name.toLowerCase())
  ) {
    throw new GraphError(409, 'ErrorDuplicateItem', 'An object with the same name already exists.');
  }
  const category = ctx.mailbox.categories.add('', { displayName: name, color });
  return entityResponse(
    ctx,
    `${metadataBase(ctx)}/outlook/masterCategories`,
    category,
    categoryPresenter(ctx),
    201,
  );
}

function updateCategory(ctx: GraphContext): GraphResponse {
  const category = lookup(ctx.mailbox.categories, param(ctx, 'category'));
  const body = jsonBody(ctx);
  checkProperties(body, 'outlookCategory');
  if (body.displayName !== undefined && body.displayName !== category.data.displayName) {
    throw badRequest('The displayName of a category cannot be changed.', 'ErrorInvalidPropertyUpdate');
  }
  if (body.color !== undefined) {
    if (!CATEGORY_COLORS.includes(show(body.color))) {
      throw badRequest(`The value '${show(body.color)}' is not a valid category color.`, 'RequestBodyRead');
    }
    category.data.color = body.color;
  }
  return entityResponse(
    ctx,
    `${metadataBase(ctx)}/outlook/masterCategories`,
    category,
    categoryPresenter(ctx),
  );
}

export const mailboxSettingsRoutes: Route[] = [
  {
    method: 'GET',
    pattern: 'mailboxSettings',
    area: 'MailboxSettings',
    handler: (ctx) => ok(settingsBody(ctx)),
  },
  { method: 'PATCH', pattern: 'mailboxSettings', area: 'MailboxSettings', handler: updateSettings },
  {
    method: 'GET',
    pattern: 'mailboxSettings/:setting',
    area: 'MailboxSettings',
    handler: (ctx) => {
      const name = Object.keys(ctx.mailbox.settings).find(
        (key) => key.toLowerCase() === param(ctx, 'setting').toLowerCase(),
      );
      if (name === undefined) {
        throw new GraphError(
          400,
          'BadRequest',
          `Resource not found for the segment '${param(ctx, 'setting')}'.`,
        );
      }
      const value = ctx.mailbox.settings[name];
      return ok(
        typeof value === 'object' && value !== null
          ? { '@odata.context': `${metadataBase(ctx)}/mailboxSettings/${name}`, ...value }
          : { value },
      );
    },
  },
  {
    method: 'GET',
    pattern: 'outlook/masterCategories',
    area: 'MailboxSettings',
    handler: (ctx) =>
      listResponse(
        ctx,
        `${metadataBase(ctx)}/outlook/masterCategories`,
        ctx.mailbox.categories.list(),
        categoryPresenter(ctx),
        1000,
      ),
  },
  { method: 'POST', pattern: 'outlook/masterCategories', area: 'MailboxSettings', handler: createCategory },
  {
    method: 'GET',
    pattern: 'outlook/masterCategories/:category',
    area: 'MailboxSettings',
    handler: (ctx) =>
      entityResponse(
        ctx,
        `${metadataBase(ctx)}/outlook/masterCategories`,
        lookup(ctx.mailbox.categories, param(ctx, 'category')),
        categoryPresenter(ctx),
      ),
  },
  {
    method: 'PATCH',
    pattern: 'outlook/masterCategories/:category',
    area: 'MailboxSettings',
    handler: updateCategory,
  },
  {
    method: 'DELETE',
    pattern: 'outlook/masterCategories/:category',
    area: 'MailboxSettings',
    handler: (ctx) => {
      ctx.mailbox.categories.delete(lookup(ctx.mailbox.categories, param(ctx, 'category')));
      return noContent();
    },
  },
];
