import { Readable } from 'node:stream';

import type { FastifyReply } from 'fastify';
import { z } from 'zod';

import { findMailbox } from '../../../db/project-mailboxes.ts';
import type { App } from '../../app-type.ts';
import type { ControlPlaneDeps } from '../../control-plane-deps.ts';
import { notFound } from '../../errors.ts';
import {
  type Download,
  DOWNLOAD_FORMATS,
  encodeDownload,
  mailboxFailures,
  mailboxLog,
} from '../../reports/mailbox-downloads.ts';
import { projectOf } from './access.ts';
import { projectOptions } from './projects.ts';
import { errorResponses, mailboxParams } from './schemas.ts';

const formatQuery = z.object({
  format: z.enum(DOWNLOAD_FORMATS).default('csv').describe('csv (opens in a spreadsheet) or jsonl'),
});

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', jsonl: 'application/x-ndjson; charset=utf-8' };

/** Per-mailbox failures and log as CSV or JSONL, streamed as they are read. */
export function mailboxDownloadRoutes(app: App, { db }: ControlPlaneDeps): void {
  const downloads = [
    {
      what: 'failures',
      summary:
        'Every item failure of the mailbox over all passes (code, message, folder, item id, size; subject when the project logs subjects), as CSV or JSONL',
      build: (mailboxId: string, logSubjects: boolean) => mailboxFailures(db, mailboxId, logSubjects),
    },
    {
      what: 'log',
      summary:
        'The mailbox’s log: each pass with start, end, status, counts, throttled time and error, and the folders it planned, as CSV or JSONL',
      build: (mailboxId: string): Download => mailboxLog(db, mailboxId),
    },
  ];
  for (const download of downloads) {
    app.get(
      `/api/projects/:id/mailboxes/:mailboxId/${download.what}`,
      {
        schema: {
          tags: ['mailboxes'],
          summary: download.summary,
          params: mailboxParams,
          querystring: formatQuery,
          produces: ['text/csv', 'application/x-ndjson'],
          response: { 200: z.string().describe('CSV (UTF-8 with BOM) or JSON Lines'), ...errorResponses },
        },
      },
      async (request, reply) => {
        const { project } = await projectOf(db, request, request.params.id);
        const mailbox = await findMailbox(db, project.id, request.params.mailboxId);
        if (mailbox === undefined) throw notFound('That mailbox');
        const { format } = request.query;
        const name = `${mailbox.source.replace(/[^\w.@-]+/g, '_')}-${download.what}.${format}`;
        const body = download.build(mailbox.id, projectOptions(project).logSubjects);
        // A stream is no value of the response schema (which only documents the body); Fastify pipes it.
        const raw = reply as FastifyReply;
        return raw
          .type(CONTENT_TYPES[format])
          .header('content-disposition', `attachment; filename="${name}"`)
          .header('cache-control', 'no-store')
          .send(Readable.from(encodeDownload(body, format)));
      },
    );
  }
}
