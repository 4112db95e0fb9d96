/** The SOAP handler table of the emulator, keyed by namespace and request name. */
import { handlerKey, type HandlerTable, type SoapHandler } from '../soap-dispatch.ts';
import { accountHandlers } from './account.ts';
import { adminHandlers } from './admin.ts';
import { authHandlers } from './auth.ts';
import { folderHandlers } from './folders.ts';
import { itemHandlers } from './items.ts';
import { prefsHandlers } from './prefs.ts';
import { searchHandlers } from './search.ts';

export function createHandlerTable(): HandlerTable {
  const table = new Map<string, SoapHandler>();
  for (const group of [
    authHandlers,
    adminHandlers,
    accountHandlers,
    prefsHandlers,
    folderHandlers,
    searchHandlers,
    itemHandlers,
  ]) {
    for (const [key, handler] of Object.entries(group)) {
      const name = key.split('|')[1] ?? key;
      table.set(handlerKey(handler.ns, name), handler);
    }
  }
  return table;
}
