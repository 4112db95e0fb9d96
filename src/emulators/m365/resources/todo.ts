import { randomUUID } from 'node:crypto';
import { jsonBody, param, type GraphContext } from '../context.ts';
import { badRequest, type GraphResponse, show } from '../errors.ts';
import { parseExtendedProperties, storeExtendedProperties } from '../extended-properties.ts';
import { newChangeKey, type StoredItem } from '../item-store.ts';
import { entityResponse, etag, listResponse, noContent, ok, type Presenter } from '../odata-query.ts';
import { validateRecurrence } from '../recurrence.ts';
import { lookup, type Route } from '../router.ts';
import { checkProperties } from '../schema.ts';
import { checkTimeZone } from '../time-zones.ts';

const STATUSES = ['notStarted', 'inProgress', 'completed', 'waitingOnOthers', 'deferred'];
const IMPORTANCES = ['low', 'normal', 'high'];
const stamp = (): string => new Date().toISOString().replace(/Z$/, '0000Z');
const base = (ctx: GraphContext) =>
  `https://graph.microsoft.com/${ctx.version}/$metadata#users('${encodeURIComponent(ctx.mailbox.user.userPrincipalName)}')/todo/lists`;

function listPresenter(ctx: GraphContext): Presenter {
  return (list) => ({
    '@odata.etag': etag(list),
    id: ctx.ids(list),
    displayName: list.data.displayName,
    isOwner: true,
    isShared: false,
    wellknownListName: list.data.wellknownListName ?? 'none',
  });
}

function taskPresenter(ctx: GraphContext): Presenter {
  return (task) => ({
    '@odata.etag': etag(task),
    id: ctx.ids(task),
    importance: 'normal',
    isReminderOn: false,
    status: 'notStarted',
    title: '',
    categories: [],
    hasAttachments: false,
    body: { content: '', contentType: 'text' },
    ...task.data,
  });
}

const withIds = (
  entries: unknown,
  extra: (entry: Record<string, unknown>) => Record<string, unknown>,
): unknown[] =>
  (Array.isArray(entries) ? (entries as Record<string, unknown>[]) : []).map((entry) => ({
    ...extra(entry),
    ...entry,
    id: randomUUID(),
  }));

/** Applies a task body: validation, date-only dueDateTime and completion stamping [O]. */
function applyTask(
  ctx: GraphContext,
  task: Record<string, unknown>,
  body: Record<string, unknown>,
): Record<string, unknown> {
  checkProperties(body, 'todoTask', ctx.version === 'beta' ? ['singleValueExtendedProperties'] : []);
  if (body.status !== undefined && !STATUSES.includes(show(body.status))) {
    throw badRequest(`Invalid status '${show(body.status)}'.`, 'invalidRequest');
  }
  if (body.importance !== undefined && !IMPORTANCES.includes(show(body.importance))) {
    throw badRequest(`Invalid importance '${show(body.importance)}'.`, 'invalidRequest');
  }
  const next: Record<string, unknown> = { ...task };
  for (const [name, value] of Object.entries(body)) {
    if (
      !name.includes('@odata') &&
      !['id', 'singleValueExtendedProperties', 'linkedResources', 'checklistItems'].includes(name)
    ) {
      next[name] = value;
    }
  }
  for (const name of ['dueDateTime', 'startDateTime', 'reminderDateTime', 'completedDateTime']) {
    const value = next[name] as { dateTime?: unknown; timeZone?: unknown } | null | undefined;
    if (value === undefined || value === null) continue;
    if (typeof value.dateTime !== 'string' || Number.isNaN(Date.parse(`${value.dateTime.slice(0, 19)}Z`))) {
      throw badRequest(`Invalid ${name}.`, 'invalidRequest');
    }
    checkTimeZone(value.timeZone);
  }
  const due = next.dueDateTime as { dateTime: string; timeZone: string } | undefined | null;
  if (due) {
    next.dueDateTime = { dateTime: `${due.dateTime.slice(0, 10)}T00:00:00.0000000`, timeZone: due.timeZone };
  }
  if (next.recurrence !== undefined && next.recurrence !== null) {
    if (!due) throw badRequest('A recurring task needs a dueDateTime.', 'invalidRequest');
    validateRecurrence(next.recurrence, due.dateTime.slice(0, 10));
  }
  if (body.status === 'completed' && task.status !== 'completed') {
    next.completedDateTime = {
      dateTime: `${new Date().toISOString().slice(0, 10)}T00:00:00.0000000`,
      timeZone: 'UTC',
    };
  }
  next.lastModifiedDateTime = stamp();
  return next;
}

function createTask(ctx: GraphContext, list: StoredItem): GraphResponse {
  const body = jsonBody(ctx);
  const data = applyTask(ctx, { createdDateTime: stamp(), bodyLastModifiedDateTime: stamp() }, body);
  const task = ctx.mailbox.tasks.add(list.immutableId, data);
  task.data.linkedResources = withIds(body.linkedResources, () => ({ webUrl: null }));
  task.data.checklistItems = withIds(body.checklistItems, () => ({
    isChecked: false,
    createdDateTime: stamp(),
  }));
  storeExtendedProperties(task, parseExtendedProperties(body.singleValueExtendedProperties));
  return entityResponse(ctx, `${base(ctx)}('${ctx.ids(list)}')/tasks`, task, taskPresenter(ctx), 201);
}

