import type { CustomerUserInput } from '../domain/customers.ts';
import type { Db } from './database.ts';
import { containsPattern, offsetOf, type Page, type PageRequest } from './search-page.ts';
import { mailboxKey } from '../domain/mailbox-address.ts';

export const CUSTOMER_OPTIONAL_FIELDS = ['country', 'industry', 'address', 'phone', 'website'] as const;
type OptionalField = (typeof CUSTOMER_OPTIONAL_FIELDS)[number];

export interface CustomerFields {
  readonly companyName: string;
  readonly primaryDomain: string;
  readonly country?: string | null | undefined;
  readonly industry?: string | null | undefined;
  readonly address?: string | null | undefined;
  readonly phone?: string | null | undefined;
  readonly website?: string | null | undefined;
}

export type CustomerPatch = { readonly [K in keyof CustomerFields]?: CustomerFields[K] | undefined };

export interface Customer extends Required<{ [K in OptionalField]: string | null }> {
  readonly id: string;
  readonly companyName: string;
  readonly primaryDomain: string;
  readonly userCount: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type LicenceState = 'none' | 'licensed' | 'expired';

export interface CustomerUser {
  readonly id: string;
  readonly customerId: string;
  readonly email: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly createdAt: Date;
  readonly licence: { state: LicenceState; expiresAt: Date | null; firstUsedAt: Date | null };
}

function customerQuery(db: Db, workgroupId: string) {
  return db
    .selectFrom('customers')
    .selectAll('customers')
    .select((eb) =>
      eb
        .selectFrom('customer_users')
        .whereRef('customer_users.customer_id', '=', 'customers.id')
        .select((e) => e.fn.countAll<string>().as('n'))
        .as('user_count'),
    )
    .where('customers.workgroup_id', '=', workgroupId);
}

type CustomerRow = Awaited<ReturnType<ReturnType<typeof customerQuery>['executeTakeFirstOrThrow']>>;

function toCustomer(row: CustomerRow): Customer {
  return {
    id: row.id,
    companyName: row.company_name,
    primaryDomain: row.primary_domain,
    country: row.country,
    industry: row.industry,
    address: row.address,
    phone: row.phone,
    website: row.website,
    userCount: Number(row.user_count ?? 0),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function createCustomer(
  db: Db,
  workgroupId: string,
  createdBy: string,
  fields: CustomerFields,
): Promise<Customer> {
  const { id } = await db
    .insertInto('customers')
    .values({
      workgroup_id: workgroupId,
      created_by: createdBy,
      company_name: fields.companyName,
      primary_domain: fields.primaryDomain,
      ...optionalColumns(fields),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return (await findCustomer(db, workgroupId, id))!;
}

export async function findCustomer(db: Db, workgroupId: string, id: string): Promise<Customer | undefined> {
  const row = await customerQuery(db, workgroupId).where('customers.id', '=', id).executeTakeFirst();
  return row && toCustomer(row);
}

/** Customers whose Company Name or Primary Email Domain contains `search`, case-insensitively. */
export async function listCustomers(
  db: Db,
  workgroupId: string,
  query: PageRequest & { search?: string | undefined },
): Promise<Page<Customer>> {
  let base = db.selectFrom('customers').where('workgroup_id', '=', workgroupId);
  if (query.search !== undefined && query.search !== '') {
    const pattern = containsPattern(query.search);
    base = base.where((eb) =>
      eb.or([eb('company_name', 'ilike', pattern), eb('primary_domain', 'ilike', pattern)]),
    );
  }
  const { total } = await base.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow();
  const ids = base.select('id');
  const rows = await customerQuery(db, workgroupId)
    .where('customers.id', 'in', ids)
    .orderBy((eb) => eb.fn('lower', ['customers.company_name']))
    .orderBy('customers.id')
    .limit(query.pageSize)
    .offset(offsetOf(query))
    .execute();
  return { items: rows.map(toCustomer), total: Number(total), page: query.page, pageSize: query.pageSize };
}

export async function updateCustomer(
  db: Db,
  workgroupId: string,
  id: string,
  fields: CustomerPatch,
): Promise<Customer | undefined> {
  const result = await db
    .updateTable('customers')
    .set({
      updated_at: new Date(),
      ...(fields.companyName === undefined ? {} : { company_name: fields.companyName }),
      ...(fields.primaryDomain === undefined ? {} : { primary_domain: fields.primaryDomain }),
      ...optionalColumns(fields),
    })
    .where('workgroup_id', '=', workgroupId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n ? findCustomer(db, workgroupId, id) : undefined;
}

/** Emails of the customer's users that hold or held a licence: they keep it, so they cannot be deleted. */
export async function licensedUserEmails(
  db: Db,
  workgroupId: string,
  where: { customerId: string; userId?: string },
): Promise<string[]> {
  let query = db
    .selectFrom('customer_users')
    .innerJoin('licences', 'licences.customer_user_id', 'customer_users.id')
    .select('customer_users.email')
    .distinct()
    .where('customer_users.workgroup_id', '=', workgroupId)
    .where('customer_users.customer_id', '=', where.customerId);
  if (where.userId !== undefined) query = query.where('customer_users.id', '=', where.userId);
  return (await query.orderBy('customer_users.email').execute()).map((r) => r.email);
}

export async function deleteCustomer(db: Db, workgroupId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('customers')
    .where('workgroup_id', '=', workgroupId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

function optionalColumns(fields: CustomerPatch): Partial<Record<OptionalField, string | null>> {
  const columns: Partial<Record<OptionalField, string | null>> = {};
  for (const key of CUSTOMER_OPTIONAL_FIELDS) {
    const value = fields[key];
    if (value !== undefined) columns[key] = value === null || value.trim() === '' ? null : value.trim();
  }
  return columns;
}

function userQuery(db: Db, workgroupId: string) {
  return db
    .selectFrom('customer_users as u')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('licences')
          .select(['licences.expires_at', 'licences.first_used_at'])
          .whereRef('licences.customer_user_id', '=', 'u.id')
          .orderBy('licences.expires_at', 'desc')
          .limit(1)
          .as('l'),
      (join) => join.onTrue(),
    )
    .select([
      'u.id',
      'u.customer_id',
      'u.email',
      'u.first_name',
      'u.last_name',
      'u.created_at',
      'l.expires_at',
      'l.first_used_at',
    ])
    .where('u.workgroup_id', '=', workgroupId);
}

function toCustomerUser(
  row: {
    id: string;
    customer_id: string;
    email: string;
    first_name: string | null;
    last_name: string | null;
    created_at: Date;
    expires_at: Date | null;
    first_used_at: Date | null;
  },
  now: Date,
): CustomerUser {
  const state: LicenceState =
    row.expires_at === null ? 'none' : row.expires_at > now ? 'licensed' : 'expired';
  return {
    id: row.id,
    customerId: row.customer_id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    createdAt: row.created_at,
    licence: { state, expiresAt: row.expires_at, firstUsedAt: row.first_used_at },
  };
}

export async function listCustomerUsers(
  db: Db,
  workgroupId: string,
  customerId: string,
  query: PageRequest & { search?: string | undefined },
  now = new Date(),
): Promise<Page<CustomerUser>> {
  let filtered = userQuery(db, workgroupId).where('u.customer_id', '=', customerId);
  if (query.search !== undefined && query.search !== '') {
    const pattern = containsPattern(query.search);
    filtered = filtered.where((eb) =>
      eb.or([
        eb('u.email', 'ilike', pattern),
        eb('u.first_name', 'ilike', pattern),
        eb('u.last_name', 'ilike', pattern),
      ]),
    );
  }
  const { total } = await filtered
    .clearSelect()
    .select((eb) => eb.fn.countAll<string>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await filtered.orderBy('u.email').limit(query.pageSize).offset(offsetOf(query)).execute();
  return {
    items: rows.map((r) => toCustomerUser(r, now)),
    total: Number(total),
    page: query.page,
    pageSize: query.pageSize,
  };
}

export async function findCustomerUsers(
  db: Db,
  workgroupId: string,
  ids: readonly string[],
  now = new Date(),
): Promise<CustomerUser[]> {
  if (ids.length === 0) return [];
  const rows = await userQuery(db, workgroupId).where('u.id', 'in', ids).execute();
  return rows.map((r) => toCustomerUser(r, now));
}

/** Adds users to a customer; emails it already has are left as they are and returned in `existing`. */
export async function addCustomerUsers(
  db: Db,
  workgroupId: string,
  customerId: string,
  users: readonly CustomerUserInput[],
): Promise<{ added: { id: string; email: string }[]; existing: string[] }> {
  if (users.length === 0) return { added: [], existing: [] };
  const added: { id: string; email: string }[] = [];
  // In slices: PostgreSQL takes at most 65,535 parameters in one statement.
  for (let i = 0; i < users.length; i += 1000) {
    added.push(
      ...(await db
        .insertInto('customer_users')
        .values(
          users.slice(i, i + 1000).map((u) => ({
            workgroup_id: workgroupId,
            customer_id: customerId,
            email: mailboxKey(u.email),
            first_name: u.firstName ?? null,
            last_name: u.lastName ?? null,
          })),
        )
        .onConflict((oc) => oc.columns(['customer_id', 'email']).doNothing())
        .returning(['id', 'email'])
        .execute()),
    );
  }
  const addedEmails = new Set(added.map((r) => r.email));
  return {
    added,
    existing: users.map((u) => mailboxKey(u.email)).filter((e) => !addedEmails.has(e)),
  };
}

/** Which of these emails the customer already has as users. */
export async function existingUserEmails(
  db: Db,
  workgroupId: string,
  customerId: string,
  emails: readonly string[],
): Promise<string[]> {
  if (emails.length === 0) return [];
  const rows = await db
    .selectFrom('customer_users')
    .select('email')
    .where('workgroup_id', '=', workgroupId)
    .where('customer_id', '=', customerId)
    .where(
      'email',
      'in',
      emails.map((e) => mailboxKey(e)),
    )
    .execute();
  return rows.map((r) => r.email);
}

/**
 * Makes sure the customer has these users (a mailbox's user is its source address), adding the
 * missing ones; returns the emails it added. For the projects side, inside its transaction.
 */
export async function ensureCustomerUsers(
  trx: Db,
  workgroupId: string,
  customerId: string,
  users: readonly { email: string; firstName?: string; lastName?: string }[],
): Promise<string[]> {
  return (await addCustomerUsers(trx, workgroupId, customerId, users)).added.map((u) => u.email);
}

export async function updateCustomerUser(
  db: Db,
  workgroupId: string,
  customerId: string,
  userId: string,
  fields: {
    email?: string | undefined;
    firstName?: string | null | undefined;
    lastName?: string | null | undefined;
  },
): Promise<boolean> {
  const result = await db
    .updateTable('customer_users')
    .set({
      ...(fields.email === undefined ? {} : { email: mailboxKey(fields.email) }),
      ...(fields.firstName === undefined ? {} : { first_name: fields.firstName }),
      ...(fields.lastName === undefined ? {} : { last_name: fields.lastName }),
    })
    .where('workgroup_id', '=', workgroupId)
    .where('customer_id', '=', customerId)
    .where('id', '=', userId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteCustomerUser(
  db: Db,
  workgroupId: string,
  customerId: string,
  userId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('customer_users')
    .where('workgroup_id', '=', workgroupId)
    .where('customer_id', '=', customerId)
    .where('id', '=', userId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
