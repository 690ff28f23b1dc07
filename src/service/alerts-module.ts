/**
 * Alerts in the service: a loop files alert-worthy store events into incidents (one alert per
 * incident) and a worker posts each new incident to `alerts.url`, retried and bounded.
 */
import { type AlertPolicy, alertDeliveryJob, deliverAlert } from '../alerts/deliver.js';
import { scanAlerts } from '../alerts/scan.js';
import { startLoop } from './loop.js';
import type { ServiceModule } from './types.js';

export interface AlertsModuleOptions {
  delivery?: AlertPolicy;
  /** Events of one incident closer than this are one alert (default 1 hour). */
  quietMs?: number;
  /** Scan tick (default 2 s). */
  intervalMs?: number;
}

/**
 * @example
 * alertsModule({ quietMs: 3_600_000 })
 */
export function alertsModule(options: AlertsModuleOptions = {}): ServiceModule {
  const kind = alertDeliveryJob(options.delivery);
  return {
    name: 'alerts',
    jobKinds: [kind],
    init(ctx) {
      ctx.metrics.register('alerts', async () => {
        const rows = await ctx.store.db
          .selectFrom('alert_incidents')
          .select(['kind', 'status', (eb) => eb.fn.countAll<string>().as('n')])
          .groupBy(['kind', 'status'])
          .execute();
        return [
          {
            name: 'cin7ghl_alerts',
            help: 'Alert incidents by store-event kind and status (one alert per incident)',
            type: 'gauge',
            samples: rows.map((r) => ({ labels: { kind: r.kind, status: r.status }, value: Number(r.n) })),
          },
        ];
      });
    },
    async workers(ctx) {
      const url = ctx.config.alerts.url;
      if (url) {
        const deps = {
          store: ctx.store,
          logger: ctx.logger,
          url,
          env: ctx.config.env,
          link: ctx.config.server.publicUrl ?? null,
          ...(options.delivery?.timeoutMs ? { timeoutMs: options.delivery.timeoutMs } : {}),
        };
        await ctx.queue.work(kind, { batchSize: 2 }, (payload, job) =>
          deliverAlert(deps, payload.incidentId, job, kind.retryLimit),
        );
      } else {
        ctx.logger.info('alerts.url (CIN7_GHL_ALERT_URL) is not set: incidents are recorded but not posted');
      }
      const loop = startLoop(
        'alerts scan',
        options.intervalMs ?? 2000,
        () =>
          scanAlerts(ctx.store, ctx.queue, kind, {
            quietMs: options.quietMs ?? 3_600_000,
            send: Boolean(url),
          }),
        ctx.logger,
      );
      ctx.onShutdown(() => loop.stop());
    },
  };
}
