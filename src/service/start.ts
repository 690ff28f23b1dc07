/**
 * The composition root: `startService` opens the store, the HTTP client and limiter, the queue,
 * and runs the feature modules' phases for the process's role; `stop()` shuts it all down in the
 * order that loses nothing (HTTP first, then loops, then the queue — running jobs finish or are
 * handed back to be retried — then the store).
 */
import { mkdirSync } from 'node:fs';
import type { Hono, MiddlewareHandler } from 'hono';
import type { Config } from '../config/load.js';
import { InputError, errorMessage } from '../errors/index.js';
import { publicBaseUrl } from '../ghl/oauth.js';
import { JobQueue } from '../jobs/queue.js';
import type { Logger } from '../log/logger.js';
import { registerSecret } from '../log/redact.js';
import { createCatalog } from '../ops/index.js';
import { coreApiRoutes } from '../server/api/index.js';
import { ApiRouter } from '../server/api/router.js';
import { type AppEnv, createApp } from '../server/app.js';
import { ensureAdminPassword } from '../server/auth/admin.js';
import { authMiddleware, requireAuth } from '../server/auth/middleware.js';
import { loginRoutes } from '../server/auth/routes.js';
import { pruneSessions } from '../server/auth/sessions.js';
import { mountDashboard, runControlFor } from '../server/dashboard/index.js';
import { LoginThrottle, type LoginThrottleOptions } from '../server/auth/throttle.js';
import {
  MetricsRegistry,
  callCounterCollector,
  metricsHandler,
  queueCollector,
  requestMetrics,
} from '../server/metrics.js';
import { setStoreLockUrl } from '../store/lock.js';
import { type Store, openStore } from '../store/open.js';
import { ensureAdminToken } from './admin-token.js';
import { vendorClients } from './clients.js';
import { createHttpStack } from './http-stack.js';
import { type BoundServer, bindServer } from './http-server.js';
import { startLoop } from './loop.js';
import { serviceModules } from './modules.js';
import { requestLog } from './request-log.js';
import type { Role, ServiceContext, ServiceModule } from './types.js';
import { productVersion } from './version.js';

export interface StartServiceOptions {
  /** Default `all`. `web` and `worker` need PostgreSQL (`DATABASE_URL`). */
  role?: Role;
  logger: Logger;
  /** Default: `serviceModules()`. */
  modules?: ServiceModule[];
  /** Appended to `modules` (tests add a job kind this way). */
  extraModules?: ServiceModule[];
  /** Default `server.host` / `server.port`; 0 picks a free port. */
  host?: string;
  port?: number;
  /** Try this many following ports when the port is taken (the demo); default 0. */
  portFallback?: number;
  /** A `worker` serves /healthz, /readyz and /metrics on this port when given. */
  workerPort?: number;
  /** Default 20 s. */
  shutdownTimeoutMs?: number;
  /** The sync starts only when `ctx.hooks.startSync()` is called (the demo, after its initial sync). */
  holdSync?: boolean;
  loginThrottle?: LoginThrottleOptions;
}

