import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { NOTIFY_RATE_LIMIT } from '../../src/api/routes/projects/notify.ts';
import { buildTestApp, recordingMailer } from '../support/build-test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { createWorkgroupWithAgents, type SignedInAgent } from './msp-fixtures.ts';
import { createProjectThroughApi } from './project-fixtures.ts';

let database: TestDatabase;
let app: Awaited<ReturnType<typeof buildTestApp>>['app'];
const mailer = recordingMailer();
let manager: SignedInAgent;
let administrator: SignedInAgent;
let projectId: string;
let mailboxId: string;

async function call(who: SignedInAgent, method: 'POST', url: string, payload: object) {
  return app.inject({ method, url, headers: who.headers, payload });
}

beforeAll(async () => {
  database = await createTestDatabase();
  ({ app } = await buildTestApp(database.db, { mailer }));
  const workgroup = await createWorkgroupWithAgents(database.db, 'Notify MSP');
  manager = workgroup.manager;
  administrator = workgroup.administrator;
  ({ projectId, mailboxId } = await createProjectThroughApi(app, manager.headers));
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

const notice = (extra: object = {}) => ({
  mailboxIds: [mailboxId],
  migrationAt: '2030-01-05T17:30:00Z',
  ...extra,
});

describe('Notify Users', () => {
  it('sends a test only to the sending agent’s own address', async () => {
    mailer.sent.length = 0;
    const elsewhere = await call(
      manager,
      'POST',
      `/api/projects/${projectId}/notify`,
      notice({ overrideAddress: 'someone@evil.example' }),
    );
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.json().error.details.problems).toEqual([
      expect.objectContaining({
        field: 'overrideAddress',
        message: expect.stringContaining(manager.agent.email),
      }),
    ]);
    expect(mailer.sent).toEqual([]);

    const own = await call(
      manager,
      'POST',
      `/api/projects/${projectId}/notify`,
      notice({ overrideAddress: manager.agent.email.toUpperCase() }),
    );
    expect(own.statusCode, own.body).toBe(202);
    expect(mailer.sent.map((m) => m.to)).toEqual([[manager.agent.email.toUpperCase()]]);
  });

  it(`lets one agent send at most ${NOTIFY_RATE_LIMIT.sends} times in ${NOTIFY_RATE_LIMIT.windowMs / 60_000} minutes, with a clear 429`, async () => {
    for (let i = 0; i < NOTIFY_RATE_LIMIT.sends; i++) {
      const sent = await call(administrator, 'POST', `/api/projects/${projectId}/notify`, notice());
      expect(sent.statusCode, sent.body).toBe(202);
    }
    mailer.sent.length = 0;
    const refused = await call(administrator, 'POST', `/api/projects/${projectId}/notify`, notice());
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('NOTIFY_RATE_LIMITED');
    expect(refused.json().error.message).toMatch(/try again in \d+ minute/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(NOTIFY_RATE_LIMIT.windowMs / 1000);
    expect(mailer.sent).toEqual([]);

    // The limit is the agent's, not the workgroup's: the manager (one send so far) still may.
    const other = await call(manager, 'POST', `/api/projects/${projectId}/notify`, notice());
    expect(other.statusCode, other.body).toBe(202);
  });
});