const listOf = (ctx: GraphContext) => lookup(ctx.mailbox.todoLists, param(ctx, 'list'));
const taskOf = (ctx: GraphContext) => {
  const list = listOf(ctx);
  const task = lookup(ctx.mailbox.tasks, param(ctx, 'task'));
  if (task.containerId !== list.immutableId) {
    throw badRequest('The task is not in this list.', 'ErrorItemNotFound');
  }
  return task;
};

function addChild(ctx: GraphContext, field: 'linkedResources' | 'checklistItems'): GraphResponse {
  const task = taskOf(ctx);
  const body = jsonBody(ctx);
  checkProperties(body, field === 'linkedResources' ? 'linkedResource' : 'checklistItem');
  const [entry] = withIds([body], () =>
    field === 'checklistItems' ? { isChecked: false, createdDateTime: stamp() } : { webUrl: null },
  );
  task.data[field] = [...((task.data[field] ?? []) as unknown[]), entry];
  task.changeKey = newChangeKey();
  return ok(entry, 201);
}

export const todoRoutes: Route[] = [
  {
    method: 'GET',
    pattern: 'todo/lists',
    area: 'Tasks',
    handler: (ctx) => listResponse(ctx, base(ctx), ctx.mailbox.todoLists.list(), listPresenter(ctx), 100),
  },
  {
    method: 'POST',
    pattern: 'todo/lists',
    area: 'Tasks',
    handler: (ctx) => {
      const body = jsonBody(ctx);
      checkProperties(body, 'todoTaskList');
      if (typeof body.displayName !== 'string' || body.displayName === '') {
        throw badRequest('displayName is required.', 'invalidRequest');
      }
      const list = ctx.mailbox.todoLists.add('', {
        displayName: body.displayName,
        wellknownListName: 'none',
      });
      return entityResponse(ctx, base(ctx), list, listPresenter(ctx), 201);
    },
  },
  {
    method: 'GET',
    pattern: 'todo/lists/:list',
    area: 'Tasks',
    handler: (ctx) => entityResponse(ctx, base(ctx), listOf(ctx), listPresenter(ctx)),
  },
  {
    method: 'DELETE',
    pattern: 'todo/lists/:list',
    area: 'Tasks',
    handler: (ctx) => {
      const list = listOf(ctx);
      if (list === ctx.mailbox.defaultTodoList) {
        throw badRequest('The default list cannot be deleted.', 'invalidRequest');
      }
      for (const task of ctx.mailbox.tasks.list(list.immutableId)) ctx.mailbox.tasks.delete(task);
      ctx.mailbox.todoLists.delete(list);
      return noContent();
    },
  },
  {
    method: 'GET',
    pattern: 'todo/lists/:list/tasks',
    area: 'Tasks',
    handler: (ctx) =>
      listResponse(
        ctx,
        `${base(ctx)}/tasks`,
        ctx.mailbox.tasks.list(listOf(ctx).immutableId),
        taskPresenter(ctx),
        100,
      ),
  },
  {
    method: 'POST',
    pattern: 'todo/lists/:list/tasks',
    area: 'Tasks',
    handler: (ctx) => createTask(ctx, listOf(ctx)),
  },
  {
    method: 'GET',
    pattern: 'todo/lists/:list/tasks/:task',
    area: 'Tasks',
    handler: (ctx) => entityResponse(ctx, `${base(ctx)}/tasks`, taskOf(ctx), taskPresenter(ctx)),
  },
  {
    method: 'PATCH',
    pattern: 'todo/lists/:list/tasks/:task',
    area: 'Tasks',
    handler: (ctx) => {
      const task = taskOf(ctx);
      const body = jsonBody(ctx);
      task.data = applyTask(ctx, task.data, body);
      storeExtendedProperties(task, parseExtendedProperties(body.singleValueExtendedProperties));
      task.changeKey = newChangeKey();
      return entityResponse(ctx, `${base(ctx)}/tasks`, task, taskPresenter(ctx));
    },
  },
  {
    method: 'DELETE',
    pattern: 'todo/lists/:list/tasks/:task',
    area: 'Tasks',
    handler: (ctx) => {
      ctx.mailbox.tasks.delete(taskOf(ctx));
      return noContent();
    },
  },
  {
    method: 'GET',
    pattern: 'todo/lists/:list/tasks/:task/linkedResources',
    area: 'Tasks',
    handler: (ctx) => ok({ value: taskOf(ctx).data.linkedResources ?? [] }),
  },
  {
    method: 'POST',
    pattern: 'todo/lists/:list/tasks/:task/linkedResources',
    area: 'Tasks',
    handler: (ctx) => addChild(ctx, 'linkedResources'),
  },
  {
    method: 'GET',
    pattern: 'todo/lists/:list/tasks/:task/checklistItems',
    area: 'Tasks',
    handler: (ctx) => ok({ value: taskOf(ctx).data.checklistItems ?? [] }),
  },
  {
    method: 'POST',
    pattern: 'todo/lists/:list/tasks/:task/checklistItems',
    area: 'Tasks',
    handler: (ctx) => addChild(ctx, 'checklistItems'),
  },
];
