import type { JobKind } from '../jobs/define.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Store } from '../store/open.js';
import { tailStoreEvents } from '../events/store-tail.js';
import { fileAlertEvents } from './incidents.js';
import { ALERT_KINDS } from './rules.js';

/**
 * One pass: files new alert-worthy events into incidents and enqueues one alert job per new
 * incident (in the same transaction). Without `alerts.url`, incidents are recorded as `unsent`.
 * Returns the number of incidents opened.
 *
 * @example
 * await scanAlerts(store, queue, alertKind, { quietMs: 3_600_000, send: Boolean(config.alerts.url) });
 */
export async function scanAlerts(
  store: Store,
  queue: JobQueue,
  kind: JobKind<{ incidentId: string }>,
  options: { quietMs: number; send: boolean },
): Promise<number> {
  let opened = 0;
  await tailStoreEvents(store, { consumer: 'alerts', kinds: ALERT_KINDS }, async (trx, events) => {
    const ids = await fileAlertEvents(trx, events, options);
    opened = ids.length;
    if (options.send && ids.length > 0)
      await queue.sendMany(
        kind,
        ids.map((incidentId) => ({ incidentId })),
        { trx },
      );
  });
  return opened;
}
