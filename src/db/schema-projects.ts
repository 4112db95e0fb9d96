import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type Json<T> = ColumnType<T, string, string>;

/** Tables of mailbox projects: endpoints, projects, their mailboxes and options, the passes they started. */
export interface ProjectTables {
  endpoints: EndpointsTable;
  projects: ProjectsTable;
  project_mailboxes: ProjectMailboxesTable;
  project_passes: ProjectPassesTable;
  project_run_mailboxes: ProjectRunMailboxesTable;
}

export interface EndpointsTable {
  id: Generated<string>;
  workgroup_id: string;
  name: string;
  kind: string;
  settings: Json<Record<string, unknown>>;
  secret_sealed: string | null;
  region: string | null;
  validation: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  validated_at: Date | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface ProjectsTable {
  id: Generated<string>;
  workgroup_id: string;
  name: string;
  customer_id: string;
  source_endpoint_id: string;
  destination_endpoint_id: string;
  options: ColumnType<Record<string, unknown>, string | undefined, string>;
  notify_template: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface ProjectMailboxesTable {
  id: Generated<string>;
  project_id: string;
  source: string;
  destination: string;
  /** mailboxKey(source): what duplicates and look-ups compare. */
  source_key: string;
  destination_key: string;
  source_password_sealed: string | null;
  last_run_mailbox_id: string | null;
  created_at: CreatedAt;
}

export interface ProjectPassesTable {
  run_id: string;
  project_id: string;
  pass: string;
  started_by: string | null;
  scheduled_at: Date | null;
  launched_at: Date | null;
  created_at: CreatedAt;
}

export interface ProjectRunMailboxesTable {
  run_mailbox_id: string;
  project_mailbox_id: string;
  licence_settled: Generated<boolean>;
}
