import { z } from 'zod';

import { appendAudit, recentAgentActions } from '../../../db/audit-log.ts';
import { customerFirstNames, findMailboxes } from '../../../db/project-mailboxes.ts';
import { saveNotifyTemplate } from '../../../db/projects.ts';
import {
  DEFAULT_NOTIFY_TEMPLATE,
  migrationDateParts,
  NOTIFY_PLACEHOLDERS,
  renderNotifyTemplate,
  unknownPlaceholders,
} from '../../../domain/notify-template.ts';
import { mailboxKey } from '../../../domain/mailbox-address.ts';
import type { App } from '../../app-type.ts';
import type { ControlPlaneDeps } from '../../control-plane-deps.ts';
import { HttpError } from '../../errors.ts';
import { invalid, projectOf } from './access.ts';
import { emailAddress, errorResponses, idParams, safeText } from './schemas.ts';

const templateSchema = z.object({
  subject: z.string().trim().min(1).max(500),
  body: z.string().trim().min(1).max(20_000),
});
/** An email subject is one line: a line break would end the header it is written into. */
const subjectInput = safeText({ min: 1, max: 500 });
const templateInput = templateSchema.extend({ subject: subjectInput });

function checkTemplate(template: { subject: string; body: string }) {
  const unknown = [...unknownPlaceholders(template.subject), ...unknownPlaceholders(template.body)];
  if (unknown.length > 0)
    throw invalid([
      {
        field: 'template',
        message: `uses unknown placeholders ${unknown.map((u) => `{{${u}}}`).join(', ')} (known: ${NOTIFY_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')})`,
      },
    ]);
}

/** Notify Users emails people outside the MSP: an agent sends it at most this often. */
export const NOTIFY_RATE_LIMIT = { sends: 5, windowMs: 10 * 60_000 } as const;

/** 429 when the agent used up the window; counted from the audit log, so it holds across processes and restarts. */
async function checkNotifyRate(db: ControlPlaneDeps['db'], agent: { id: string; workgroupId: string }) {
  const recent = await recentAgentActions(
    db,
    { workgroupId: agent.workgroupId, agentId: agent.id },
    'users.notified',
    NOTIFY_RATE_LIMIT.windowMs,
  );
  if (recent.length < NOTIFY_RATE_LIMIT.sends) return;
  const retryAfterSeconds = Math.max(
    1,
    Math.ceil((recent[0]!.getTime() + NOTIFY_RATE_LIMIT.windowMs - Date.now()) / 1000),
  );
  throw new HttpError(
    429,
    'NOTIFY_RATE_LIMITED',
    `You sent Notify Users ${recent.length} times in the last ${NOTIFY_RATE_LIMIT.windowMs / 60_000} minutes, the most allowed; try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s).`,
    { details: { retryAfterSeconds }, headers: { 'retry-after': String(retryAfterSeconds) } },
  );
}

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'is not a time zone such as Europe/Paris');

export function notifyRoutes(app: App, { db, mailer }: ControlPlaneDeps): void {
  app.get(
    '/api/projects/:id/notify-template',
    {
      schema: {
        tags: ['notify'],
        summary:
          'The Notify Users email template of the project (placeholders {{firstName}}, {{email}}, {{date}}, {{time}})',
        params: idParams,
        response: { 200: templateSchema.extend({ placeholders: z.array(z.string()) }), ...errorResponses },
      },
    },
    async (request) => {
      const { project } = await projectOf(db, request, request.params.id);
      return {
        ...(project.notifyTemplate ?? DEFAULT_NOTIFY_TEMPLATE),
        placeholders: [...NOTIFY_PLACEHOLDERS],
      };
    },
  );

  app.put(
    '/api/projects/:id/notify-template',
    {
      schema: {
        tags: ['notify'],
        summary: 'Save the project’s Notify Users template',
        params: idParams,
        body: templateInput,
        response: { 200: templateSchema.extend({ placeholders: z.array(z.string()) }), ...errorResponses },
      },
    },
    async (request) => {
      const { project } = await projectOf(db, request, request.params.id);
      checkTemplate(request.body);
      await saveNotifyTemplate(db, project.id, request.body);
      return { ...request.body, placeholders: [...NOTIFY_PLACEHOLDERS] };
    },
  );

  app.post(
    '/api/projects/:id/notify',
    {
      schema: {
        tags: ['notify'],
        summary: 'Notify Users: email the selected mailboxes’ users the date and time of their migration',
        params: idParams,
        body: z.object({
          mailboxIds: z.array(z.uuid()).min(1).max(10_000),
          migrationAt: z.iso.datetime({ offset: true }).describe('When the migration happens'),
          timeZone: timeZone.default('UTC').describe('Time zone the users read the time in (IANA name)'),
          subject: subjectInput.optional().describe('Default: the project template'),
          template: z.string().trim().min(1).max(20_000).optional().describe('Default: the project template'),
          sendTo: z
            .enum(['source', 'destination'])
            .default('source')
            .describe('Which address of each mailbox receives it'),
          overrideAddress: emailAddress
            .optional()
            .describe('Send every notice to this address instead, for a test: only your own address'),
        }),
        response: { 202: z.object({ sent: z.number().int() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { agent, project } = await projectOf(db, request, request.params.id);
      const { overrideAddress } = request.body;
      if (overrideAddress !== undefined && mailboxKey(overrideAddress) !== mailboxKey(agent.email))
        throw invalid([
          {
            field: 'overrideAddress',
            message: `can only be your own address (${agent.email}): a test goes to the agent who sends it`,
          },
        ]);
      await checkNotifyRate(db, agent);
      const saved = project.notifyTemplate ?? DEFAULT_NOTIFY_TEMPLATE;
      const template = {
        subject: request.body.subject ?? saved.subject,
        body: request.body.template ?? saved.body,
      };
      checkTemplate(template);
      const ids = [...new Set(request.body.mailboxIds)];
      const mailboxes = await findMailboxes(db, project.id, ids);
      if (mailboxes.length !== ids.length)
        throw invalid([{ field: 'mailboxIds', message: 'include mailboxes that are not in this project' }]);
      const firstNames = await customerFirstNames(
        db,
        project.customerId,
        mailboxes.map((m) => m.source),
      );
      const { date, time } = migrationDateParts(new Date(request.body.migrationAt), request.body.timeZone);
      for (const mailbox of mailboxes) {
        const email = request.body.sendTo === 'source' ? mailbox.source : mailbox.destination;
        const values = {
          firstName: firstNames.get(mailbox.source.toLowerCase()) ?? mailbox.source.split('@')[0] ?? '',
          email: mailbox.source,
          date,
          time,
        };
        await mailer.send({
          to: [overrideAddress ?? email],
          subject: renderNotifyTemplate(template.subject, values),
          text: renderNotifyTemplate(template.body, values),
        });
      }
      await appendAudit(db, {
        workgroupId: agent.workgroupId,
        agentId: agent.id,
        action: 'users.notified',
        target: project.name,
        details: {
          projectId: project.id,
          mailboxes: mailboxes.length,
          migrationAt: request.body.migrationAt,
        },
      });
      return reply.status(202).send({ sent: mailboxes.length });
    },
  );
}
