import type { GraphPayload } from '../domain/pim.ts';
import { query, segment, userPath } from './graph-paths.ts';
import { collectPages } from './paging.ts';
import type { GraphTransport } from './transport.ts';

/** Task fields an update empties when the new version has none, since PATCH keeps unnamed fields. */
const CLEARED_TASK: Readonly<Record<string, null>> = {
  dueDateTime: null,
  startDateTime: null,
  reminderDateTime: null,
  recurrence: null,
};

interface TaskEntry {
  readonly id: string;
  readonly linkedResources?: readonly { readonly externalId?: string }[];
}

export interface TodoTasks {
  findByStamp(listId: string, stamp: string): Promise<string | undefined>;
  create(listId: string, task: GraphPayload): Promise<string>;
  update(listId: string, id: string, task: GraphPayload): Promise<void>;
}

/**
 * To Do tasks carry no extended properties in v1.0; Ferry's stamp is the `externalId` of a
 * linkedResource (microsoft-graph.md §6, §9). Graph cannot filter on it, so a list's stamps are
 * read once and kept; a stamp not found there is looked for once more in a fresh read, because
 * another worker may have created the task since.
 */
export function createTodoTasks(transport: GraphTransport, userPrincipalName: string): TodoTasks {
  const base = userPath(userPrincipalName);
  const mailbox = userPrincipalName;
  const stamps = new Map<string, Promise<Map<string, string>>>();
  const tasksPath = (listId: string) => `${base}/todo/lists/${segment(listId)}/tasks`;

  function load(listId: string): Promise<Map<string, string>> {
    const pending = collectPages<TaskEntry>(
      transport,
      mailbox,
      `${tasksPath(listId)}${query({ $select: 'id', $expand: 'linkedResources' })}`,
    ).then((tasks) => {
      const byStamp = new Map<string, string>();
      for (const task of tasks) {
        for (const resource of task.linkedResources ?? []) {
          if (resource.externalId !== undefined) byStamp.set(resource.externalId, task.id);
        }
      }
      return byStamp;
    });
    stamps.set(listId, pending);
    pending.catch(() => {
      if (stamps.get(listId) === pending) stamps.delete(listId);
    });
    return pending;
  }

  const stampOf = (task: GraphPayload): string[] =>
    (Array.isArray(task.linkedResources) ? (task.linkedResources as { externalId?: unknown }[]) : []).flatMap(
      (r) => (typeof r.externalId === 'string' ? [r.externalId] : []),
    );

  return {
    async findByStamp(listId, stamp) {
      const known = (await (stamps.get(listId) ?? load(listId))).get(stamp);
      return known ?? (await load(listId)).get(stamp);
    },

    async create(listId, task) {
      const created = await transport.request<{ id: string }>({
        method: 'POST',
        path: tasksPath(listId),
        mailbox,
        json: task,
        // An unknown outcome surfaces as mayHaveSucceeded: the engine looks the stamp up first.
        repeatable: false,
      });
      const cached = stamps.get(listId);
      if (cached !== undefined) {
        const byStamp = await cached.catch(() => undefined);
        for (const stamp of stampOf(task)) byStamp?.set(stamp, created.body.id);
      }
      return created.body.id;
    },

    async update(listId, id, task) {
      // The linkedResource holding the stamp stays as created; it is not a field PATCH changes.
      const { linkedResources: _stamp, ...fields } = task;
      await transport.request({
        method: 'PATCH',
        path: `${tasksPath(listId)}/${segment(id)}`,
        mailbox,
        json: { ...CLEARED_TASK, ...fields },
      });
    },
  };
}
