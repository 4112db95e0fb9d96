import { type Kysely, sql } from 'kysely';

/** agent invitations, customers, customer users, licences. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table agent_invitations (
      id uuid primary key default gen_random_uuid(),
      workgroup_id uuid not null references workgroups(id),
      email text not null,
      role text not null check (role in ('administrator', 'manager', 'agent')),
      token_hash text not null unique,
      invited_by uuid not null references agents(id),
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      accepted_at timestamptz,
      revoked_at timestamptz
    );
    create index agent_invitations_workgroup_idx on agent_invitations (workgroup_id, created_at);

    create table customers (
      id uuid primary key default gen_random_uuid(),
      workgroup_id uuid not null references workgroups(id),
      company_name text not null,
      primary_domain text not null,
      country text,
      industry text,
      address text,
      phone text,
      website text,
      created_by uuid references agents(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index customers_workgroup_idx on customers (workgroup_id, lower(company_name));

    create table customer_users (
      id uuid primary key default gen_random_uuid(),
      workgroup_id uuid not null references workgroups(id),
      customer_id uuid not null references customers(id) on delete cascade,
      email text not null check (email = lower(email)),
      first_name text,
      last_name text,
      created_at timestamptz not null default now()
    );
    create unique index customer_users_email_key on customer_users (customer_id, email);
    create index customer_users_workgroup_email_idx on customer_users (workgroup_id, email);

    create table licence_orders (
      id uuid primary key default gen_random_uuid(),
      workgroup_id uuid not null references workgroups(id),
      quantity integer not null check (quantity > 0),
      payment_method text not null check (payment_method in ('card', 'wire')),
      unit_price_cents integer not null,
      amount_cents bigint not null,
      currency text not null,
      status text not null check (status in ('pending', 'paid')),
      billing_address text,
      card_last4 text,
      payment_reference text,
      ordered_by uuid not null references agents(id),
      created_at timestamptz not null default now(),
      paid_at timestamptz,
      payment_recorded_by uuid references agents(id)
    );
    create index licence_orders_workgroup_idx on licence_orders (workgroup_id, created_at);

    -- One row per User Migration Bundle; assigned once, never moved to another user.
    create table licences (
      id uuid primary key default gen_random_uuid(),
      workgroup_id uuid not null references workgroups(id),
      order_id uuid not null references licence_orders(id),
      expires_at timestamptz not null,
      customer_user_id uuid references customer_users(id),
      assigned_at timestamptz,
      assigned_by uuid references agents(id),
      first_used_at timestamptz
    );
    create index licences_free_idx on licences (workgroup_id, expires_at) where customer_user_id is null;
    create index licences_user_idx on licences (customer_user_id);

    -- Every grant (payment), application and use of licences.
    create table licence_log (
      id bigint generated always as identity primary key,
      workgroup_id uuid not null references workgroups(id),
      event text not null check (event in ('granted', 'applied', 'used')),
      quantity integer not null,
      order_id uuid,
      licence_id uuid,
      customer_user_id uuid,
      user_email text,
      run_mailbox_id uuid,
      pass text,
      agent_id uuid references agents(id),
      at timestamptz not null default now()
    );
    create index licence_log_workgroup_idx on licence_log (workgroup_id, id);
    -- A completed pass of a mailbox uses its licence once, however often the completion is reported.
    create unique index licence_log_use_key on licence_log (run_mailbox_id) where event = 'used';

    create function licence_log_is_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'the licence log is append-only';
    end $$;
    create trigger licence_log_append_only before update or delete on licence_log
      for each row execute function licence_log_is_append_only();
  `.execute(db);
}
