import { jsonBody, metadataBase, param, type GraphContext } from '../context.ts';
import { GraphError, badRequest, type GraphResponse, show } from '../errors.ts';
import { newChangeKey } from '../item-store.ts';
import { entityResponse, listResponse, noContent, type Presenter } from '../odata-query.ts';
import { lookup, type Route } from '../router.ts';
import { checkProperties } from '../schema.ts';
import { resolveMailFolder } from './mail-folders.ts';

/** Inbox rules live only under the inbox [D]. */
function checkInbox(ctx: GraphContext): void {
  const folder = resolveMailFolder(ctx.mailbox, param(ctx, 'folder'));
  if (folder.immutableId !== ctx.mailbox.wellKnown.get('inbox')) {
    throw new GraphError(400, 'ErrorInvalidRequest', 'Message rules are supported only on the Inbox folder.');
  }
}

function presenter(ctx: GraphContext): Presenter {
  return (rule) => ({
    id: ctx.ids(rule),
    isReadOnly: false,
    hasError: false,
    isEnabled: true,
    conditions: {},
    exceptions: {},
    actions: {},
    ...rule.data,
  });
}

/**
 * Property names of messageRulePredicates and messageRuleActions (Graph v1.0 metadata, [D]
 * resources/messagerulepredicates, resources/messageruleactions): both are closed complex types,
 * so an unknown name is refused as any undeclared property is (RequestBodyRead).
 */
const PREDICATES = [
  'bodyContains',
  'bodyOrSubjectContains',
  'categories',
  'fromAddresses',
  'hasAttachments',
  'headerContains',
  'importance',
  'isApprovalRequest',
  'isAutomaticForward',
  'isAutomaticReply',
  'isEncrypted',
  'isMeetingRequest',
  'isMeetingResponse',
  'isNonDeliveryReport',
  'isPermissionControlled',
  'isReadReceipt',
  'isSigned',
  'isVoicemail',
  'messageActionFlag',
  'notSentToMe',
  'recipientContains',
  'senderContains',
  'sensitivity',
  'sentCcMe',
  'sentOnlyToMe',
  'sentToAddresses',
  'sentToMe',
  'sentToOrCcMe',
  'subjectContains',
  'withinSizeRange',
];
const ACTIONS = [
  'assignCategories',
  'copyToFolder',
  'delete',
  'forwardAsAttachmentTo',
  'forwardTo',
  'markAsRead',
  'markImportance',
  'moveToFolder',
  'permanentDelete',
  'redirectTo',
  'stopProcessingRules',
];
const RECIPIENT_LISTS = [
  'fromAddresses',
  'sentToAddresses',
  'forwardTo',
  'forwardAsAttachmentTo',
  'redirectTo',
];
const IMPORTANCE = ['low', 'normal', 'high'];

