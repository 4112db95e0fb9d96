import { UserError } from '../../domain/errors.ts';
import { ApiClient, query } from '../api-client.ts';
import { apiCommand, parsePositiveInt, printJson, printPageFooter, printTable } from '../output.ts';

export interface Customer {
  id: string;
  companyName: string;
  primaryDomain: string;
  country: string | null;
  industry: string | null;
  address: string | null;
  phone: string | null;
  website: string | null;
  userCount: number;
}
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A customer by id, exact Company Name or Primary Email Domain (any case). */
export async function resolveCustomer(client: ApiClient, ref: string): Promise<string> {
  if (UUID.test(ref)) return ref;
  const page = await client.json<Page<Customer>>(
    'GET',
    `/api/customers${query({ search: ref, pageSize: 500 })}`,
  );
  const matches = page.items.filter(
    (c) => c.companyName.toLowerCase() === ref.toLowerCase() || c.primaryDomain === ref.toLowerCase(),
  );
  if (matches.length === 1) return matches[0]!.id;
  throw new UserError(
    'CUSTOMER_UNKNOWN',
    matches.length === 0
      ? `No customer is named ${ref} or has it as Primary Email Domain; see "ferry customers list".`
      : `${matches.length} customers match ${ref}; give the customer's id.`,
  );
}

interface FieldOptions {
  companyName?: string;
  domain?: string;
  country?: string;
  industry?: string;
  address?: string;
  phone?: string;
  website?: string;
  json?: boolean;
}

function fieldsOf(options: FieldOptions) {
  const fields: Record<string, string> = {};
  if (options.companyName !== undefined) fields.companyName = options.companyName;
  if (options.domain !== undefined) fields.primaryDomain = options.domain;
  for (const key of ['country', 'industry', 'address', 'phone', 'website'] as const) {
    const value = options[key];
    if (value !== undefined) fields[key] = value;
  }
  return fields;
}

function printCustomer(customer: Customer, json: boolean): void {
  if (json) return printJson(customer);
  printTable(
    [
      ['Company Name', customer.companyName],
      ['Primary Email Domain', customer.primaryDomain],
      ['Country', customer.country],
      ['Industry', customer.industry],
      ['Address', customer.address],
      ['Phone', customer.phone],
      ['Website', customer.website],
      ['Users', customer.userCount],
      ['Id', customer.id],
    ] as const,
    [
      { header: 'FIELD', value: (r) => r[0] },
      { header: 'VALUE', value: (r) => r[1] },
    ],
  );
}

export function customersCommand() {
  const customers = apiCommand('customers', 'Customers of the workgroup (MSPComplete: All Customers)');
  const withFields = (command: ReturnType<typeof customers.command>) =>
    command
      .option('--country <country>', 'country')
      .option('--industry <industry>', 'industry')
      .option('--address <address>', 'postal address')
      .option('--phone <phone>', 'phone number')
      .option('--website <url>', 'website')
      .option('--json', 'print JSON');

  customers
    .command('list')
    .description('Customers; --search matches Company Name or Primary Email Domain, any case')
    .option('--search <text>', 'text to look for')
    .option('--page <n>', 'page', parsePositiveInt, 1)
    .option('--page-size <n>', 'customers per page', parsePositiveInt, 50)
    .option('--json', 'print JSON')
    .action(async (options: { search?: string; page: number; pageSize: number; json?: boolean }) => {
      const client = await ApiClient.fromLogin();
      const page = await client.json<Page<Customer>>(
        'GET',
        `/api/customers${query({ search: options.search, page: options.page, pageSize: options.pageSize })}`,
      );
      if (options.json === true) return printJson(page);
      printTable(page.items, [
        { header: 'COMPANY NAME', value: (c) => c.companyName },
        { header: 'PRIMARY EMAIL DOMAIN', value: (c) => c.primaryDomain },
        { header: 'USERS', value: (c) => c.userCount },
        { header: 'ID', value: (c) => c.id },
      ]);
      printPageFooter(page);
    });

  customers
    .command('show <customer>')
    .description('One customer (id, Company Name or Primary Email Domain)')
    .option('--json', 'print JSON')
    .action(async (ref: string, options: { json?: boolean }) => {
      const client = await ApiClient.fromLogin();
      const customer = await client.json<Customer>(
        'GET',
        `/api/customers/${await resolveCustomer(client, ref)}`,
      );
      printCustomer(customer, options.json === true);
    });

  withFields(
    customers
      .command('add')
      .description('Add Customer: Company Name and Primary Email Domain are required, the rest optional')
      .requiredOption('--company-name <name>', 'Company Name')
      .requiredOption('--domain <domain>', 'Primary Email Domain, such as contoso.com'),
  ).action(async (options: FieldOptions) => {
    const client = await ApiClient.fromLogin();
    printCustomer(
      await client.json<Customer>('POST', '/api/customers', fieldsOf(options)),
      options.json === true,
    );
  });

  withFields(
    customers
      .command('update <customer>')
      .description("Edit a customer's information")
      .option('--company-name <name>', 'Company Name')
      .option('--domain <domain>', 'Primary Email Domain'),
  ).action(async (ref: string, options: FieldOptions) => {
    const fields = fieldsOf(options);
    if (Object.keys(fields).length === 0)
      throw new UserError('NOTHING_TO_CHANGE', 'Give at least one field to change.');
    const client = await ApiClient.fromLogin();
    const id = await resolveCustomer(client, ref);
    printCustomer(
      await client.json<Customer>('PATCH', `/api/customers/${id}`, fields),
      options.json === true,
    );
  });

  customers
    .command('delete <customer>')
    .description('Delete a customer and its users (Manager or higher)')
    .action(async (ref: string) => {
      const client = await ApiClient.fromLogin();
      const id = await resolveCustomer(client, ref);
      await client.json('DELETE', `/api/customers/${id}`);
      process.stdout.write(`Deleted customer ${ref}.\n`);
    });

  return customers;
}
