/** GetFolderRequest, GetTagRequest, GetFilterRulesRequest and GetOutgoingFilterRulesRequest. */
import { encodeFolderTree } from '../folder-tree.ts';
import { folderByPath } from '../folders.ts';
import { tagJson } from '../encode-items.ts';
import type { Folder } from '../model.ts';
import type { HandlerContext, SoapHandler } from '../soap-dispatch.ts';
import { attr, child, intAttr, type Json } from '../soap-envelope.ts';
import { faults } from '../soap-faults.ts';

function getFolder(request: Json, ctx: HandlerContext): Json {
  const account = ctx.target;
  if (!account) throw faults.authRequired();
  const mailbox = account.mailbox;
  const base = child(request, 'folder');
  let folder: Folder | undefined = mailbox.folders.get(1);
  const id = attr(base, 'l');
  const path = attr(base, 'path');
  const uuid = attr(base, 'uuid');
  if (id !== undefined) {
    folder = mailbox.folders.get(Number(id));
    if (!folder) throw faults.noSuchFolderId(id);
  } else if (path !== undefined) {
    folder = folderByPath(mailbox, path);
    if (!folder) throw faults.noSuchFolderPath(path);
  } else if (uuid !== undefined) {
    folder = [...mailbox.folders.values()].find((f) => f.uuid === uuid);
    if (!folder) throw faults.noSuchFolderId(uuid);
  }
  if (!folder) throw faults.noSuchFolderId(1);
  const depth = intAttr(request, 'depth');
  const tree = encodeFolderTree(
    account,
    folder,
    ctx.state.directory.version,
    attr(request, 'view'),
    depth ?? -1,
  );
  return tree ? { folder: [tree] } : {};
}

export const folderHandlers: Record<string, SoapHandler> = {
  'urn:zimbraMail|GetFolderRequest': { ns: 'urn:zimbraMail', auth: 'user', handle: getFolder },
  'urn:zimbraMail|GetTagRequest': {
    ns: 'urn:zimbraMail',
    auth: 'user',
    handle: (_request, ctx) => {
      const account = ctx.target;
      if (!account || account.mailbox.tags.length === 0) return {};
      return { tag: account.mailbox.tags.map((tag) => tagJson(account, tag)) };
    },
  },
  'urn:zimbraMail|GetFilterRulesRequest': {
    ns: 'urn:zimbraMail',
    auth: 'user',
    handle: (_request, ctx) => {
      const rules = ctx.target?.mailbox.filterRules ?? [];
      return { filterRules: [rules.length > 0 ? { filterRule: rules } : {}] };
    },
  },
  // Same answer shape as GetFilterRulesResponse, for the outgoing Sieve script (zimbra.md §9;
  // soap.txt GetOutgoingFilterRulesRequest; zimbraMailOutgoingSieveScript).
  'urn:zimbraMail|GetOutgoingFilterRulesRequest': {
    ns: 'urn:zimbraMail',
    auth: 'user',
    handle: (_request, ctx) => {
      const rules = ctx.target?.mailbox.outgoingFilterRules ?? [];
      return { filterRules: [rules.length > 0 ? { filterRule: rules } : {}] };
    },
  },
};
