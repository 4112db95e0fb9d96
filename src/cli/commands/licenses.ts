import { Option } from 'commander';
import cliProgress from 'cli-progress';

import { UserError } from '../../domain/errors.ts';
import { formatMoney } from '../../domain/licences.ts';
import { ApiClient, query } from '../api-client.ts';
import { apiCommand, parsePositiveInt, printJson, printPageFooter, printTable } from '../output.ts';
import { type Page, resolveCustomer } from './customers.ts';
import { allUsers } from './users.ts';

interface Order {
  id: string;
  quantity: number;
  paymentMethod: string;
  amountCents: number;
  currency: string;
  status: string;
  createdAt: string;
  paidAt: string | null;
  expiresAt: string | null;
}

/** The API applies at most this many users per request; bigger selections go in batches with a progress bar. */
const APPLY_BATCH = 500;

export function licensesCommand() {
  const licenses = apiCommand('licenses', 'User Migration Bundle licences: Purchase, apply to users, log');

  licenses
    .command('summary')
    .description('Available, assigned, used, expired and pending licences')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const client = await ApiClient.fromLogin();
      const summary = await client.json<Record<string, number | string | null>>('GET', '/api/licenses');
      if (options.json === true) return printJson(summary);
      printTable(Object.entries(summary), [
        { header: 'LICENCES', value: ([k]) => k },
        { header: 'COUNT', value: ([, v]) => v },
      ]);
    });

  licenses
    .command('purchase')
    .description(
      'Purchase licences (Manager or higher): card → available at once; wire (100 or more) → available when the payment is recorded; purchase orders are not accepted',
    )
    .requiredOption('--quantity <n>', 'number of User Migration Bundle licences', parsePositiveInt)
    .addOption(
      new Option('--method <method>', 'payment method')
        .choices(['card', 'wire', 'purchaseOrder'])
        .makeOptionMandatory(),
    )
    .option('--card-number <number>', 'card number (the built-in test provider accepts 4242 4242 4242 4242)')
    .option('--card-expiry <MM/YYYY>', 'card expiry month and year')
    .option('--card-cvc <cvc>', 'card security code')
    .option('--billing-address <address>', 'billing address, if applicable')
    .option('--json', 'print JSON')
    .action(
      async (options: {
        quantity: number;
        method: string;
        cardNumber?: string;
        cardExpiry?: string;
        cardCvc?: string;
        billingAddress?: string;
        json?: boolean;
      }) => {
        const card = options.method === 'card' ? cardOf(options) : undefined;
        const client = await ApiClient.fromLogin();
        const order = await client.json<Order>('POST', '/api/licenses/orders', {
          quantity: options.quantity,
          paymentMethod: options.method,
          ...(card === undefined ? {} : { card }),
          ...(options.billingAddress === undefined ? {} : { billingAddress: options.billingAddress }),
        });
        if (options.json === true) return printJson(order);
        const price = formatMoney(order.amountCents, order.currency);
        process.stdout.write(
          order.status === 'paid'
            ? `Order ${order.id}: ${order.quantity} licences for ${price}, paid and available until ${order.expiresAt}.\n`
            : `Order ${order.id}: ${order.quantity} licences for ${price}, pending until the wire transfer is recorded ("ferry licenses record-payment ${order.id}").\n`,
        );
      },
    );

  licenses
    .command('orders')
    .description('Licence orders (Manager or higher)')
    .option('--page <n>', 'page', parsePositiveInt, 1)
    .option('--json', 'print JSON')
    .action(async (options: { page: number; json?: boolean }) => {
      const client = await ApiClient.fromLogin();
      const page = await client.json<Page<Order>>(
        'GET',
        `/api/licenses/orders${query({ page: options.page })}`,
      );
      if (options.json === true) return printJson(page);
      printTable(page.items, [
        { header: 'ORDERED', value: (o) => o.createdAt.slice(0, 10) },
        { header: 'QUANTITY', value: (o) => o.quantity },
        { header: 'METHOD', value: (o) => o.paymentMethod },
        { header: 'AMOUNT', value: (o) => formatMoney(o.amountCents, o.currency) },
        { header: 'STATUS', value: (o) => o.status },
        { header: 'EXPIRES', value: (o) => o.expiresAt?.slice(0, 10) },
        { header: 'ID', value: (o) => o.id },
      ]);
      printPageFooter(page);
    });

  licenses
    .command('record-payment <order>')
    .description(
      'Record the wire transfer of a pending order: its licences become available (Manager or higher)',
    )
    .option('--reference <text>', 'bank reference of the transfer')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { reference?: string; json?: boolean }) => {
      const client = await ApiClient.fromLogin();
      const order = await client.json<Order>(
        'POST',
        `/api/licenses/orders/${encodeURIComponent(id)}/payment`,
        options.reference === undefined ? {} : { reference: options.reference },
      );
      if (options.json === true) return printJson(order);
      process.stdout.write(
        `Order ${order.id} paid: ${order.quantity} licences available until ${order.expiresAt}.\n`,
      );
    });

  licenses
    .command('apply')
    .description('Apply User Migration Bundle License to users of a customer (Manager or higher)')
    .requiredOption('--customer <customer>', 'id, Company Name or Primary Email Domain')
    .option('--users <emails>', 'comma-separated emails of the users')
    .option('--all-unlicensed', 'every user of the customer without an unexpired licence')
    .option('--json', 'print JSON')
    .action(
      async (options: { customer: string; users?: string; allUnlicensed?: boolean; json?: boolean }) => {
        if ((options.users === undefined) === (options.allUnlicensed !== true))
          throw new UserError('APPLY_OPTIONS', 'Give either --users or --all-unlicensed.');
        const client = await ApiClient.fromLogin();
        const customerId = await resolveCustomer(client, options.customer);
        const users = await allUsers(client, customerId);
        let selected: string[];
        if (options.users === undefined) {
          selected = users.filter((u) => u.licence.state !== 'licensed').map((u) => u.id);
        } else {
          const byEmail = new Map(users.map((u) => [u.email, u.id]));
          const emails = options.users
            .split(',')
            .map((e) => e.trim().toLowerCase())
            .filter((e) => e !== '');
          const unknown = emails.filter((e) => !byEmail.has(e));
          if (unknown.length > 0)
            throw new UserError('USER_UNKNOWN', `The customer has no user ${unknown.join(', ')}.`);
          selected = emails.map((e) => byEmail.get(e)!);
        }
        if (selected.length === 0) throw new UserError('NOTHING_TO_APPLY', 'No users to apply licences to.');
        // Each batch is all-or-nothing; checking the total first keeps a large selection from half applying.
        const summary = await client.json<{ available: number }>('GET', '/api/licenses');
        const unlicensed = users.filter(
          (u) => selected.includes(u.id) && u.licence.state !== 'licensed',
        ).length;
        if (unlicensed > summary.available)
          throw new UserError(
            'NOT_ENOUGH_LICENCES',
            `You need ${unlicensed - summary.available} more User Migration Bundle licences; purchase them with "ferry licenses purchase".`,
          );
        const bar =
          options.json === true || selected.length <= APPLY_BATCH
            ? undefined
            : new cliProgress.SingleBar({
                format: 'Applying {bar} {value}/{total} users',
                stream: process.stderr,
              });
        bar?.start(selected.length, 0);
        const applied: { email: string }[] = [];
        const alreadyLicensed: { email: string }[] = [];
        for (let start = 0; start < selected.length; start += APPLY_BATCH) {
          const batch = selected.slice(start, start + APPLY_BATCH);
          const result = await client.json<{
            applied: { email: string }[];
            alreadyLicensed: { email: string }[];
          }>('POST', '/api/licenses/apply', { customerUserIds: batch });
          applied.push(...result.applied);
          alreadyLicensed.push(...result.alreadyLicensed);
          bar?.increment(batch.length);
        }
        bar?.stop();
        if (options.json === true) return printJson({ applied, alreadyLicensed });
        process.stdout.write(
          `Applied ${applied.length} licences${alreadyLicensed.length > 0 ? `; ${alreadyLicensed.length} users already had one` : ''}.\n`,
        );
      },
    );

  licenses
    .command('log')
    .description('The append-only licence log: grants, applications and uses (Manager or higher)')
    .option('--page <n>', 'page', parsePositiveInt, 1)
    .option('--json', 'print JSON')
    .action(async (options: { page: number; json?: boolean }) => {
      const client = await ApiClient.fromLogin();
      const page = await client.json<
        Page<{
          at: string;
          event: string;
          quantity: number;
          userEmail: string | null;
          pass: string | null;
          orderId: string | null;
        }>
      >('GET', `/api/licenses/log${query({ page: options.page })}`);
      if (options.json === true) return printJson(page);
      printTable(page.items, [
        { header: 'AT', value: (e) => e.at },
        { header: 'EVENT', value: (e) => e.event },
        { header: 'QUANTITY', value: (e) => e.quantity },
        { header: 'USER', value: (e) => e.userEmail },
        { header: 'PASS', value: (e) => e.pass },
        { header: 'ORDER', value: (e) => e.orderId },
      ]);
      printPageFooter(page);
    });

  return licenses;
}

function cardOf(options: { cardNumber?: string; cardExpiry?: string; cardCvc?: string }) {
  const expiry = /^(\d{1,2})\/(\d{2}|\d{4})$/.exec(options.cardExpiry ?? '');
  if (options.cardNumber === undefined || expiry === null || options.cardCvc === undefined) {
    throw new UserError(
      'CARD_REQUIRED',
      'Paying by card needs --card-number, --card-expiry MM/YYYY and --card-cvc.',
    );
  }
  const year = Number(expiry[2]);
  return {
    number: options.cardNumber,
    expiryMonth: Number(expiry[1]),
    expiryYear: year < 100 ? 2000 + year : year,
    cvc: options.cardCvc,
  };
}