export interface RunningService {
  role: Role;
  /** Where it listens (null for a worker without `workerPort`). */
  url: string | null;
  port: number | null;
  /** The port asked for, when it was taken and the next free one is used. */
  movedFrom: number | null;
  /** A password generated on this start: show it once. Null when configured or already set. */
  adminPassword: string | null;
  ctx: ServiceContext;
  app: Hono<AppEnv> | null;
  /** Graceful shutdown (idempotent); resolves when the store is closed. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

/**
 * Starts the service for a role.
 *
 * @example
 * const service = await startService(config, { role: 'all', logger });
 * console.log(`listening at ${service.url}`);
 * process.once('SIGTERM', () => void service.stop());
 */
export async function startService(config: Config, options: StartServiceOptions): Promise<RunningService> {
  const role = options.role ?? 'all';
  if (role !== 'all' && !config.databaseUrl) {
    throw new InputError(
      '--role',
      `"${role}" needs PostgreSQL: the embedded store is one process`,
      'set DATABASE_URL (and CIN7_GHL_MASTER_KEY) on every process, or run --role all',
    );
  }
  // Whoever started us (CLI or test), no configured secret may reach a log, page or alert.
  for (const value of Object.values(config.secrets)) registerSecret(value);
  const runsWeb = role !== 'worker';
  const runsWorkers = role !== 'web';
  const logger = options.logger.child({ role });
  const cleanups: Array<() => Promise<void>> = [];
  let server: BoundServer | null = null;
  try {
    if (runsWeb || options.workerPort !== undefined) {
      server = await bindServer({
        host: options.host ?? config.server.host,
        port: runsWeb ? (options.port ?? config.server.port) : (options.workerPort ?? 0),
        portFallback: options.portFallback ?? 0,
      });
      const bound = server;
      cleanups.push(() => bound.close(1000));
    }
    // The routes build URLs (OAuth redirect, webhook URLs) from the config: give them the real port.
    const effective: Config =
      server && runsWeb && !config.server.publicUrl
        ? { ...config, server: { ...config.server, port: server.port } }
        : config;
    const store = await openStore(effective, { logger });
    cleanups.push(() => store.close());
    const stack = createHttpStack(effective, logger);
    cleanups.push(() => stack.close());
    const modules = [...(options.modules ?? serviceModules()), ...(options.extraModules ?? [])];
    const queue = await JobQueue.start(store, {
      logger,
      kinds: modules.flatMap((m) => [...(m.jobKinds ?? [])]),
      schedule: runsWorkers,
    });
    cleanups.push(() => queue.stop({ graceful: false, timeoutMs: 1000 }));
    const clients = vendorClients({ config: effective, logger, http: stack.http, store });
    const metrics = new MetricsRegistry();
    const shutdownHooks: Array<() => Promise<void> | void> = [];
    const stoppedHooks: Array<() => Promise<void> | void> = [];
    const state = { stopping: false };
    const ctx: ServiceContext = {
      config: effective,
      logger,
      store,
      http: stack.http,
      queue,
      catalog: createCatalog(),
      role,
      startedAt: new Date(),
      version: productVersion(),
      ghlClient: clients.ghlClient,
      cin7Client: clients.cin7Client,
      resetClients: clients.reset,
      hooks: {},
      counter: stack.counter,
      metrics,
      api: new ApiRouter({
        title: 'cin7-ghl-sync',
        version: productVersion(),
        description:
          'Two-way sync between Cin7 Core customers and HighLevel contacts. Authenticate with a bearer API token (`cin7-ghl tokens create <name>`) or a dashboard session.',
      }),
      runsWeb,
      runsWorkers,
      holdSync: options.holdSync === true,
      baseUrl: () => publicBaseUrl(effective),
      authGuard: requireAuth,
      onShutdown: (fn) => {
        shutdownHooks.push(fn);
      },
      onStopped: (fn) => {
        stoppedHooks.push(fn);
      },
    };
    registerCoreMetrics(ctx);
    for (const m of modules) await m.init?.(ctx);

    let app: Hono<AppEnv> | null = null;
    let adminPassword: string | null = null;
    const readiness = [
      async () => {
        await store.query('select 1');
        return { name: 'store', ok: true };
      },
      async () => ({
        name: 'accepting',
        ok: !state.stopping,
        ...(state.stopping ? { detail: 'shutting down' } : {}),
      }),
    ];
    if (runsWeb && server) {
      adminPassword = (await ensureAdminPassword(store, effective)).generated;
      app = createApp({ logger, readinessChecks: readiness });
      app.use('*', requestLog(logger));
      app.use('*', securityHeaders);
      app.use(
        '*',
        requestMetrics(
          metrics.counter('cin7ghl_http_requests_total', 'HTTP requests served, by method, route and status'),
        ),
      );
      app.use('*', authMiddleware({ store, logger }));
      app.get('/metrics', metricsHandler(metrics, effective.secrets.metricsToken));
      app.route(
        '/',
        loginRoutes({ store, config: effective, logger, throttle: new LoginThrottle(options.loginThrottle) }),
      );
      ctx.api.add(...coreApiRoutes(ctx));
      // The dashboard (pages at /, live updates, the REST routes of its actions).
      mountDashboard(app, { ...ctx, isStopping: () => state.stopping });
      // A run started from the dashboard stops with the service (its work is checkpointed).
      ctx.onShutdown(() => runControlFor(ctx).close());
      for (const m of modules) await m.routes?.(app, ctx);
      ctx.api.mount(app);
      server.attach(app);
      // The CLI reads the token only after it sees the URL: write the token first.
      mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
      await ensureAdminToken(store, config.dataDir);
      if (store.kind === 'pglite') setStoreLockUrl(config.dataDir, server.url);
      const prune = startLoop('session prune', 3_600_000, () => pruneSessions(store), logger);
      ctx.onShutdown(() => prune.stop());
    } else if (server) {
      const probe = createApp({ logger, readinessChecks: readiness });
      probe.get('/metrics', metricsHandler(metrics, effective.secrets.metricsToken));
      server.attach(probe);
      app = probe;
    }
    if (runsWorkers) {
      for (const m of modules) await m.workers?.(ctx);
      for (const m of modules) await m.schedules?.(ctx);
    }
    logger.info(
      { url: server?.url ?? null, store: store.kind, modules: modules.map((m) => m.name) },
      `service started (${role})`,
    );

    let stopping: Promise<void> | null = null;
    const stop = (o: { timeoutMs?: number } = {}): Promise<void> => {
      stopping ??= shutdown({
        ctx,
        store,
        queue,
        server,
        closeHttp: stack.close,
        hooks: shutdownHooks,
        stoppedHooks,
        state,
        timeoutMs: o.timeoutMs ?? options.shutdownTimeoutMs ?? 20_000,
      });
      return stopping;
    };
    return {
      role,
      url: server?.url ?? null,
      port: server?.port ?? null,
      movedFrom: server?.movedFrom ?? null,
      adminPassword,
      ctx,
      app,
      stop,
    };
  } catch (e) {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    throw e;
  }
}

async function shutdown(p: {
  ctx: ServiceContext;
  store: Store;
  queue: JobQueue;
  server: BoundServer | null;
  closeHttp: () => Promise<void>;
  hooks: Array<() => Promise<void> | void>;
  stoppedHooks: Array<() => Promise<void> | void>;
  state: { stopping: boolean };
  timeoutMs: number;
}): Promise<void> {
  const started = Date.now();
  const left = () => Math.max(1000, p.timeoutMs - (Date.now() - started));
  const { logger } = p.ctx;
  p.state.stopping = true;
  // 0. No new jobs from now on (handlers already running go on).
  await p.queue.stopFetching();
  logger.info(
    { timeoutMs: p.timeoutMs },
    'service stopping: no new requests or jobs; running jobs finish or are handed back',
  );
  // 1. No new HTTP requests; open ones may finish (their jobs are enqueued in their transactions).
  if (p.server) await p.server.close(Math.min(5000, left()));
  // 2. Loops (dispatchers, scanners) finish their pass.
  await runAll(p.hooks, logger);
  // 3. Running jobs get the rest of the timeout, then are failed back to the queue (retried by the
  //    next worker: nothing is lost).
  await p.queue.stop({ graceful: true, timeoutMs: left() });
  // 4. What the workers held (locks' connections), then the HTTP client, then the store.
  await runAll(p.stoppedHooks, logger);
  await p.closeHttp();
  await p.store.close();
  logger.info({ ms: Date.now() - started }, 'service stopped');
}

/** Headers every answer carries: no sniffing, no framing (clickjacking), no referrer leaving the site. */
const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  try {
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
    c.res.headers.set('X-Frame-Options', 'DENY');
    c.res.headers.set('Referrer-Policy', 'same-origin');
  } catch {
    // an immutable response (passed through as is) keeps its own headers
  }
};

