/**
 * The sync engine in the service (G2's `startSyncService`): the `sync.customer` workers, the Cin7
 * feed workers with the engine's consumers, the inbox processor and the polling schedule. A stored
 * GHL webhook enqueues its inbox job in the intake's transaction. Until both GHL and Cin7 are
 * connected only the inbox processor runs (an uninstall is still handled); the sync starts with the
 * next start after connecting. Also registers the sync's metrics (runs, lag, failures).
 */
import { cin7ConnectionId } from '../cin7/connection.js';
import { errorMessage } from '../errors/index.js';
import { SYNC_JOB_KINDS, startSyncService } from '../sync/engine/service.js';
import { GHL_TO_CIN7_JOB_KINDS, ghlToCin7Service } from '../sync/ghl-to-cin7/index.js';
import { defaultInboxHandlers, inboxJob, startInboxProcessor } from '../sync/inbox/processor.js';
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

export const syncModule: ServiceModule = {
  name: 'sync',
  jobKinds: [...SYNC_JOB_KINDS, ...GHL_TO_CIN7_JOB_KINDS],
  init(ctx) {
    ctx.hooks.ghlWebhookStored = async (trx, inboxId) => {
      await ctx.queue.send(inboxJob, { inboxId }, { trx });
    };
    registerSyncMetrics(ctx);
  },
  async workers(ctx) {
    const { store, queue, config, logger } = ctx;
    let clients: {
      ghl: Awaited<ReturnType<ServiceContext['ghlClient']>>;
      cin7: Awaited<ReturnType<ServiceContext['cin7Client']>>;
    };
    try {
      clients = { ghl: await ctx.ghlClient(), cin7: await ctx.cin7Client() };
    } catch (e) {
      logger.info(
        { reason: errorMessage(e) },
        'the sync starts once GHL and Cin7 are both connected (restart the service after connecting); stored webhooks are processed meanwhile',
      );
      await startInboxProcessor({ store, queue, logger });
      return;
    }
    const locationId = clients.ghl.locationId;
    if (!locationId) {
      logger.warn('the GHL connection has no location id: set GHL_LOCATION_ID; the sync is not started');
      await startInboxProcessor({ store, queue, logger });
      return;
    }
    // GHL → Cin7 (sync.ghlToCin7): its inbox handlers go to the engine's inbox processor.
    const g2c = config.sync.ghlToCin7
      ? ghlToCin7Service({ store, queue, config, logger, ghl: clients.ghl, cin7: clients.cin7, locationId })
      : null;
    const sync = await startSyncService({
      store,
      queue,
      config,
      logger,
      ghl: clients.ghl,
      cin7: clients.cin7,
      locationId,
      connectionId: cin7ConnectionId(clients.cin7.accountId),
      ...(g2c ? { inboxHandlers: { ghl: { ...defaultInboxHandlers().ghl, ...g2c.handlers } } } : {}),
    });
    ctx.onStopped(() => sync.close());
    if (g2c) await g2c.start(sync.engine);
  },
};