/** A complex value of the rule: only its type's properties, each of the documented type. */
function checkComplex(value: unknown, typeName: string, allowed: readonly string[]): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest(
      `Cannot convert the literal to the expected type 'microsoft.graph.${typeName}'.`,
      'RequestBodyRead',
    );
  }
  for (const [name, item] of Object.entries(value)) {
    if (!allowed.includes(name)) {
      throw badRequest(
        `The property '${name}' does not exist on type 'microsoft.graph.${typeName}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
        'RequestBodyRead',
      );
    }
    if (RECIPIENT_LISTS.includes(name)) {
      // recipient: {emailAddress: {address, name}} [D resources/recipient].
      const ok =
        Array.isArray(item) &&
        item.every(
          (r) =>
            typeof r === 'object' &&
            r !== null &&
            typeof (r as { emailAddress?: { address?: unknown } }).emailAddress?.address === 'string',
        );
      if (!ok) throw badRequest(`The ${name} value must be a list of recipients.`, 'ErrorInvalidRecipients');
    }
    if ((name === 'importance' || name === 'markImportance') && !IMPORTANCE.includes(show(item))) {
      throw badRequest(`The value '${show(item)}' is not valid for ${name}.`, 'RequestBodyRead');
    }
    if (name === 'withinSizeRange') {
      // sizeRange: minimumSize and maximumSize in kilobytes, Int32 [D resources/sizerange].
      const range = item as { minimumSize?: unknown; maximumSize?: unknown };
      for (const bound of [range.minimumSize, range.maximumSize]) {
        if (bound !== undefined && bound !== null && !Number.isInteger(bound)) {
          throw badRequest('The size range bounds must be integers.', 'RequestBodyRead');
        }
      }
    }
  }
}

/** Checks the folder ids a rule's actions name. */
function checkActions(ctx: GraphContext, actions: unknown): void {
  checkComplex(actions, 'messageRuleActions', ACTIONS);
  const { moveToFolder, copyToFolder } = (actions ?? {}) as {
    moveToFolder?: unknown;
    copyToFolder?: unknown;
  };
  for (const folder of [moveToFolder, copyToFolder]) {
    if (folder === undefined || folder === null) continue;
    if (typeof folder !== 'string' || ctx.mailbox.mailFolders.get(folder) === undefined) {
      throw badRequest(
        'The folder specified in the rule action does not exist.',
        'ErrorInvalidRuleParameter',
      );
    }
  }
}

function create(ctx: GraphContext): GraphResponse {
  checkInbox(ctx);
  const body = jsonBody(ctx);
  checkProperties(body, 'messageRule');
  if (typeof body.displayName !== 'string' || body.displayName === '') {
    throw badRequest('The displayName property is required.', 'ErrorInvalidRuleParameter');
  }
  checkActions(ctx, body.actions);
  checkComplex(body.conditions, 'messageRulePredicates', PREDICATES);
  checkComplex(body.exceptions, 'messageRulePredicates', PREDICATES);
  const rules = ctx.mailbox.messageRules.list();
  if (rules.some((r) => r.data.displayName === body.displayName)) {
    throw new GraphError(409, 'ErrorRuleNameExists', 'A rule with the specified name already exists.');
  }
  const data: Record<string, unknown> = { sequence: rules.length + 1 };
  for (const name of ['displayName', 'sequence', 'isEnabled', 'conditions', 'actions', 'exceptions']) {
    if (body[name] !== undefined) data[name] = body[name];
  }
  const rule = ctx.mailbox.messageRules.add('', data);
  return entityResponse(
    ctx,
    `${metadataBase(ctx)}/mailFolders('inbox')/messageRules`,
    rule,
    presenter(ctx),
    201,
  );
}

function update(ctx: GraphContext): GraphResponse {
  checkInbox(ctx);
  const rule = lookup(ctx.mailbox.messageRules, param(ctx, 'rule'));
  const body = jsonBody(ctx);
  checkProperties(body, 'messageRule');
  checkActions(ctx, body.actions);
  checkComplex(body.conditions, 'messageRulePredicates', PREDICATES);
  checkComplex(body.exceptions, 'messageRulePredicates', PREDICATES);
  for (const name of ['displayName', 'sequence', 'isEnabled', 'conditions', 'actions', 'exceptions']) {
    if (body[name] !== undefined) rule.data[name] = body[name];
  }
  rule.changeKey = newChangeKey();
  return entityResponse(ctx, `${metadataBase(ctx)}/mailFolders('inbox')/messageRules`, rule, presenter(ctx));
}

export const messageRuleRoutes: Route[] = [
  {
    method: 'GET',
    pattern: 'mailFolders/:folder/messageRules',
    area: 'MailboxSettings',
    handler: (ctx) => {
      checkInbox(ctx);
      const rules = ctx.mailbox.messageRules
        .list()
        .sort((a, b) => Number(a.data.sequence) - Number(b.data.sequence));
      return listResponse(
        ctx,
        `${metadataBase(ctx)}/mailFolders('inbox')/messageRules`,
        rules,
        presenter(ctx),
        1000,
      );
    },
  },
  { method: 'POST', pattern: 'mailFolders/:folder/messageRules', area: 'MailboxSettings', handler: create },
  {
    method: 'GET',
    pattern: 'mailFolders/:folder/messageRules/:rule',
    area: 'MailboxSettings',
    handler: (ctx) => {
      checkInbox(ctx);
      return entityResponse(
        ctx,
        `${metadataBase(ctx)}/mailFolders('inbox')/messageRules`,
        lookup(ctx.mailbox.messageRules, param(ctx, 'rule')),
        presenter(ctx),
      );
    },
  },
  {
    method: 'PATCH',
    pattern: 'mailFolders/:folder/messageRules/:rule',
    area: 'MailboxSettings',
    handler: update,
  },
  {
    method: 'DELETE',
    pattern: 'mailFolders/:folder/messageRules/:rule',
    area: 'MailboxSettings',
    handler: (ctx) => {
      checkInbox(ctx);
      ctx.mailbox.messageRules.delete(lookup(ctx.mailbox.messageRules, param(ctx, 'rule')));
      return noContent();
    },
  },
];