/** Runs shutdown steps, last registered first; a failing step is logged and the rest still run. */
async function runAll(steps: Array<() => Promise<void> | void>, logger: Logger): Promise<void> {
  for (const fn of [...steps].reverse()) {
    try {
      await fn();
    } catch (e) {
      logger.warn({ err: e }, `shutdown step failed: ${errorMessage(e)}`);
    }
  }
}

function registerCoreMetrics(ctx: ServiceContext): void {
  ctx.metrics.register('process', () => [
    {
      name: 'cin7ghl_up',
      help: 'The service is up',
      type: 'gauge',
      samples: [{ labels: { role: ctx.role }, value: 1 }],
    },
    {
      name: 'cin7ghl_process_start_time_seconds',
      help: 'When this process started, in unix seconds',
      type: 'gauge',
      samples: [{ value: Math.round(ctx.startedAt.getTime() / 1000) }],
    },
    {
      name: 'cin7ghl_process_resident_memory_bytes',
      help: 'Resident memory of this process',
      type: 'gauge',
      samples: [{ value: process.memoryUsage().rss }],
    },
  ]);
  ctx.metrics.register('vendor', callCounterCollector(ctx.counter));
  ctx.metrics.register('queue', queueCollector(ctx.store));
  ctx.metrics.register('connections', async () => {
    const rows = await ctx.store.db
      .selectFrom('connections')
      .select(['api', 'status', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy(['api', 'status'])
      .execute();
    return [
      {
        name: 'cin7ghl_connections',
        help: 'Vendor connections by API and status (needs_reauth means reconnect)',
        type: 'gauge',
        samples: rows.map((r) => ({ labels: { api: r.api, status: r.status }, value: Number(r.n) })),
      },
    ];
  });
}
