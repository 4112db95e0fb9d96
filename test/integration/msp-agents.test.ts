import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createFirstAdministrator } from '../../src/api/first-administrator.ts';
import { parseCsvRecords } from '../../src/domain/csv.ts';
import { buildTestApp, cookiesOf, recordingMailer } from '../support/build-test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { createWorkgroupWithAgents, type SignedInAgent, tokenHeaders } from './msp-fixtures.ts';

let database: TestDatabase;
let app: Awaited<ReturnType<typeof buildTestApp>>['app'];
const mailer = recordingMailer();
let workgroups = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  ({ app } = await buildTestApp(database.db, { mailer, publicUrl: 'https://ferry.msp.example' }));
});

afterAll(async () => {
  await app.close();
  await database.close();
});

const newWorkgroup = () => createWorkgroupWithAgents(database.db, `Agents MSP ${++workgroups}`);

async function call(
  who: SignedInAgent | { headers: Record<string, string> },
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
) {
  return app.inject({ method, url, headers: who.headers, ...(payload === undefined ? {} : { payload }) });
}

function tokenOf(text: string): string {
  const match = /https:\/\/ferry\.msp\.example\/invite\?token=(\S+)/.exec(text);
  expect(match).not.toBeNull();
  return decodeURIComponent(match![1]!);
}

describe('invitations', () => {
  it('invite by email, the link works once, and the new agent joins the workgroup signed in', async () => {
    const wg = await newWorkgroup();
    const sentBefore = mailer.sent.length;
    const invited = await call(wg.manager, 'POST', '/api/agents/invitations', {
      email: 'New.Person@msp.example',
      role: 'agent',
    });
    expect(invited.statusCode).toBe(201);
    expect(invited.json()).toMatchObject({
      email: 'New.Person@msp.example',
      role: 'agent',
      invitedBy: wg.manager.agent.id,
    });
    const mail = mailer.sent[sentBefore]!;
    expect(mail.to).toEqual(['New.Person@msp.example']);
    expect(mail.subject).toBe(
      `manager of Agents MSP ${workgroups} invites you to the Ferry workgroup Agents MSP ${workgroups}`,
    );
    const token = tokenOf(mail.text);

    const lookup = await app.inject({ method: 'POST', url: '/api/invitations/lookup', payload: { token } });
    expect(lookup.json()).toMatchObject({
      email: 'New.Person@msp.example',
      role: 'agent',
      workgroupName: `Agents MSP ${workgroups}`,
    });

    const accepted = await app.inject({
      method: 'POST',
      url: '/api/invitations/accept',
      payload: { token, name: 'New Person', password: 'a long enough password' },
    });
    expect(accepted.statusCode).toBe(201);
    expect(accepted.json().agent).toMatchObject({
      email: 'New.Person@msp.example',
      name: 'New Person',
      role: 'agent',
      workgroupId: wg.workgroupId,
    });
    const session = cookiesOf(accepted.headers['set-cookie']);
    const me = await app.inject({ url: '/api/auth/me', headers: { cookie: session.header } });
    expect(me.json().workgroup.id).toBe(wg.workgroupId);

    const reused = await app.inject({
      method: 'POST',
      url: '/api/invitations/accept',
      payload: { token, name: 'Someone Else', password: 'a long enough password' },
    });
    expect(reused.statusCode).toBe(404);
    expect(reused.json().error.code).toBe('INVITATION_INVALID');

    const list = await call(wg.agent, 'GET', '/api/agents?search=new.PERSON');
    expect(list.json<{ items: { email: string }[] }>().items.map((a) => a.email)).toEqual([
      'New.Person@msp.example',
    ]);

    const again = await call(wg.manager, 'POST', '/api/agents/invitations', {
      email: 'new.person@msp.example',
      role: 'agent',
    });
    expect(again.statusCode).toBe(409);
  });

  it('only Administrators invite Administrators; Agents cannot invite; a revoked link is dead', async () => {
    const wg = await newWorkgroup();
    const byManager = await call(wg.manager, 'POST', '/api/agents/invitations', {
      email: 'boss@msp.example',
      role: 'administrator',
    });
    expect(byManager.statusCode).toBe(403);
    expect(byManager.json().error.message).toBe('Only an Administrator can grant the Administrator role.');
    const byAgent = await call(wg.agent, 'POST', '/api/agents/invitations', {
      email: 'pal@msp.example',
      role: 'agent',
    });
    expect(byAgent.statusCode).toBe(403);

    const sentBefore = mailer.sent.length;
    const invitation = await call(wg.administrator, 'POST', '/api/agents/invitations', {
      email: 'boss@msp.example',
      role: 'administrator',
    });
    expect(invitation.statusCode).toBe(201);
    const token = tokenOf(mailer.sent[sentBefore]!.text);
    const open = await call(wg.manager, 'GET', '/api/agents/invitations');
    expect(open.json<{ invitations: { email: string }[] }>().invitations.map((i) => i.email)).toEqual([
      'boss@msp.example',
    ]);
    expect(
      (await call(wg.manager, 'DELETE', `/api/agents/invitations/${invitation.json().id}`)).statusCode,
    ).toBe(204);
    const accept = await app.inject({
      method: 'POST',
      url: '/api/invitations/accept',
      payload: { token, name: 'Boss', password: 'a long enough password' },
    });
    expect(accept.statusCode).toBe(404);
    expect((await call(wg.manager, 'GET', '/api/agents/invitations')).json().invitations).toEqual([]);
  });
});

