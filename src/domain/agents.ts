/**
 * Agents are the people who run migrations. Each belongs to one workgroup, which is a hard
 * boundary: nothing of one workgroup is visible from another.
 */
export const AGENT_ROLES = ['administrator', 'manager', 'agent', 'inactive'] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];

export const ROLE_LABELS: Record<AgentRole, string> = {
  administrator: 'Administrator',
  manager: 'Manager',
  agent: 'Agent',
  inactive: 'Inactive',
};

export interface Agent {
  readonly id: string;
  readonly workgroupId: string;
  readonly email: string;
  readonly name: string;
  readonly role: AgentRole;
  readonly createdAt: Date;
  readonly lastSignInAt: Date | null;
}

export function isAgentRole(value: string): value is AgentRole {
  return (AGENT_ROLES as readonly string[]).includes(value);
}

/** Passwords agents choose, in Unicode code points (OWASP ASVS 2.1.1–2.1.4: at least 12, at least 128 allowed). */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
