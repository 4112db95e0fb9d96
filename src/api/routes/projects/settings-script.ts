import { z } from 'zod';

import { findMailbox } from '../../../db/project-mailboxes.ts';
import { projectSettingsScripts } from '../../../db/settings-scripts.ts';
import { renderScript } from '../../../convert/powershell-script.ts';
import type { App } from '../../app-type.ts';
import type { ControlPlaneDeps } from '../../control-plane-deps.ts';
import { notFound } from '../../errors.ts';
import { projectOf } from './access.ts';
import { errorResponses, idParams, mailboxParams } from './schemas.ts';

const scriptResponse = z
  .string()
  .describe(
    'Exchange Online PowerShell (.ps1): signatures and forwarding Graph cannot write, each change guarded and -WhatIf-aware, with what could not move listed in its header',
  );

const fileName = (name: string) => `ferry-settings-${name.replace(/[^A-Za-z0-9._-]+/g, '_')}.ps1`;

/**
 * The PowerShell script of a project's mailbox settings (or one mailbox's), as the latest Full
 * pass of each mailbox found them. It is rebuilt on every download from the stored steps.
 */
export function settingsScriptRoutes(app: App, { db }: ControlPlaneDeps): void {
  app.get(
    '/api/projects/:id/settings-script',
    {
      schema: {
        tags: ['statistics'],
        summary: 'Download the PowerShell script for the settings of every mailbox of the project',
        params: idParams,
        produces: ['text/plain'],
        response: { 200: scriptResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { project } = await projectOf(db, request, request.params.id);
      const scripts = await projectSettingsScripts(db, project.id);
      return reply
        .type('text/plain; charset=utf-8')
        .header('content-disposition', `attachment; filename="${fileName(project.name)}"`)
        .send(renderScript(scripts, new Date().toISOString()));
    },
  );

  app.get(
    '/api/projects/:id/mailboxes/:mailboxId/settings-script',
    {
      schema: {
        tags: ['statistics'],
        summary: 'Download the PowerShell script for the settings of one mailbox',
        params: mailboxParams,
        produces: ['text/plain'],
        response: { 200: scriptResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { project } = await projectOf(db, request, request.params.id);
      const mailbox = await findMailbox(db, project.id, request.params.mailboxId);
      if (mailbox === undefined) throw notFound('That mailbox');
      const scripts = await projectSettingsScripts(db, project.id, mailbox.id);
      return reply
        .type('text/plain; charset=utf-8')
        .header('content-disposition', `attachment; filename="${fileName(mailbox.source)}"`)
        .send(renderScript(scripts, new Date().toISOString()));
    },
  );
}
