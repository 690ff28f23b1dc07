/**
 * The sync engine in the service (G2's `startSyncService`): the `sync.customer` workers, the Cin7
 * feed workers with the engine's consumers, the inbox processor, the polling schedule, GHL → Cin7
 * and the nightly reconciliation (`reconcile.schedule`). A stored GHL webhook enqueues its inbox job
 * in the intake's transaction. Until both GHL and Cin7 are connected only the inbox processor runs
 * (an uninstall is still handled); the process looks for both connections every few seconds and
 * starts the sync as soon as they are there, without a restart. Also registers the sync's metrics.
 */
import { cin7ConnectionId } from '../cin7/connection.js';
import { requestFeedPass } from '../cin7/feed-jobs.js';
import type { Cin7Client } from '../cin7/client.js';
import type { GhlClient } from '../ghl/client.js';
import { AppError, errorMessage } from '../errors/index.js';
import { SYNC_JOB_KINDS, startSyncService } from '../sync/engine/service.js';
import { GHL_TO_CIN7_JOB_KINDS, ghlToCin7Service } from '../sync/ghl-to-cin7/index.js';
import { defaultInboxHandlers, inboxJob, startInboxProcessor } from '../sync/inbox/processor.js';
import { reconcileJob, registerReconcile } from '../sync/reconcile/schedule.js';
import { startLoop } from './loop.js';
import type { ServiceContext, ServiceModule } from './types.js';