describe('roles', () => {
  it('applies the role rules and never leaves a workgroup without an Administrator', async () => {
    const wg = await newWorkgroup();
    const setRole = (who: SignedInAgent, target: SignedInAgent, role: string) =>
      call(who, 'PATCH', `/api/agents/${target.agent.id}`, { role });

    expect((await setRole(wg.agent, wg.manager, 'agent')).statusCode).toBe(403);
    const promote = await setRole(wg.manager, wg.agent, 'administrator');
    expect(promote.statusCode).toBe(403);
    expect((await setRole(wg.manager, wg.administrator, 'manager')).json().error.message).toBe(
      "Only an Administrator can change an Administrator's role.",
    );
    const lastAdmin = await setRole(wg.administrator, wg.administrator, 'manager');
    expect(lastAdmin.statusCode).toBe(409);
    expect(lastAdmin.json().error).toMatchObject({
      code: 'LAST_ADMINISTRATOR',
      message: `${wg.administrator.agent.email} is the workgroup's last Administrator; make another agent Administrator first.`,
    });
    const deactivateLast = await setRole(wg.administrator, wg.administrator, 'inactive');
    expect(deactivateLast.statusCode).toBe(409);

    const managerPromotes = await setRole(wg.manager, wg.agent, 'manager');
    expect(managerPromotes.json()).toMatchObject({ role: 'manager' });
    expect((await setRole(wg.administrator, wg.manager, 'administrator')).json()).toMatchObject({
      role: 'administrator',
    });
    expect((await setRole(wg.administrator, wg.administrator, 'agent')).json()).toMatchObject({
      role: 'agent',
    });

    const audit = await call(wg.manager, 'GET', '/api/audit?action=agent.role_changed');
    expect(
      audit.json<{ items: { target: string; details: object }[] }>().items.map((e) => [e.target, e.details]),
    ).toEqual([
      [wg.administrator.agent.email, { from: 'administrator', to: 'agent' }],
      [wg.manager.agent.email, { from: 'manager', to: 'administrator' }],
      [wg.agent.agent.email, { from: 'agent', to: 'manager' }],
    ]);
  });

  it('deactivation ends sessions and revokes API tokens at once', async () => {
    const password = 'the password of sam';
    const sam = await createFirstAdministrator(database.db, {
      workgroupName: 'Sam MSP',
      name: 'Sam',
      email: 'sam@sam.example',
      password,
    });
    const samHeaders = { headers: await tokenHeaders(database.db, sam.id) };
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: sam.email, password },
    });
    const session = cookiesOf(login.headers['set-cookie']);
    const colleague = await call(samHeaders, 'POST', '/api/agents/invitations', {
      email: 'co@sam.example',
      role: 'administrator',
    });
    expect(colleague.statusCode).toBe(201);
    const token = tokenOf(mailer.sent.at(-1)!.text);
    const joined = await app.inject({
      method: 'POST',
      url: '/api/invitations/accept',
      payload: { token, name: 'Co', password: 'another good password' },
    });
    const co = { headers: await tokenHeaders(database.db, joined.json().agent.id) };

    expect((await call(co, 'PATCH', `/api/agents/${sam.id}`, { role: 'inactive' })).json().role).toBe(
      'inactive',
    );
    expect((await call(samHeaders, 'GET', '/api/workgroup')).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/auth/me', headers: { cookie: session.header } })).statusCode).toBe(
      401,
    );
    // Reactivated, Sam signs in again; the old token stays revoked.
    expect((await call(co, 'PATCH', `/api/agents/${sam.id}`, { role: 'manager' })).statusCode).toBe(200);
    expect((await call(samHeaders, 'GET', '/api/workgroup')).statusCode).toBe(401);
  });
});

