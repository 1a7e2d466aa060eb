/**
 * Real MLflow tracking servers for tests, on loopback: sqlite backend, artifact proxy on. Uses the
 * mlflow that .ci/run installed (LAYERWISE_TEST_MLFLOW_BIN), else installs mlflow into
 * .cache/mlflow-venv once, so `npm test` works on a fresh set-up too.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const MLFLOW_VERSION = '3.17.2';
export const ADMIN = { username: 'admin', password: 'layerwise-test-admin-pw' };

export function mlflowBinary(): string {
  if (process.env.LAYERWISE_TEST_MLFLOW_BIN) return process.env.LAYERWISE_TEST_MLFLOW_BIN;
  const venv = path.resolve('.cache/mlflow-venv');
  const bin = path.join(venv, 'bin', 'mlflow');
  if (!existsSync(path.join(venv, `.mlflow-${MLFLOW_VERSION}`))) {
    process.stderr.write(`installing mlflow[auth]==${MLFLOW_VERSION} into ${venv} (once)\n`);
    execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    execFileSync(path.join(venv, 'bin', 'pip'), ['install', '--quiet', `mlflow[auth]==${MLFLOW_VERSION}`], { stdio: 'inherit' });
    writeFileSync(path.join(venv, `.mlflow-${MLFLOW_VERSION}`), '');
  }
  return bin;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface MlflowServer {
  uri: string;
  dir: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

async function waitForHealth(uri: string, child: ChildProcess, log: () => string, timeoutMs = 120_000): Promise<void> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`mlflow server exited with ${child.exitCode}:\n${log()}`);
    try {
      const res = await fetch(`${uri}/health`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`mlflow server at ${uri} did not become healthy:\n${log()}`);
}

/** Every server still running when the test process exits is killed, also after a failed test. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of running) killGroup(c);
});

function killGroup(c: ChildProcess): void {
  try {
    process.kill(-c.pid!, 'SIGKILL'); // the whole process group: mlflow runs uvicorn and job workers
  } catch {
    // already gone
  }
}

/** Starts `mlflow server`; stop() and start() again keep its database, port and artifacts. */
export async function startMlflowServer(opts: { auth?: boolean; backendStoreUri?: string; env?: NodeJS.ProcessEnv } = {}): Promise<MlflowServer> {
  const bin = mlflowBinary();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'layerwise-mlflow-'));
  const port = await freePort();
  const uri = `http://127.0.0.1:${port}`;
  const args = ['server', '--backend-store-uri', opts.backendStoreUri ?? `sqlite:///${dir}/mlflow.db`, '--artifacts-destination', `${dir}/artifacts`,
    '--serve-artifacts', '--host', '127.0.0.1', '--port', String(port), '--workers', '1'];
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  if (opts.auth) {
    const ini = path.join(dir, 'basic_auth.ini');
    writeFileSync(ini, `[mlflow]\ndefault_permission = READ\ndatabase_uri = sqlite:///${dir}/basic_auth.db\nadmin_username = ${ADMIN.username}\n` +
      `admin_password = ${ADMIN.password}\nauthorization_function = mlflow.server.auth:authenticate_request_basic_auth\n`);
    args.push('--app-name', 'basic-auth');
    Object.assign(env, {
      MLFLOW_AUTH_CONFIG_PATH: ini, MLFLOW_FLASK_SERVER_SECRET_KEY: 'layerwise-test-secret',
      MLFLOW_AUTH_ADMIN_USERNAME: ADMIN.username, MLFLOW_AUTH_ADMIN_PASSWORD: ADMIN.password,
    });
  }
  let child: ChildProcess | null = null;
  let output = '';
  const server: MlflowServer = {
    uri,
    dir,
    async start() {
      output = '';
      const c = spawn(bin, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      child = c;
      c.stdout!.on('data', (d) => (output += d));
      c.stderr!.on('data', (d) => (output += d));
      running.add(c);
      c.on('exit', () => running.delete(c));
      await waitForHealth(uri, c, () => output);
    },
    async stop() {
      const c = child;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((r) => c.on('exit', r));
      killGroup(c);
      await exited;
      // The port is free once nothing answers.
      for (let i = 0; i < 100; i++) {
        try {
          await fetch(`${uri}/health`);
          await new Promise((r) => setTimeout(r, 100));
        } catch {
          return;
        }
      }
    },
  };
  await server.start();
  return server;
}

let shared: Promise<string> | null = null;

/** The server .ci/run started (LAYERWISE_TEST_MLFLOW_URI), or one for this test process. */
export function sharedMlflowUri(): Promise<string> {
  if (process.env.LAYERWISE_TEST_MLFLOW_URI) return Promise.resolve(process.env.LAYERWISE_TEST_MLFLOW_URI);
  shared ??= startMlflowServer().then((s) => s.uri);
  return shared;
}