function registerSyncMetrics(ctx: ServiceContext): void {
  ctx.metrics.register('sync', async () => {
    const db = ctx.store.db;
    const runs = await db
      .selectFrom('sync_runs')
      .select(['kind', 'status', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy(['kind', 'status'])
      .execute();
    const last = await db
      .selectFrom('sync_runs')
      .select(['kind', 'started_at', 'finished_at'])
      .distinctOn('kind')
      .where('finished_at', 'is not', null)
      .orderBy('kind')
      .orderBy('finished_at', 'desc')
      .execute();
    const lag = await db
      .selectFrom('customers')
      .select((eb) => eb.fn.min('dirty_since').as('oldest'))
      .where('dirty', '=', true)
      .executeTakeFirst();
    const failures = await db
      .selectFrom('failures')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow();
    const oldest = lag?.oldest ? new Date(lag.oldest as unknown as string | Date).getTime() : null;
    return [
      {
        name: 'cin7ghl_sync_runs',
        help: 'Sync and reconcile runs kept in the store, by kind and status',
        type: 'gauge',
        samples: runs.map((r) => ({ labels: { kind: r.kind, status: r.status }, value: Number(r.n) })),
      },
      {
        name: 'cin7ghl_sync_last_run_duration_seconds',
        help: 'Duration of the last finished run of each kind',
        type: 'gauge',
        samples: last.map((r) => ({
          labels: { kind: r.kind },
          value: ((r.finished_at as Date).getTime() - r.started_at.getTime()) / 1000,
        })),
      },
      {
        name: 'cin7ghl_sync_lag_seconds',
        help: 'How long the oldest Cin7 change not yet written to GHL has waited (0 when none waits)',
        type: 'gauge',
        samples: [{ value: oldest === null ? 0 : Math.max(0, (Date.now() - oldest) / 1000) }],
      },
      {
        name: 'cin7ghl_sync_failures_open',
        help: 'Records that failed alone and wait for a retry',
        type: 'gauge',
        samples: [{ value: Number(failures.n) }],
      },
    ];
  });
}

/** How often a process without both connections looks for them again. */
export const CONNECTIONS_RECHECK_MS = 5_000;

interface ConnectedClients {
  ghl: GhlClient;
  cin7: Cin7Client;
  locationId: string;
}

/** Both vendor clients with a location, or why not (a reason for the log). */
async function connectedClients(ctx: ServiceContext): Promise<ConnectedClients | { reason: string }> {
  let ghl: GhlClient;
  let cin7: Cin7Client;
  try {
    ghl = await ctx.ghlClient();
    cin7 = await ctx.cin7Client();
  } catch (e) {
    return { reason: errorMessage(e) };
  }
  const locationId = ghl.locationId;
  if (!locationId) return { reason: 'the GHL connection has no location id: set GHL_LOCATION_ID' };
  return { ghl, cin7, locationId };
}

/** Starts the Cin7 → GHL engine, GHL → Cin7 (when enabled) and the reconciliation on `clients`. */
async function startSync(ctx: ServiceContext, clients: ConnectedClients): Promise<void> {
  const { store, queue, config, logger } = ctx;
  const { ghl, cin7, locationId } = clients;
  // GHL → Cin7 (sync.ghlToCin7): its inbox handlers go to the engine's inbox processor.
  const g2c = config.sync.ghlToCin7
    ? ghlToCin7Service({ store, queue, config, logger, ghl, cin7, locationId })
    : null;
  const sync = await startSyncService({
    store,
    queue,
    config,
    logger,
    ghl,
    cin7,
    locationId,
    connectionId: cin7ConnectionId(cin7.accountId),
    ...(g2c ? { inboxHandlers: { ghl: { ...defaultInboxHandlers().ghl, ...g2c.handlers } } } : {}),
  });
  ctx.onStopped(() => sync.close());
  if (g2c) await g2c.start(sync.engine);
  await registerReconcile(queue, {
    store,
    config,
    logger,
    ghl,
    cin7,
    http: ctx.http,
    counter: ctx.http.counter,
    locationId,
  });
}

export const syncModule: ServiceModule = {
  name: 'sync',
  jobKinds: [...SYNC_JOB_KINDS, ...GHL_TO_CIN7_JOB_KINDS, reconcileJob],
  init(ctx) {
    ctx.hooks.ghlWebhookStored = async (trx, inboxId) => {
      await ctx.queue.send(inboxJob, { inboxId }, { trx });
    };
    registerSyncMetrics(ctx);
  },
  async workers(ctx) {
    const { store, queue, logger } = ctx;
    const first = await connectedClients(ctx);
    if (!('reason' in first) && !ctx.holdSync) {
      await startSync(ctx, first);
      return;
    }
    if ('reason' in first) {
      logger.info(
        { reason: first.reason },
        'the sync starts once GHL and Cin7 are both connected; stored webhooks are processed meanwhile',
      );
    }
    await startInboxProcessor({ store, queue, logger });
    let started: Promise<boolean> | null = null;
    /** Starts the sync when both accounts are connected; false while they are not. */
    const startWhenConnected = async (): Promise<boolean> => {
      const clients = await connectedClients(ctx);
      if ('reason' in clients) return false;
      // The engine's inbox processor (with the sync's handlers) replaces the bare one.
      await queue.stopWorking(inboxJob);
      await startSync(ctx, clients);
      // A first pass now, not at the next poll: a fresh connection shows its customers in seconds.
      const connectionId = cin7ConnectionId(clients.cin7.accountId);
      for (const kind of ['customers', 'sales'] as const)
        await requestFeedPass(queue, kind, connectionId, { reason: 'connected' });
      logger.info('GHL and Cin7 are both connected: the sync started');
      return true;
    };
    const startOnce = async (): Promise<boolean> => {
      started ??= startWhenConnected().then((ok) => {
        if (!ok) started = null; // not connected yet: a later call tries again
        return ok;
      });
      return started;
    };
    ctx.hooks.startSync = async () => {
      if (!(await startOnce())) {
        throw new AppError(
          'sync_not_connected',
          'The sync cannot start: GHL and Cin7 are not both connected.',
          {
            hint: 'Connect both accounts (`cin7-ghl connect ghl`, `cin7-ghl connect cin7`) first.',
          },
        );
      }
    };
    if (ctx.holdSync) return;
    const waiting = startLoop(
      'sync start',
      CONNECTIONS_RECHECK_MS,
      async () => {
        try {
          await startOnce();
        } catch (e) {
          // Half-registered workers cannot be taken back one by one: a restart starts it clean.
          logger.error({ err: e }, `the sync could not start: ${errorMessage(e)}; restart the service`);
          started = Promise.resolve(true);
        }
      },
      logger,
    );
    ctx.onShutdown(() => waiting.stop());
  },
};