describe('workgroup', () => {
  it('Administrators rename it and switch Project Sharing; others may only read it', async () => {
    const wg = await newWorkgroup();
    expect((await call(wg.agent, 'GET', '/api/workgroup')).json()).toEqual({
      id: wg.workgroupId,
      name: `Agents MSP ${workgroups}`,
      projectSharing: false,
    });
    const byManager = await call(wg.manager, 'PATCH', '/api/workgroup', { projectSharing: true });
    expect(byManager.statusCode).toBe(403);
    const on = await call(wg.administrator, 'PATCH', '/api/workgroup', {
      projectSharing: true,
      name: 'Renamed MSP',
    });
    expect(on.json()).toEqual({ id: wg.workgroupId, name: 'Renamed MSP', projectSharing: true });
    const empty = await call(wg.administrator, 'PATCH', '/api/workgroup', {});
    expect(empty.statusCode).toBe(400);
    const audit = await call(wg.administrator, 'GET', '/api/audit?action=workgroup.');
    expect(audit.json().items[0]).toMatchObject({
      action: 'workgroup.updated',
      agentEmail: wg.administrator.agent.email,
      details: {
        name: { from: `Agents MSP ${workgroups}`, to: 'Renamed MSP' },
        projectSharing: { from: false, to: true },
      },
    });
  });
});

describe('audit log export', () => {
  it('exports CSV with proper escaping, filtered by action and time, for Managers and up only', async () => {
    const wg = await newWorkgroup();
    const tricky = await call(wg.agent, 'POST', '/api/customers', {
      companyName: '=HYPERLINK("x"), "Quoted" Co\nLine two',
      primaryDomain: 'tricky.example',
    });
    expect(tricky.statusCode).toBe(201);
    await call(wg.agent, 'POST', '/api/customers', { companyName: 'Plain', primaryDomain: 'plain.example' });

    expect((await call(wg.agent, 'GET', '/api/audit.csv')).statusCode).toBe(403);
    const csv = await call(wg.manager, 'GET', '/api/audit.csv?action=customer.created');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="ferry-audit.csv"');
    const records = parseCsvRecords(csv.body);
    expect(records.map((r) => r.fields.slice(1, 4))).toEqual([
      ['action', 'agent', 'target'],
      ['customer.created', wg.agent.agent.email, 'Plain'],
      ['customer.created', wg.agent.agent.email, `'=HYPERLINK("x"), "Quoted" Co\nLine two`],
    ]);
    expect(JSON.parse(records[1]!.fields[4]!)).toMatchObject({ primaryDomain: 'plain.example' });

    const future = new Date(Date.now() + 60_000).toISOString();
    const none = await call(wg.manager, 'GET', `/api/audit.csv?from=${encodeURIComponent(future)}`);
    expect(parseCsvRecords(none.body)).toHaveLength(1);
    const paged = await call(wg.manager, 'GET', '/api/audit?pageSize=1&page=2&action=customer.created');
    expect(paged.json()).toMatchObject({ total: 2, page: 2, items: [{ target: tricky.json().companyName }] });
  });
});
