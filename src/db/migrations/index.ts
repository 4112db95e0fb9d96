import type { Migration } from 'kysely/migration';

import * as foundation from './0001-foundation.ts';
import * as migrationState from './0002-migration-state.ts';
import * as msp from './0003-msp.ts';
import * as projects from './0004-projects.ts';
import * as pimAndScheduling from './0005-pim-and-scheduling.ts';
import * as accountControls from './0006-account-controls.ts';
import * as destinationItemCounts from './0007-destination-item-counts.ts';
import * as mailboxLeases from './0008-mailbox-leases.ts';
import * as mailboxKeys from './0009-mailbox-keys.ts';
import * as settingsScripts from './0010-settings-scripts.ts';

/** Every migration, in order. Names are permanent: never rename or reorder an applied one. */
export const MIGRATIONS: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-migration-state': migrationState,
  '0003-msp': msp,
  '0004-projects': projects,
  '0005-pim-and-scheduling': pimAndScheduling,
  '0006-account-controls': accountControls,
  '0007-destination-item-counts': destinationItemCounts,
  '0008-mailbox-leases': mailboxLeases,
  '0009-mailbox-keys': mailboxKeys,
  '0010-settings-scripts': settingsScripts,
};
