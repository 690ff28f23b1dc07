/**
 * Outbound product events in the service: config subscriptions kept in step, the dispatcher loop
 * (outbox → one delivery job per subscription, woken by every emit in this process), the
 * `connection.needs_reauth` bridge from the store's auth events, the run bridge (finished runs →
 * `run.completed` / `run.failed`, and the store event that alerts a failed run), and the delivery
 * workers.
 */
import { bridgeStoreEvents } from '../events/bridge.js';
import { type DeliveryPolicy, deliverEvent, eventDeliveryJob } from '../events/deliver.js';
import { dispatchProductEvents, pruneProductEvents } from '../events/dispatch.js';
import { onProductEventEmitted } from '../events/emit.js';
import { bridgeFinishedRuns } from '../events/runs-bridge.js';
import { syncConfigSubscriptions } from '../events/subscriptions.js';
import { startLoop } from './loop.js';
import type { ServiceModule } from './types.js';

export interface EventsModuleOptions {
  delivery?: DeliveryPolicy;
  /** Dispatcher tick (default 1 s; an emit in this process wakes it at once). */
  intervalMs?: number;
}

/**
 * @example
 * eventsModule({ delivery: { retryLimit: 2, retryDelaySeconds: 1 } })
 */
export function eventsModule(options: EventsModuleOptions = {}): ServiceModule {
  const kind = eventDeliveryJob(options.delivery);
  return {
    name: 'events',
    jobKinds: [kind],
    async init(ctx) {
      ctx.metrics.register('events', async () => {
        const deliveries = await ctx.store.db
          .selectFrom('event_deliveries')
          .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
          .groupBy('status')
          .execute();
        const waiting = await ctx.store.db
          .selectFrom('product_events')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('dispatched_at', 'is', null)
          .executeTakeFirstOrThrow();
        return [
          {
            name: 'cin7ghl_event_deliveries',
            help: 'Outbound event deliveries by status (kept 7 days)',
            type: 'gauge',
            samples: deliveries.map((d) => ({ labels: { status: d.status }, value: Number(d.n) })),
          },
          {
            name: 'cin7ghl_events_undispatched',
            help: 'Product events not yet turned into deliveries',
            type: 'gauge',
            samples: [{ value: Number(waiting.n) }],
          },
        ];
      });
    },
    async workers(ctx) {
      await syncConfigSubscriptions(ctx.store, ctx.config, ctx.logger);
      const deps = { store: ctx.store, logger: ctx.logger, userAgent: `cin7-ghl-sync/${ctx.version}` };
      await ctx.queue.work(kind, { batchSize: 5 }, (payload, job) =>
        deliverEvent(
          { ...deps, ...(options.delivery?.timeoutMs ? { timeoutMs: options.delivery.timeoutMs } : {}) },
          payload.deliveryId,
          job,
          kind.retryLimit,
        ),
      );
      let lastPrune = 0;
      const loop = startLoop(
        'events dispatch',
        options.intervalMs ?? 1000,
        async () => {
          await bridgeStoreEvents(ctx.store);
          await bridgeFinishedRuns(ctx.store);
          while ((await dispatchProductEvents(ctx.store, ctx.queue, kind)) >= 200) {
            // a backlog: keep going until a pass is not full
          }
          if (Date.now() - lastPrune > 3_600_000) {
            lastPrune = Date.now();
            await pruneProductEvents(ctx.store);
          }
        },
        ctx.logger,
      );
      const off = onProductEventEmitted(() => loop.wake());
      ctx.onShutdown(async () => {
        off();
        await loop.stop();
      });
    },
  };
}
