import { z } from 'zod';

import { appendAudit } from '../../../db/audit-log.ts';
import {
  createCustomer,
  deleteCustomer,
  findCustomer,
  licensedUserEmails,
  listCustomers,
  updateCustomer,
} from '../../../db/customers.ts';
import { isValidDomain, normaliseDomain } from '../../../domain/customers.ts';
import type { App } from '../../app-type.ts';
import { requireAgent, requireRole } from '../../auth.ts';
import type { ControlPlaneDeps } from '../../control-plane-deps.ts';
import { HttpError, notFound } from '../../errors.ts';
import { idParams, mspErrorResponses, pageOf, searchPageQuery } from './schemas.ts';

const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

const customerFields = z.object({
  companyName: z
    .string()
    .trim()
    .min(1, 'Company Name is required')
    .max(200)
    .describe('Company Name (required)'),
  primaryDomain: z
    .string()
    .transform(normaliseDomain)
    .refine(isValidDomain, 'is not a domain name such as contoso.com')
    .describe('Primary Email Domain (required), such as contoso.com'),
  country: optionalText(100),
  industry: optionalText(100),
  address: optionalText(1000),
  phone: optionalText(50),
  website: optionalText(500),
});

export const customerSchema = z.object({
  id: z.uuid(),
  companyName: z.string(),
  primaryDomain: z.string(),
  country: z.string().nullable(),
  industry: z.string().nullable(),
  address: z.string().nullable(),
  phone: z.string().nullable(),
  website: z.string().nullable(),
  userCount: z.number().int(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export function customerRoutes(app: App, { db }: ControlPlaneDeps): void {
  app.get(
    '/api/customers',
    {
      schema: {
        tags: ['customers'],
        summary: 'All Customers of the workgroup; search matches Company Name or Primary Email Domain',
        querystring: searchPageQuery,
        response: { 200: pageOf(customerSchema), ...mspErrorResponses },
      },
    },
    async (request) => listCustomers(db, requireAgent(request).workgroupId, request.query),
  );

  app.post(
    '/api/customers',
    {
      schema: {
        tags: ['customers'],
        summary: 'Add Customer: Primary Email Domain and Company Name are required, the rest optional',
        body: customerFields,
        response: { 201: customerSchema, ...mspErrorResponses },
      },
    },
    async (request, reply) => {
      const agent = requireAgent(request);
      const customer = await db.transaction().execute(async (trx) => {
        const created = await createCustomer(trx, agent.workgroupId, agent.id, request.body);
        await appendAudit(trx, {
          workgroupId: agent.workgroupId,
          agentId: agent.id,
          action: 'customer.created',
          target: created.companyName,
          details: { customerId: created.id, primaryDomain: created.primaryDomain },
        });
        return created;
      });
      return reply.status(201).send(customer);
    },
  );

  app.get(
    '/api/customers/:id',
    {
      schema: {
        tags: ['customers'],
        summary: 'One customer',
        params: idParams,
        response: { 200: customerSchema, ...mspErrorResponses },
      },
    },
    async (request) => {
      const customer = await findCustomer(db, requireAgent(request).workgroupId, request.params.id);
      if (customer === undefined) throw notFound('That customer');
      return customer;
    },
  );

  app.patch(
    '/api/customers/:id',
    {
      schema: {
        tags: ['customers'],
        summary: "Edit a customer's information",
        params: idParams,
        body: customerFields.partial(),
        response: { 200: customerSchema, ...mspErrorResponses },
      },
    },
    async (request) => {
      const agent = requireAgent(request);
      return db.transaction().execute(async (trx) => {
        const updated = await updateCustomer(trx, agent.workgroupId, request.params.id, request.body);
        if (updated === undefined) throw notFound('That customer');
        await appendAudit(trx, {
          workgroupId: agent.workgroupId,
          agentId: agent.id,
          action: 'customer.updated',
          target: updated.companyName,
          details: { customerId: updated.id, fields: Object.keys(request.body) },
        });
        return updated;
      });
    },
  );

  app.delete(
    '/api/customers/:id',
    {
      schema: {
        tags: ['customers'],
        summary: 'Delete a customer and its users (Manager or higher; refused while a user holds a licence)',
        params: idParams,
        response: { 204: z.null(), ...mspErrorResponses },
      },
    },
    async (request, reply) => {
      const agent = requireRole(request, 'manager');
      await db.transaction().execute(async (trx) => {
        const customer = await findCustomer(trx, agent.workgroupId, request.params.id);
        if (customer === undefined) throw notFound('That customer');
        const licensed = await licensedUserEmails(trx, agent.workgroupId, { customerId: customer.id });
        if (licensed.length > 0) {
          throw new HttpError(
            409,
            'CUSTOMER_HAS_LICENSED_USERS',
            `${customer.companyName} cannot be deleted: ${licensed.length} of its users hold User Migration Bundle licences (${licensed.slice(0, 5).join(', ')}${licensed.length > 5 ? ', …' : ''}), and licences stay with the user they were applied to.`,
            { details: { users: licensed } },
          );
        }
        await deleteCustomer(trx, agent.workgroupId, customer.id).catch((error: unknown) => {
          if ((error as { code?: string }).code === '23503') {
            throw new HttpError(
              409,
              'CUSTOMER_IN_USE',
              `${customer.companyName} cannot be deleted while migration projects use it; delete those projects first.`,
            );
          }
          throw error;
        });
        await appendAudit(trx, {
          workgroupId: agent.workgroupId,
          agentId: agent.id,
          action: 'customer.deleted',
          target: customer.companyName,
          details: { customerId: customer.id, users: customer.userCount },
        });
      });
      return reply.status(204).send(null);
    },
  );
}
