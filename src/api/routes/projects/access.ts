import type { FastifyRequest } from 'fastify';

import type { Db } from '../../../db/database.ts';
import { findProject, type ProjectRecord, type ProjectScope } from '../../../db/projects.ts';
import { getWorkgroup } from '../../../db/workgroups.ts';
import type { Agent } from '../../../domain/agents.ts';
import { requireAgent } from '../../auth.ts';
import { HttpError, notFound } from '../../errors.ts';

/**
 * Which projects an agent sees (seed guide): with Project Sharing on, every non-Inactive agent
 * sees every project of the workgroup; with it off, Agents see the projects they created, while
 * Managers and Administrators (all service work) still see them all.
 */
export async function projectScope(db: Db, agent: Agent): Promise<ProjectScope> {
  const workgroup = await getWorkgroup(db, agent.workgroupId);
  return {
    workgroupId: agent.workgroupId,
    onlyCreatedBy: agent.role === 'agent' && !workgroup.projectSharing ? agent.id : undefined,
  };
}

/** The project if the signed-in agent may see it; 404 otherwise (never reveals others' projects). */
export async function projectOf(
  db: Db,
  request: FastifyRequest,
  id: string,
): Promise<{ agent: Agent; project: ProjectRecord }> {
  const agent = requireAgent(request);
  const project = await findProject(db, await projectScope(db, agent), id);
  if (project === undefined) throw notFound('That project');
  return { agent, project };
}

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** 400 with field-level messages, in the shape schema validation uses. */
export function invalid(problems: readonly FieldProblem[], code = 'VALIDATION_FAILED'): HttpError {
  return new HttpError(
    400,
    code,
    `The request is invalid: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`,
    { details: { problems } },
  );
}
