import { sql } from 'kysely';
import pg from 'pg';

import { UserError } from '../domain/errors.ts';
import type { Db } from './database.ts';
import { scramSha256Verifier } from './scram-verifier.ts';

/**
 * Ferry's two database roles. The owner role runs the migrations and owns the tables; the app role
 * (every API, worker and CLI connection) reads and writes rows but owns none of Ferry's tables, so
 * it can neither truncate, alter nor drop them, and on the append-only tables it may only add and
 * read rows. The job queue's schema holds no evidence: the app role owns pg-boss's tables, because
 * pg-boss creates and drops tables and indexes while it runs.
 */
export const JOB_QUEUE_SCHEMA = 'pgboss';

/** Tables whose rows are evidence: the app role may insert and select, nothing else. */
export const APPEND_ONLY_TABLES = ['audit_log', 'licence_log'] as const;

/** Kysely's bookkeeping of applied migrations, the owner's alone. */
const MIGRATION_TABLES = ['kysely_migration', 'kysely_migration_lock'] as const;

/** The app role Ferry creates in its embedded PostgreSQL. */
export const EMBEDDED_APP_ROLE = 'ferry_app';

/** Any 64-bit number private to Ferry: serialises creating the embedded app role across processes. */
const APP_ROLE_LOCK_ID = 0x46657272790002n;

type Executor = Db;

/**
 * Gives the app role exactly what it needs on the tables as they are now. Run by the owner role
 * after the migrations, under the migration lock, on every start: a table a new migration added
 * gets its grants before any app connection uses it.
 */
export async function grantAppRole(db: Executor, appRole: string): Promise<void> {
  // One role for both (single-role mode): revoking would only take the owner's own rights away.
  if (appRole === (await currentRole(db))) return;
  const app = sql.id(appRole);
  const appendOnly = sql.join(APPEND_ONLY_TABLES.map((t) => sql.id(t)));
  const migrationTables = sql.join(MIGRATION_TABLES.map((t) => sql.id(t)));
  await db.transaction().execute(async (trx) => {
    await sql`grant usage on schema public to ${app}`.execute(trx);
    await sql`grant select, insert, update, delete on all tables in schema public to ${app}`.execute(trx);
    await sql`grant usage on all sequences in schema public to ${app}`.execute(trx);
    await sql`revoke all on ${migrationTables} from ${app}`.execute(trx);
    await sql`revoke all on ${appendOnly} from ${app}`.execute(trx);
    await sql`grant select, insert on ${appendOnly} to ${app}`.execute(trx);
    await sql`grant usage, create on schema ${sql.id(JOB_QUEUE_SCHEMA)} to ${app}`.execute(trx);
    await handJobQueueTo(trx, appRole);
  });
}

/**
 * Before there were two roles, one role created pg-boss's tables. They become the app role's, with
 * their jobs. Changing an owner needs the owner role to be a superuser or a member of the app role.
 */
async function handJobQueueTo(db: Executor, appRole: string): Promise<void> {
  const { rows } = await sql<{ command: string }>`
    with app as (select oid from pg_roles where rolname = ${appRole}),
    queue as (select oid from pg_namespace where nspname = ${JOB_QUEUE_SCHEMA})
    select format('alter table %s owner to %I', c.oid::regclass, ${appRole}::text) as command
      from pg_class c
     where c.relnamespace = (select oid from queue) and c.relkind in ('r', 'p', 'v', 'm', 'f')
       and c.relowner <> (select oid from app)
    union all
    -- A sequence that belongs to a column moves with its table.
    select format('alter sequence %s owner to %I', c.oid::regclass, ${appRole}::text)
      from pg_class c
     where c.relnamespace = (select oid from queue) and c.relkind = 'S'
       and c.relowner <> (select oid from app)
       and not exists (select 1 from pg_depend d
                        where d.classid = 'pg_class'::regclass and d.objid = c.oid
                          and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i'))
    union all
    select format('alter %s %s owner to %I',
                  case p.prokind when 'p' then 'procedure' when 'a' then 'aggregate' else 'function' end,
                  p.oid::regprocedure, ${appRole}::text)
      from pg_proc p
     where p.pronamespace = (select oid from queue) and p.proowner <> (select oid from app)
    union all
    select format('alter type %s owner to %I', t.oid::regtype, ${appRole}::text)
      from pg_type t
     where t.typnamespace = (select oid from queue) and t.typtype in ('e', 'd', 'r')
       and t.typowner <> (select oid from app)
  `.execute(db);
  try {
    for (const { command } of rows) await sql.raw(command).execute(db);
  } catch (error) {
    if ((error as { code?: string }).code !== '42501') throw error;
    throw new UserError(
      'JOB_QUEUE_OWNED_BY_OWNER',
      `The job queue's tables (schema ${JOB_QUEUE_SCHEMA}) belong to the owner role, and it may not hand them to the app role "${appRole}". Run once as a superuser: GRANT "${appRole}" TO <owner role>; then start Ferry again (README "Database roles").`,
      { cause: error },
    );
  }
}

/**
 * The one line an admin needs when the app role could rewrite history: it is a superuser, it owns
 * (or may act as the owner of) an append-only table, or it was granted more than insert and select.
 */
export async function tamperProofWarning(db: Executor): Promise<string | undefined> {
  const row = await sql<{ role: string; superuser: boolean; owns: boolean; changes: boolean }>`
    select current_user as role,
           (select rolsuper from pg_roles where rolname = current_user) as superuser,
           coalesce(bool_or(pg_has_role(current_user, c.relowner, 'MEMBER')), false) as owns,
           coalesce(bool_or(has_table_privilege(c.oid, 'UPDATE, DELETE, TRUNCATE')), false) as changes
      from pg_class c
     where c.oid in (${sql.join(APPEND_ONLY_TABLES.map((t) => sql`to_regclass(${t})`))})
  `
    .execute(db)
    .then((r) => r.rows[0]);
  if (row === undefined) return undefined;
  const reason = row.superuser
    ? 'is a superuser'
    : row.owns
      ? 'owns it'
      : row.changes
        ? 'may update, delete or truncate it'
        : undefined;
  if (reason === undefined) return undefined;
  return `audit log is not tamper-proof: the app role "${row.role}" ${reason}; see README 'Database roles'`;
}

export async function currentRole(db: Executor): Promise<string> {
  const { rows } = await sql<{ role: string }>`select current_user as role`.execute(db);
  return rows[0]!.role;
}

/**
 * Creates the embedded app role, or resets it to a plain login role with this password. Several
 * Ferry processes may start on one data dir at once, so they take turns.
 */
export async function ensureLoginRole(ownerUrl: string, role: string, password: string): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock($1)', [APP_ROLE_LOCK_ID.toString()]);
    const { rowCount } = await client.query('select 1 from pg_roles where rolname = $1', [role]);
    const verb = rowCount === 0 ? 'create' : 'alter';
    await client.query(
      `${verb} role ${client.escapeIdentifier(role)} login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password ${client.escapeLiteral(scramSha256Verifier(password))}`,
    );
    await client.query('commit');
  } finally {
    await client.end();
  }
}
