import { z } from 'zod';

import { appendAudit } from '../../../db/audit-log.ts';
import {
  addCustomerUsers,
  deleteCustomerUser,
  existingUserEmails,
  findCustomer,
  findCustomerUsers,
  licensedUserEmails,
  listCustomerUsers,
  updateCustomerUser,
} from '../../../db/customers.ts';
import type { Db } from '../../../db/database.ts';
import {
  checkCustomerUsers,
  type CustomerUserProblem,
  type CustomerUserRow,
  isValidEmail,
  MAX_NAME_LENGTH,
  parseCustomerUsersCsv,
} from '../../../domain/customers.ts';
import type { App } from '../../app-type.ts';
import { requireAgent, requireRole } from '../../auth.ts';
import type { ControlPlaneDeps } from '../../control-plane-deps.ts';
import { HttpError, notFound } from '../../errors.ts';
import { mspErrorResponses, pageOf, searchPageQuery } from './schemas.ts';

export const MAX_BULK_USERS = 10_000;

const customerParams = z.object({ id: z.uuid() });
const userParams = z.object({ id: z.uuid(), userId: z.uuid() });
const name = z.string().trim().max(MAX_NAME_LENGTH);
const userInput = z.object({
  email: z.string().trim().max(320),
  firstName: name.optional(),
  lastName: name.optional(),
});

export const customerUserSchema = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  email: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  createdAt: z.date(),
  licence: z.object({
    state: z
      .enum(['none', 'licensed', 'expired'])
      .describe('licensed: holds an unexpired User Migration Bundle licence'),
    expiresAt: z.date().nullable(),
    firstUsedAt: z.date().nullable(),
  }),
});

async function requireCustomer(db: Db, workgroupId: string, customerId: string) {
  const customer = await findCustomer(db, workgroupId, customerId);
  if (customer === undefined) throw notFound('That customer');
  return customer;
}

function invalidList(problems: readonly CustomerUserProblem[]): HttpError {
  const shown = problems.slice(0, 10).map((p) => `line ${p.line}: ${p.message}`);
  return new HttpError(
    400,
    'INVALID_USER_LIST',
    `Nothing was imported: ${problems.length} line${problems.length === 1 ? '' : 's'} need fixing (${shown.join('; ')}${problems.length > 10 ? '; …' : ''}).`,
    { details: { problems } },
  );
}

