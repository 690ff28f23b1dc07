/**
 * Services for tests: `startTestService` runs the real `startService` in this process on a free
 * port, on a seeded PGlite directory or a fresh PostgreSQL database, with the environment a test
 * gives; `receiver` is a local HTTP endpoint that records what it is sent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type Config, loadConfig } from '../../src/config/load.js';
import { type Logger, silentLogger } from '../../src/log/logger.js';
import { createApiToken } from '../../src/server/auth/tokens.js';
import { type RunningService, type StartServiceOptions, startService } from '../../src/service/start.js';
import { type TestDatabase, createTestDatabase } from '../helpers/pg.js';
import { randomMasterKey, seedPgliteDir } from '../helpers/store.js';

export interface TestService {
  service: RunningService;
  config: Config;
  root: string;
  url: string;
  /** A bearer API token created for the test. */
  token: string;
  /** fetch on the service with the test token (unless `auth: false`). */
  call(p: string, init?: RequestInit & { auth?: boolean }): Promise<Response>;
  cleanup(): Promise<void>;
}

export interface TestServiceOptions extends Partial<Omit<StartServiceOptions, 'logger'>> {
  backend?: 'pglite' | 'postgres';
  /** Environment variables for the config (CIN7_GHL_ADMIN_PASSWORD, CIN7_GHL_ALERT_URL …). */
  env?: Record<string, string>;
  logger?: Logger;
  /** Changes to the loaded config (e.g. point GHL at a sandbox). */
  patch?: (config: Config) => Config;
  /** Reuse a root / database (a restart). */
  root?: string;
  database?: TestDatabase;
}

/** The config a service in `root` loads with `env`. */
export function serviceConfig(root: string, env: Record<string, string>, databaseUrl?: string): Config {
  return loadConfig({
    cwd: root,
    environment: {
      CIN7_GHL_DATA_DIR: root,
      CIN7_GHL_LOG_LEVEL: 'silent',
      ...(databaseUrl
        ? { DATABASE_URL: databaseUrl, CIN7_GHL_MASTER_KEY: randomMasterKeyFor(databaseUrl) }
        : {}),
      ...env,
    },
  });
}

const keys = new Map<string, string>();
/** One master key per database, so a restart reads the same secrets. */
function randomMasterKeyFor(url: string): string {
  let k = keys.get(url);
  if (!k) {
    k = randomMasterKey();
    keys.set(url, k);
  }
  return k;
}

/**
 * @example
 * const t = await startTestService({ env: { CIN7_GHL_ADMIN_PASSWORD: 'correct horse battery' } });
 * try { expect((await t.call('/api/health')).status).toBe(200); } finally { await t.cleanup(); }
 */
export async function startTestService(options: TestServiceOptions = {}): Promise<TestService> {
  const root = options.root ?? mkdtempSync(path.join(os.tmpdir(), 'cin7ghl-svc-'));
  let database: TestDatabase | null = options.database ?? null;
  if (options.backend === 'postgres' && !database) database = await createTestDatabase();
  let config = serviceConfig(root, options.env ?? {}, database?.url);
  if (options.patch) config = options.patch(config);
  if (!database && !options.root) await seedPgliteDir(config.dataDir);
  const { backend: _b, env: _e, patch: _p, root: _r, database: _d, logger, ...rest } = options;
  const service = await startService(config, { port: 0, logger: logger ?? silentLogger(), ...rest });
  const { token } = await createApiToken(service.ctx.store.db, 'test');
  const url = service.url ?? '';
  let cleaned = false;
  return {
    service,
    config,
    root,
    url,
    token,
    call: (p, init = {}) => {
      const { auth, ...rest2 } = init;
      const headers = new Headers(rest2.headers);
      if (auth !== false) headers.set('authorization', `Bearer ${token}`);
      if (rest2.body !== undefined && !headers.has('content-type'))
        headers.set('content-type', 'application/json');
      return fetch(`${url}${p}`, { redirect: 'manual', ...rest2, headers });
    },
    cleanup: async () => {
      if (cleaned) return;
      cleaned = true;
      await service.stop({ timeoutMs: 2000 }).catch(() => {});
      if (!options.root) rmSync(root, { recursive: true, force: true });
      if (database && !options.database) await database.drop();
    },
  };
}

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** The status to answer (default 200); may change during a test. */
  status: number;
  /** Resolves when `n` requests have arrived (or rejects after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

/**
 * A local HTTP endpoint that records every request and answers `status`.
 *
 * @example
 * const r = await receiver(); ... await r.waitFor(1); r.received[0].body; await r.close();
 */
export async function receiver(status = 200): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: Array<() => void> = [];
  const state = { status };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      });
      res.writeHead(state.status, { 'content-type': 'text/plain' }).end(state.status < 300 ? 'ok' : 'nope');
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    get status() {
      return state.status;
    },
    set status(s: number) {
      state.status = s;
    },
    waitFor: (n, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const deadline = setTimeout(
          () => reject(new Error(`receiver got ${received.length} of ${n} requests in ${timeoutMs} ms`)),
          timeoutMs,
        );
        const check = () => {
          if (received.length >= n) {
            clearTimeout(deadline);
            resolve(received.slice());
          } else waiters.push(check);
        };
        check();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls `fn` until it returns a truthy value (or throws after `timeoutMs`). */
export async function eventually<T>(
  fn: () => Promise<T> | T,
  timeoutMs = 20_000,
  everyMs = 100,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Signs in through the login form like a browser: answers the session cookie and its CSRF token.
 *
 * @example
 * const { cookie, csrf } = await login(t.url, 'correct horse battery');
 */
export async function login(
  url: string,
  password: string,
): Promise<{ cookie: string; csrf: string; res: Response }> {
  const page = await fetch(`${url}/login`, { redirect: 'manual' });
  const html = await page.text();
  const formCsrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const loginCookie =
    (page.headers.getSetCookie().find((c) => c.startsWith('cin7ghl_login=')) ?? '').split(';')[0] ?? '';
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie },
    body: new URLSearchParams({ _csrf: formCsrf, password, next: '/' }).toString(),
  });
  const session =
    (res.headers.getSetCookie().find((c) => c.startsWith('cin7ghl_session=')) ?? '').split(';')[0] ?? '';
  let csrf = '';
  if (session) {
    const s = await fetch(`${url}/api/session`, { headers: { cookie: session } });
    csrf = ((await s.json()) as { csrfToken?: string }).csrfToken ?? '';
  }
  return { cookie: session, csrf, res };
}
