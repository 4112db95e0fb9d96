import type { Migration } from 'kysely/migration';

import * as foundation from './0001-foundation.ts';
import * as migrationState from './0002-migration-state.ts';
import * as msp from './0003-msp.ts';
import * as projects from './0004-projects.ts';
import * as pimAndScheduling from './0005-pim-and-scheduling.ts';
import * as accountControls from './0006-account-controls.ts';
import * as settingsScripts from './0009-settings-scripts.ts';

/** Every migration, in order. Names are permanent: never rename or reorder an applied one. */
export const MIGRATIONS: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-migration-state': migrationState,
  '0003-msp': msp,
  '0004-projects': projects,
  '0005-pim-and-scheduling': pimAndScheduling,
  '0006-account-controls': accountControls,
  '0009-settings-scripts': settingsScripts,
};
