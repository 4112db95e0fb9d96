import { GraphRequestError } from './graph-error.ts';
import { userPath } from './graph-paths.ts';
import { collectPages } from './paging.ts';
import type { GraphTransport } from './transport.ts';

export interface MasterCategories {
  ensure(categories: readonly { readonly name: string; readonly color: string }[]): Promise<void>;
}

/** The mailbox's master category list, read once, then added to. */
export function createMasterCategories(
  transport: GraphTransport,
  userPrincipalName: string,
): MasterCategories {
  const path = `${userPath(userPrincipalName)}/outlook/masterCategories`;
  // Category names are unique case-insensitively in the master list.
  let known: Promise<Set<string>> | undefined;

  async function load(): Promise<Set<string>> {
    const categories = await collectPages<{ displayName: string }>(transport, userPrincipalName, path);
    return new Set(categories.map((category) => category.displayName.toLowerCase()));
  }

  return {
    async ensure(categories) {
      known ??= load().catch((error: unknown) => {
        known = undefined;
        throw error;
      });
      const names = await known;
      for (const { name, color } of categories) {
        if (names.has(name.toLowerCase())) continue;
        try {
          await transport.request({
            method: 'POST',
            path,
            mailbox: userPrincipalName,
            json: { displayName: name, color },
            // Repeating the create can only meet the conflict below.
            repeatable: true,
          });
        } catch (error) {
          // The name exists already (created by the user, or by another worker since we read the list).
          if (!(error instanceof GraphRequestError && error.failure.status === 409)) throw error;
        }
        names.add(name.toLowerCase());
      }
    },
  };
}
