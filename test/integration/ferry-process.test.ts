import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { postgresProcessesUnder, spawnFerry, waitForHealth } from '../support/ferry-process.ts';
import { createEmptyDatabase } from '../support/test-database.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ferry-proc-'));
  dirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const ADMIN = {
  workgroupName: 'Restart MSP',
  name: 'Ray',
  email: 'ray@msp.example',
  password: 'survives restarts',
};

describe('ferry start on the embedded database', () => {
  it('keeps its data across a restart and leaves no PostgreSQL behind', async () => {
    const dataDir = await tempDir();
    const env = { FERRY_DATA_DIR: dataDir, PORT: '0' };

    const first = spawnFerry(['start'], env);
    const [, url = ''] = await first.waitFor(/listening on (http:\/\/\S+)/);
    const [, token = ''] = await first.waitFor(/setup\?token=(\S+)/);
    const health = await waitForHealth(url);
    expect(health).toMatchObject({ db: { status: 'ok' }, queue: { status: 'ok' } });
    const setup = await fetch(`${url}/api/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...ADMIN, token }),
    });
    expect(setup.status).toBe(201);
    expect(await first.stop('SIGINT')).toBe(0);
    expect(await postgresProcessesUnder(dataDir)).toEqual([]);

    const second = spawnFerry(['start'], env);
    const [, url2 = ''] = await second.waitFor(/listening on (http:\/\/\S+)/);
    await waitForHealth(url2);
    expect(second.stdout()).not.toContain('setup?token=');
    const login = await fetch(`${url2}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }),
    });
    expect(login.status).toBe(200);
    expect(await second.stop('SIGTERM')).toBe(0);
    expect(await postgresProcessesUnder(dataDir)).toEqual([]);
    expect(first.stderr() + second.stderr()).not.toContain(ADMIN.password);
  });

  it('recovers when the previous Ferry was killed and left its PostgreSQL running', async () => {
    const dataDir = await tempDir();
    const env = { FERRY_DATA_DIR: dataDir, PORT: '0' };
    const crashed = spawnFerry(['start'], env);
    await waitForHealth((await crashed.waitFor(/listening on (http:\/\/\S+)/))[1] ?? '');
    expect(await crashed.stop('SIGKILL')).toBeNull();
    expect(await postgresProcessesUnder(dataDir)).not.toEqual([]);

    const next = spawnFerry(['start'], env);
    await waitForHealth((await next.waitFor(/listening on (http:\/\/\S+)/))[1] ?? '');
    expect(await next.stop('SIGINT')).toBe(0);
    expect(await postgresProcessesUnder(dataDir)).toEqual([]);
  });
});

describe('scale-out on a shared DATABASE_URL', () => {
  it('starts one server and two workers at once without migration races or an embedded database', async () => {
    const { url: databaseUrl } = await createEmptyDatabase();
    const dataDir = await tempDir();
    const env = { DATABASE_URL: databaseUrl, FERRY_DATA_DIR: dataDir };
    const processes = [
      spawnFerry(['server'], { ...env, PORT: '0' }),
      spawnFerry(['worker'], env),
      spawnFerry(['worker'], env),
    ];
    const [server] = processes;
    const [, url = ''] = await server!.waitFor(/listening on (http:\/\/\S+)/);
    // The server runs no worker: a healthy queue proves a separate worker process answered the ping.
    const health = await waitForHealth(url);
    expect(health).toMatchObject({ db: { status: 'ok' }, queue: { status: 'ok' } });
    const codes = await Promise.all(processes.map((p) => p.stop('SIGTERM')));
    expect(codes).toEqual([0, 0, 0]);
    expect(processes.map((p) => p.stderr()).join('')).not.toMatch(/"level":50/);
    expect(existsSync(path.join(dataDir, 'postgres'))).toBe(false);
  });

  it('stops cleanly when the signal arrives while it is still starting', async () => {
    const { url: databaseUrl } = await createEmptyDatabase();
    const worker = spawnFerry(['worker'], {
      DATABASE_URL: databaseUrl,
      FERRY_DATA_DIR: await tempDir(),
      LOG_LEVEL: 'info',
    });
    // The schema is in place, but the job queue and the workers are still starting.
    while (!worker.stderr().includes('database migrated'))
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await worker.stop('SIGTERM')).toBe(0);
    expect(worker.stderr()).toContain('shutting down');
  });
});
