import type { ConvertedContact } from '../domain/pim.ts';
import { GraphRequestError } from './graph-error.ts';
import { betaUserPath, segment } from './graph-paths.ts';
import { collectPages } from './paging.ts';
import type { GraphTransport } from './transport.ts';

type ListRequest = NonNullable<ConvertedContact['distributionList']>;

interface ListEntry {
  readonly id: string;
  readonly displayName?: string;
}

/** The docs disagree on the member shape (microsoft-graph.md §7): `key`, or an `emailAddress`. */
interface MemberEntry {
  readonly key?: string;
  readonly emailAddress?: string | { readonly address?: string };
}

export interface DistributionLists {
  /** The list's id, or undefined when this tenant's Graph has no personal distribution lists. */
  ensure(list: ListRequest): Promise<string | undefined>;
}

/**
 * Personal distribution lists through the beta API (`/beta/users/{id}/distributionLists`, 2026).
 * A tenant or cloud without it answers 404 or 400 "Resource not found for the segment", or 403;
 * that answer is remembered for the mailbox and the caller falls back.
 */
export function createDistributionLists(
  transport: GraphTransport,
  userPrincipalName: string,
): DistributionLists {
  const base = `${betaUserPath(userPrincipalName)}/distributionLists`;
  const mailbox = userPrincipalName;
  let unavailable = false;

  async function findList(name: string): Promise<string | undefined> {
    const lists = await collectPages<ListEntry>(transport, mailbox, base);
    return lists.find((list) => (list.displayName ?? '').toLowerCase() === name.toLowerCase())?.id;
  }

  async function addMissingMembers(id: string, members: ListRequest['members']): Promise<void> {
    const present = await collectPages<MemberEntry>(
      transport,
      mailbox,
      `${base}/${segment(id)}/distributionListMembers`,
    );
    const known = new Set(
      present.map((m) =>
        (
          m.key ??
          (typeof m.emailAddress === 'string' ? m.emailAddress : m.emailAddress?.address) ??
          ''
        ).toLowerCase(),
      ),
    );
    const missing = members.filter((m) => !known.has(m.address.toLowerCase()));
    if (missing.length === 0) return;
    await transport.request({
      method: 'POST',
      path: `${base}/${segment(id)}/addMembers`,
      mailbox,
      json: {
        members: missing.map((m) => ({
          key: m.address,
          routingType: 'SMTP',
          displayName: m.name ?? m.address,
          recipientType: 'oneOff',
        })),
      },
      // Members already added are skipped above, and a repeated add of the same key changes nothing.
      repeatable: true,
    });
  }

  async function ensure(list: ListRequest): Promise<string> {
    let id = await findList(list.displayName);
    if (id === undefined) {
      // Found by name first, so a repeated create after an unknown outcome is caught the same way.
      const created = await transport.request<{ id: string }>({
        method: 'POST',
        path: base,
        mailbox,
        json: { displayName: list.displayName },
      });
      id = created.body.id;
    }
    await addMissingMembers(id, list.members);
    return id;
  }

  return {
    async ensure(list) {
      if (unavailable) return undefined;
      try {
        return await ensure(list);
      } catch (error) {
        if (!isMissingApi(error)) throw error;
        unavailable = true;
        return undefined;
      }
    },
  };
}

function isMissingApi(error: unknown): boolean {
  if (!(error instanceof GraphRequestError)) return false;
  const { status, graphCode, graphMessage } = error.failure;
  return (
    status === 403 ||
    (status === 404 && graphCode !== 'ErrorItemNotFound') ||
    (status === 400 && /segment/i.test(graphMessage))
  );
}