export function customerUserRoutes(app: App, { db }: ControlPlaneDeps): void {
  app.get(
    '/api/customers/:id/users',
    {
      schema: {
        tags: ['customers'],
        summary: "A customer's users with their licence state; search matches email or names",
        params: customerParams,
        querystring: searchPageQuery,
        response: { 200: pageOf(customerUserSchema), ...mspErrorResponses },
      },
    },
    async (request) => {
      const { workgroupId } = requireAgent(request);
      await requireCustomer(db, workgroupId, request.params.id);
      return listCustomerUsers(db, workgroupId, request.params.id, request.query);
    },
  );

  app.post(
    '/api/customers/:id/users',
    {
      schema: {
        tags: ['customers'],
        summary: 'Add one user to a customer',
        params: customerParams,
        body: userInput,
        response: { 201: customerUserSchema, ...mspErrorResponses },
      },
    },
    async (request, reply) => {
      const agent = requireAgent(request);
      const { users, problems } = checkCustomerUsers([{ line: 1, ...request.body }]);
      if (problems.length > 0 || users[0] === undefined) {
        throw new HttpError(
          400,
          'VALIDATION_FAILED',
          `The request is invalid: email ${problems[0]?.message}.`,
          {
            details: { problems: [{ field: 'email', message: problems[0]?.message }] },
          },
        );
      }
      const user = users[0];
      const created = await db.transaction().execute(async (trx) => {
        const customer = await requireCustomer(trx, agent.workgroupId, request.params.id);
        const { added } = await addCustomerUsers(trx, agent.workgroupId, customer.id, [user]);
        if (added.length === 0) {
          throw new HttpError(
            409,
            'USER_EXISTS',
            `${user.email} is already a user of ${customer.companyName}.`,
          );
        }
        await appendAudit(trx, {
          workgroupId: agent.workgroupId,
          agentId: agent.id,
          action: 'customer_user.added',
          target: user.email,
          details: { customerId: customer.id, count: 1 },
        });
        const [addedUser] = await findCustomerUsers(trx, agent.workgroupId, [added[0]!.id]);
        return addedUser!;
      });
      return reply.status(201).send(created);
    },
  );

  app.post(
    '/api/customers/:id/users/bulk',
    {
      schema: {
        tags: ['customers'],
        summary:
          'Bulk Add users to a customer from a list or an email,firstName,lastName CSV; any bad line refuses the whole list',
        params: customerParams,
        body: z
          .object({
            users: z.array(userInput).max(MAX_BULK_USERS).optional(),
            csv: z
              .string()
              .max(5_000_000)
              .optional()
              .describe('email,firstName,lastName lines; header optional'),
            preview: z.boolean().default(false).describe('Check the list and report, changing nothing'),
          })
          .refine((b) => (b.users === undefined) !== (b.csv === undefined), {
            message: 'give either users or csv',
          }),
        response: {
          200: z.object({
            preview: z.boolean(),
            added: z.array(z.string()).describe('Emails added (or that would be added, in a preview)'),
            alreadyPresent: z.array(z.string()).describe('Emails the customer already had, left unchanged'),
          }),
          ...mspErrorResponses,
        },
      },
    },
    async (request) => {
      const agent = requireAgent(request);
      const { csv, users: listed, preview } = request.body;
      const checked =
        csv === undefined
          ? checkCustomerUsers((listed ?? []).map((u, index): CustomerUserRow => ({ line: index + 1, ...u })))
          : parseCustomerUsersCsv(csv);
      if (checked.problems.length > 0) throw invalidList(checked.problems);
      if (checked.users.length === 0) throw invalidList([{ line: 1, message: 'the list has no users' }]);
      if (checked.users.length > MAX_BULK_USERS)
        throw invalidList([{ line: 1, message: `the list has more than ${MAX_BULK_USERS} users; split it` }]);
      if (preview) {
        const customer = await requireCustomer(db, agent.workgroupId, request.params.id);
        const emails = checked.users.map((u) => u.email);
        const existing = new Set(await existingUserEmails(db, agent.workgroupId, customer.id, emails));
        return {
          preview: true,
          added: emails.filter((e) => !existing.has(e)),
          alreadyPresent: emails.filter((e) => existing.has(e)),
        };
      }
      return db.transaction().execute(async (trx) => {
        const customer = await requireCustomer(trx, agent.workgroupId, request.params.id);
        const result = await addCustomerUsers(trx, agent.workgroupId, customer.id, checked.users);
        await appendAudit(trx, {
          workgroupId: agent.workgroupId,
          agentId: agent.id,
          action: 'customer_user.added',
          target: customer.companyName,
          details: { customerId: customer.id, count: result.added.length },
        });
        return { preview: false, added: result.added.map((u) => u.email), alreadyPresent: result.existing };
      });
    },
  );

  app.patch(
    '/api/customers/:id/users/:userId',
    {
      schema: {
        tags: ['customers'],
        summary: "Edit a customer user's email or names; an applied licence stays with the user",
        params: userParams,
        body: z.object({
          email: z.string().trim().max(320).refine(isValidEmail, 'is not an email address').optional(),
          firstName: name.nullable().optional(),
          lastName: name.nullable().optional(),
        }),
        response: { 200: customerUserSchema, ...mspErrorResponses },
      },
    },
    async (request) => {
      const agent = requireAgent(request);
      return db.transaction().execute(async (trx) => {
        const customer = await requireCustomer(trx, agent.workgroupId, request.params.id);
        const updated = await updateCustomerUser(
          trx,
          agent.workgroupId,
          customer.id,
          request.params.userId,
          request.body,
        ).catch((error: unknown) => {
          if ((error as { code?: string }).code === '23505')
            throw new HttpError(
              409,
              'USER_EXISTS',
              `${request.body.email} is already a user of ${customer.companyName}.`,
            );
          throw error;
        });
        if (!updated) throw notFound('That customer user');
        const [user] = await findCustomerUsers(trx, agent.workgroupId, [request.params.userId]);
        await appendAudit(trx, {
          workgroupId: agent.workgroupId,
          agentId: agent.id,
          action: 'customer_user.updated',
          target: user!.email,
          details: { customerId: customer.id, fields: Object.keys(request.body) },
        });
        return user!;
      });
    },
  );

  app.delete(
    '/api/customers/:id/users/:userId',
    {
      schema: {
        tags: ['customers'],
        summary: 'Delete a customer user (Manager or higher; refused once a licence was applied to them)',
        params: userParams,
        response: { 204: z.null(), ...mspErrorResponses },
      },
    },
    async (request, reply) => {
      const agent = requireRole(request, 'manager');
      await db.transaction().execute(async (trx) => {
        const customer = await requireCustomer(trx, agent.workgroupId, request.params.id);
        const [user] = await findCustomerUsers(trx, agent.workgroupId, [request.params.userId]);
        if (user === undefined || user.customerId !== customer.id) throw notFound('That customer user');
        const licensed = await licensedUserEmails(trx, agent.workgroupId, {
          customerId: customer.id,
          userId: user.id,
        });
        if (licensed.length > 0) {
          throw new HttpError(
            409,
            'USER_LICENSED',
            `${user.email} cannot be deleted: a User Migration Bundle licence was applied to this user, and licences stay with their user.`,
          );
        }
        await deleteCustomerUser(trx, agent.workgroupId, customer.id, user.id);
        await appendAudit(trx, {
          workgroupId: agent.workgroupId,
          agentId: agent.id,
          action: 'customer_user.deleted',
          target: user.email,
          details: { customerId: customer.id },
        });
      });
      return reply.status(204).send(null);
    },
  );
}
