import { readFile } from 'node:fs/promises';

import { UserError } from '../../domain/errors.ts';
import { ApiClient, query } from '../api-client.ts';
import { apiCommand, parsePositiveInt, printJson, printPageFooter, printTable } from '../output.ts';
import { type Page, resolveCustomer } from './customers.ts';

export interface CustomerUser {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  licence: { state: string; expiresAt: string | null };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every user of the customer, all pages. */
export async function allUsers(client: ApiClient, customerId: string): Promise<CustomerUser[]> {
  const users: CustomerUser[] = [];
  for (let page = 1; ; page++) {
    const result = await client.json<Page<CustomerUser>>(
      'GET',
      `/api/customers/${customerId}/users${query({ page, pageSize: 500 })}`,
    );
    users.push(...result.items);
    if (users.length >= result.total || result.items.length === 0) return users;
  }
}

async function resolveUser(client: ApiClient, customerId: string, ref: string): Promise<string> {
  if (UUID.test(ref)) return ref;
  const user = (await allUsers(client, customerId)).find((u) => u.email === ref.trim().toLowerCase());
  if (user === undefined) throw new UserError('USER_UNKNOWN', `The customer has no user ${ref}.`);
  return user.id;
}

export function usersCommand() {
  const users = apiCommand('users', "A customer's users (MSPComplete: Customers → Users)");

  users
    .command('list')
    .description("A customer's users with their licence state")
    .requiredOption('--customer <customer>', 'id, Company Name or Primary Email Domain')
    .option('--search <text>', 'part of an email or name, any case')
    .option('--page <n>', 'page', parsePositiveInt, 1)
    .option('--page-size <n>', 'users per page', parsePositiveInt, 100)
    .option('--json', 'print JSON')
    .action(
      async (options: {
        customer: string;
        search?: string;
        page: number;
        pageSize: number;
        json?: boolean;
      }) => {
        const client = await ApiClient.fromLogin();
        const id = await resolveCustomer(client, options.customer);
        const page = await client.json<Page<CustomerUser>>(
          'GET',
          `/api/customers/${id}/users${query({ search: options.search, page: options.page, pageSize: options.pageSize })}`,
        );
        if (options.json === true) return printJson(page);
        printTable(page.items, [
          { header: 'EMAIL', value: (u) => u.email },
          { header: 'FIRST NAME', value: (u) => u.firstName },
          { header: 'LAST NAME', value: (u) => u.lastName },
          { header: 'LICENCE', value: (u) => u.licence.state },
          { header: 'EXPIRES', value: (u) => u.licence.expiresAt?.slice(0, 10) },
          { header: 'ID', value: (u) => u.id },
        ]);
        printPageFooter(page);
      },
    );

  users
    .command('add')
    .description('Add one user to a customer')
    .requiredOption('--customer <customer>', 'id, Company Name or Primary Email Domain')
    .requiredOption('--email <email>', 'email address of the user')
    .option('--first-name <name>', 'first name')
    .option('--last-name <name>', 'last name')
    .option('--json', 'print JSON')
    .action(
      async (options: {
        customer: string;
        email: string;
        firstName?: string;
        lastName?: string;
        json?: boolean;
      }) => {
        const client = await ApiClient.fromLogin();
        const id = await resolveCustomer(client, options.customer);
        const user = await client.json<CustomerUser>('POST', `/api/customers/${id}/users`, {
          email: options.email,
          ...(options.firstName === undefined ? {} : { firstName: options.firstName }),
          ...(options.lastName === undefined ? {} : { lastName: options.lastName }),
        });
        if (options.json === true) return printJson(user);
        process.stdout.write(`Added ${user.email} (${user.id}).\n`);
      },
    );

  users
    .command('import')
    .description(
      'Bulk Add users from an email,firstName,lastName CSV; a bad line refuses the whole file, every bad line named',
    )
    .requiredOption('--customer <customer>', 'id, Company Name or Primary Email Domain')
    .requiredOption('--csv <file>', 'the CSV file (header line optional)')
    .option('--preview', 'check the file and show what would be added, changing nothing')
    .option('--json', 'print JSON')
    .action(async (options: { customer: string; csv: string; preview?: boolean; json?: boolean }) => {
      const csv = await readFile(options.csv, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new UserError('CSV_UNREADABLE', `Cannot read ${options.csv}: ${error.code ?? error.message}.`);
      });
      const client = await ApiClient.fromLogin();
      const id = await resolveCustomer(client, options.customer);
      const result = await client.json<{ preview: boolean; added: string[]; alreadyPresent: string[] }>(
        'POST',
        `/api/customers/${id}/users/bulk`,
        { csv, preview: options.preview === true },
      );
      if (options.json === true) return printJson(result);
      const verb = result.preview ? 'Would add' : 'Added';
      process.stdout.write(
        `${verb} ${result.added.length} users; ${result.alreadyPresent.length} were already there.\n`,
      );
    });

  users
    .command('update <user>')
    .description("Edit a user's email or names (id or email); an applied licence stays with the user")
    .requiredOption('--customer <customer>', 'id, Company Name or Primary Email Domain')
    .option('--email <email>', 'new email address')
    .option('--first-name <name>', 'first name')
    .option('--last-name <name>', 'last name')
    .option('--json', 'print JSON')
    .action(
      async (
        ref: string,
        options: { customer: string; email?: string; firstName?: string; lastName?: string; json?: boolean },
      ) => {
        const fields = {
          ...(options.email === undefined ? {} : { email: options.email }),
          ...(options.firstName === undefined ? {} : { firstName: options.firstName }),
          ...(options.lastName === undefined ? {} : { lastName: options.lastName }),
        };
        if (Object.keys(fields).length === 0)
          throw new UserError('NOTHING_TO_CHANGE', 'Give at least one field to change.');
        const client = await ApiClient.fromLogin();
        const id = await resolveCustomer(client, options.customer);
        const userId = await resolveUser(client, id, ref);
        const user = await client.json<CustomerUser>('PATCH', `/api/customers/${id}/users/${userId}`, fields);
        if (options.json === true) return printJson(user);
        process.stdout.write(`Updated ${user.email}.\n`);
      },
    );

  users
    .command('delete <user>')
    .description('Delete a user (id or email) from a customer (Manager or higher)')
    .requiredOption('--customer <customer>', 'id, Company Name or Primary Email Domain')
    .action(async (ref: string, options: { customer: string }) => {
      const client = await ApiClient.fromLogin();
      const id = await resolveCustomer(client, options.customer);
      await client.json('DELETE', `/api/customers/${id}/users/${await resolveUser(client, id, ref)}`);
      process.stdout.write(`Deleted ${ref}.\n`);
    });

  return users;
}
