/**
 * The daily refresh of idle GHL connections: a connection nobody used for a day still gets its
 * token pair rotated, so a revoked install is found (and alerted) early and the refresh token
 * never ages out.
 */
import { z } from 'zod';
import type { Config } from '../config/load.js';
import { errorMessage } from '../errors/index.js';
import type { HttpClient } from '../http/client.js';
import { defineJob } from '../jobs/define.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/open.js';
import { GhlTokenManager } from './tokens.js';

/** Every day at 04:17 in the configured time zone (off the hour, away from the 02:00 reconcile). */
export const GHL_IDLE_REFRESH_CRON = '17 4 * * *';

/** Connections whose pair is older than this are refreshed by the daily job. */
export const IDLE_AFTER_MS = 20 * 3600 * 1000;

export const ghlRefreshIdleJob = defineJob({
  name: 'ghl.tokens.refresh-idle',
  schema: z.object({}).strict(),
  retryLimit: 3,
  retryDelaySeconds: 300,
  expireInSeconds: 900,
  singletonKey: () => 'ghl.tokens.refresh-idle',
});

export interface IdleRefreshDeps {
  store: Store;
  http: HttpClient;
  config: Config;
  logger: Logger;
  /** Default `IDLE_AFTER_MS`. */
  idleAfterMs?: number;
}

export interface IdleRefreshReport {
  refreshed: string[];
  failed: Array<{ connectionId: string; error: string }>;
}

/**
 * Refreshes every active OAuth connection whose token pair is older than `idleAfterMs`. A
 * connection whose refresh token is refused becomes `needs_reauth` (with its alert) like any other.
 *
 * @example
 * const { refreshed, failed } = await refreshIdleGhlConnections({ store, http, config, logger });
 */
export async function refreshIdleGhlConnections(deps: IdleRefreshDeps): Promise<IdleRefreshReport> {
  const cutoff = new Date(Date.now() - (deps.idleAfterMs ?? IDLE_AFTER_MS));
  const rows = await deps.store.db
    .selectFrom('connections')
    .select(['id', 'account_id'])
    .where('api', '=', 'ghl')
    .where('auth_mode', '=', 'oauth')
    .where('status', '=', 'active')
    .where((eb) => eb.or([eb('token_refreshed_at', 'is', null), eb('token_refreshed_at', '<', cutoff)]))
    .orderBy('id')
    .execute();
  const report: IdleRefreshReport = { refreshed: [], failed: [] };
  for (const row of rows) {
    const tokens = new GhlTokenManager({
      store: deps.store,
      http: deps.http,
      config: deps.config,
      locationId: row.account_id,
      logger: deps.logger,
    });
    try {
      await tokens.refreshNow();
      report.refreshed.push(row.id);
    } catch (e) {
      report.failed.push({ connectionId: row.id, error: errorMessage(e) });
      deps.logger.warn({ err: e, connectionId: row.id }, 'daily refresh of an idle GHL connection failed');
    }
  }
  return report;
}

/**
 * Schedules the daily idle refresh (cron in the configured time zone) and runs its worker.
 *
 * @example
 * await startGhlJobs(queue, { store, http, config, logger });
 */
export async function startGhlJobs(queue: JobQueue, deps: IdleRefreshDeps): Promise<void> {
  await queue.schedule(ghlRefreshIdleJob, GHL_IDLE_REFRESH_CRON, {}, { tz: deps.config.timeZone });
  await queue.work(ghlRefreshIdleJob, { batchSize: 1 }, async () => {
    const report = await refreshIdleGhlConnections(deps);
    deps.logger.info(
      { refreshed: report.refreshed.length, failed: report.failed.length },
      'daily refresh of idle GHL connections done',
    );
  });
}
