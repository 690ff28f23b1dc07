import type { Hono, MiddlewareHandler } from 'hono';
import type { Transaction } from 'kysely';
import type { FeedWorkerDeps } from '../cin7/feed-jobs.js';
import type { CallCounter } from '../http/counter.js';
import type { JobKindSettings } from '../jobs/define.js';
import type { ApiContext } from '../server/api/context.js';
import type { ApiRouter } from '../server/api/router.js';
import type { AppEnv } from '../server/app.js';
import type { MetricsRegistry } from '../server/metrics.js';
import type { Database } from '../store/schema.js';

/** What a process runs: `web` (HTTP only), `worker` (jobs and schedules only) or `all` (both). */
export type Role = 'web' | 'worker' | 'all';

export const ROLES: readonly Role[] = ['web', 'worker', 'all'];

/**
 * Seams where one feature plugs into another without importing it. The sync module sets them in
 * its `init`, which runs before any module's routes or workers.
 */
export interface ServiceHooks {
  /**
   * Runs in the transaction that stores a GHL webhook in the inbox: the sync module enqueues its
   * inbox job here. Without it, deliveries are stored (`pending`) and processed once it exists.
   */
  ghlWebhookStored?: (trx: Transaction<Database>, inboxId: string) => Promise<void>;
  /** The Cin7 change-feed consumers (the sync engine). Without them, feed passes do not run. */
  cin7FeedConsumers?: FeedWorkerDeps['consumers'];
  /**
   * Starts the sync now (set by the sync module while it waits for both connections; idempotent).
   * With `holdSync`, this is the only way it starts: the demo calls it after its initial sync.
   */
  startSync?: () => Promise<void>;
}

/** Everything a module can use. Built once per process by `startService`. */
export interface ServiceContext extends ApiContext {
  hooks: ServiceHooks;
  counter: CallCounter;
  metrics: MetricsRegistry;
  /** Add REST routes here (in `routes`); mounted under `/api` after every module ran. */
  api: ApiRouter;
  /** True when this process serves HTTP (`web`, `all`). */
  runsWeb: boolean;
  /** True when this process runs jobs and schedules (`worker`, `all`). */
  runsWorkers: boolean;
  /** The sync waits for `hooks.startSync()` instead of starting once both accounts are connected. */
  holdSync: boolean;
  /** Where the service is reached: `server.publicUrl`, else the address it listens on. */
  baseUrl(): string;
  /** The auth guard for routes mounted with their own router (the global middleware runs anyway). */
  authGuard: MiddlewareHandler;
  /** Runs at shutdown, before the queue stops (stop loops, flush state). Last registered runs first. */
  onShutdown(fn: () => Promise<void> | void): void;
  /** Runs at shutdown after the queue stopped, before the store closes (release what workers held). */
  onStopped(fn: () => Promise<void> | void): void;
}

/**
 * A feature's part of the service. Phases, each across all modules in list order: `init`, then
 * (web) `routes`, then (worker) `workers`, then (worker) `schedules`.
 *
 * @example
 * export const myModule: ServiceModule = {
 *   name: 'my-feature',
 *   jobKinds: [myJob],
 *   routes: (app, ctx) => { ctx.api.add(...myRoutes(ctx)); },
 *   workers: async (ctx) => { await ctx.queue.work(myJob, {}, handler); },
 * };
 */
export interface ServiceModule {
  name: string;
  /** Job kinds to register at queue start (a send inside a PGlite transaction needs that). */
  jobKinds?: readonly JobKindSettings[];
  init?(ctx: ServiceContext): Promise<void> | void;
  routes?(app: Hono<AppEnv>, ctx: ServiceContext): Promise<void> | void;
  workers?(ctx: ServiceContext): Promise<void> | void;
  schedules?(ctx: ServiceContext): Promise<void> | void;
}
