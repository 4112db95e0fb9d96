import type { ColumnType, Generated, Selectable } from 'kysely';

import type { MspTables } from './schema-msp.ts';
import type { ProjectTables } from './schema-projects.ts';

/** Kysely's view of Ferry's tables. Column names are snake_case, as in the migrations. */
export interface Database extends MspTables, ProjectTables {
  workgroups: WorkgroupsTable;
  agents: AgentsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  setup_tokens: SetupTokensTable;
  login_attempts: LoginAttemptsTable;
  password_resets: PasswordResetsTable;
  audit_log: AuditLogTable;
  pass_runs: PassRunsTable;
  run_mailboxes: RunMailboxesTable;
  run_folders: RunFoldersTable;
  run_items: RunItemsTable;
  item_map: ItemMapTable;
  mailbox_leases: MailboxLeasesTable;
  settings_scripts: SettingsScriptsTable;
}

export interface SettingsScriptsTable {
  source_mailbox: string;
  destination_mailbox: string;
  script: ColumnType<Record<string, unknown>, string, string>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface PassRunsTable {
  id: Generated<string>;
  name: string;
  pass: string;
  options: ColumnType<Record<string, unknown>, string, string>;
  endpoints_sealed: string;
  max_concurrent: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
}

export interface RunMailboxesTable {
  id: Generated<string>;
  run_id: string;
  source: string;
  destination: string;
  status: Generated<string>;
  error: string | null;
  size_hint: ColumnType<string, number | undefined, number>;
  throttled_ms: ColumnType<string, number | undefined, number>;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface RunFoldersTable {
  run_mailbox_id: string;
  source_folder_id: string;
  path: string;
  destination_folder_id: string | null;
  source_count: number;
  cursor: string | null;
  done: Generated<boolean>;
  item_type: Generated<string>;
}

export interface RunItemsTable {
  run_mailbox_id: string;
  source_item_id: string;
  item_type: string;
  source_folder_id: string;
  outcome: string;
  bytes: ColumnType<string, number, number>;
  code: string | null;
  message: string | null;
  subject: string | null;
  destination_items: ColumnType<number, number | undefined, number>;
}

export interface ItemMapTable {
  source_mailbox: string;
  destination_mailbox: string;
  source_item_id: string;
  item_type: string;
  content_hash: string;
  stamp: string;
  destination_folder_id: string;
  destination_item_id: string | null;
  source_revision: string | null;
  status: string;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface MailboxLeasesTable {
  run_mailbox_id: string;
  worker_id: string;
  epoch: ColumnType<string, number | undefined, number>;
  heartbeat_at: ColumnType<Date, Date | undefined, Date>;
  acquired_at: ColumnType<Date, Date | undefined, Date>;
}

type CreatedAt = ColumnType<Date, Date | undefined, never>;

export interface WorkgroupsTable {
  id: Generated<string>;
  name: string;
  project_sharing: Generated<boolean>;
  created_at: CreatedAt;
}

export interface AgentsTable {
  id: Generated<string>;
  workgroup_id: string;
  email: string;
  name: string;
  role: string;
  password_hash: string | null;
  created_at: CreatedAt;
  last_sign_in_at: Date | null;
}

export interface SessionsTable {
  id_hash: string;
  agent_id: string;
  csrf_token: string;
  created_at: CreatedAt;
  expires_at: Date;
}

export interface ApiTokensTable {
  id: Generated<string>;
  agent_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: CreatedAt;
  last_used_at: Date | null;
  revoked_at: Date | null;
  expires_at: Date;
}

export interface PasswordResetsTable {
  id: Generated<string>;
  agent_id: string;
  token_hash: string;
  requested_by: string;
  created_at: CreatedAt;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
}

export interface SetupTokensTable {
  token_hash: string;
  created_at: CreatedAt;
  expires_at: Date;
  used_at: Date | null;
}

export interface LoginAttemptsTable {
  id: Generated<string>;
  email: string;
  ip: string;
  succeeded: boolean;
  at: CreatedAt;
}

export interface AuditLogTable {
  id: Generated<string>;
  workgroup_id: string;
  agent_id: string | null;
  action: string;
  target: string | null;
  details: ColumnType<Record<string, unknown>, string, string>;
  at: CreatedAt;
}

export type AgentRow = Selectable<AgentsTable>;
