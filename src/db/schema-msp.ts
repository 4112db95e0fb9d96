import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;

/** Tables of the MSP side: agent invitations, customers and their users, licences. */
export interface MspTables {
  agent_invitations: AgentInvitationsTable;
  customers: CustomersTable;
  customer_users: CustomerUsersTable;
  licence_orders: LicenceOrdersTable;
  licences: LicencesTable;
  licence_log: LicenceLogTable;
}

export interface AgentInvitationsTable {
  id: Generated<string>;
  workgroup_id: string;
  email: string;
  role: string;
  token_hash: string;
  invited_by: string;
  created_at: CreatedAt;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
}

export interface CustomersTable {
  id: Generated<string>;
  workgroup_id: string;
  company_name: string;
  primary_domain: string;
  country: string | null;
  industry: string | null;
  address: string | null;
  phone: string | null;
  website: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface CustomerUsersTable {
  id: Generated<string>;
  workgroup_id: string;
  customer_id: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  created_at: CreatedAt;
}

export interface LicenceOrdersTable {
  id: ColumnType<string, string | undefined, never>;
  workgroup_id: string;
  quantity: number;
  payment_method: string;
  unit_price_cents: number;
  amount_cents: ColumnType<string, number, number>;
  currency: string;
  status: string;
  billing_address: string | null;
  card_last4: string | null;
  payment_reference: string | null;
  ordered_by: string;
  created_at: CreatedAt;
  paid_at: Date | null;
  payment_recorded_by: string | null;
}

export interface LicencesTable {
  id: Generated<string>;
  workgroup_id: string;
  order_id: string;
  expires_at: Date;
  customer_user_id: string | null;
  assigned_at: Date | null;
  assigned_by: string | null;
  first_used_at: Date | null;
}

export interface LicenceLogTable {
  id: Generated<string>;
  workgroup_id: string;
  event: string;
  quantity: number;
  order_id: string | null;
  licence_id: string | null;
  customer_user_id: string | null;
  user_email: string | null;
  run_mailbox_id: string | null;
  pass: string | null;
  agent_id: string | null;
  at: CreatedAt;
}
