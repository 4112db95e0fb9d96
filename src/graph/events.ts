import type { DestinationOccurrence, GraphPayload } from '../domain/pim.ts';
import { GraphRequestError } from './graph-error.ts';
import { query, segment, userPath } from './graph-paths.ts';
import { collectPages } from './paging.ts';
import type { GraphTransport } from './transport.ts';

export interface Events {
  create(calendarId: string, event: GraphPayload): Promise<string>;
  occurrences(seriesId: string, fromUtc: string, toUtc: string): Promise<DestinationOccurrence[]>;
  update(id: string, patch: GraphPayload): Promise<void>;
  remove(id: string): Promise<void>;
}

/** "2024-02-07T08:00:00Z", whatever precision or offset Graph wrote. */
export function utcInstant(value: string): string {
  const ms = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`);
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function createEvents(transport: GraphTransport, userPrincipalName: string): Events {
  const base = userPath(userPrincipalName);
  const mailbox = userPrincipalName;
  return {
    async create(calendarId, event) {
      const created = await transport.request<{ id: string }>({
        method: 'POST',
        path: `${base}/calendars/${segment(calendarId)}/events`,
        mailbox,
        json: event,
        // Not repeated blindly, transactionId or not: how long Exchange remembers a transactionId is
        // undocumented (microsoft-graph.md §6), so an unknown outcome surfaces as mayHaveSucceeded
        // and the caller looks the event up by its stamp before creating it again.
        repeatable: false,
      });
      return created.body.id;
    },

    async occurrences(seriesId, fromUtc, toUtc) {
      const entries = await collectPages<{ id: string; originalStart?: string }>(
        transport,
        mailbox,
        `${base}/events/${segment(seriesId)}/instances${query({
          startDateTime: fromUtc,
          endDateTime: toUtc,
          $select: 'id,originalStart',
        })}`,
      );
      const from = Date.parse(fromUtc);
      const to = Date.parse(toUtc);
      // Graph windows on the occurrences' actual times; the port asks by their original start.
      return entries.flatMap((entry) => {
        if (entry.originalStart === undefined) return [];
        const originalStartUtc = utcInstant(entry.originalStart);
        const at = Date.parse(originalStartUtc);
        return at >= from && at < to ? [{ id: entry.id, originalStartUtc }] : [];
      });
    },

    async update(id, patch) {
      await transport.request({
        method: 'PATCH',
        path: `${base}/events/${segment(id)}`,
        mailbox,
        json: patch,
      });
    },

    async remove(id) {
      try {
        await transport.request({
          method: 'DELETE',
          path: `${base}/events/${segment(id)}`,
          mailbox,
          repeatable: true,
        });
      } catch (error) {
        // Already gone (a repeated delete, or an occurrence cancelled before): what was asked is done.
        if (error instanceof GraphRequestError && error.failure.status === 404) return;
        throw error;
      }
    },
  };
}
