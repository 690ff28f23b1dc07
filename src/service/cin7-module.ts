/**
 * Cin7 in the service: the webhook endpoints (each delivery asks for a debounced feed pass), the
 * feed workers (when the sync module gives them consumers), polling, and the periodic webhook check.
 * The connection is looked up when needed, so `connect cin7` while the service runs takes effect for
 * the webhook endpoints at once, for the sync and its polling within seconds (the sync module), and
 * for the periodic webhook check at the next start.
 */
import { Hono } from 'hono';
import {
  CIN7_JOB_KINDS,
  scheduleCin7Polling,
  startCin7FeedWorkers,
  startCin7WebhookChecks,
} from '../cin7/feed-jobs.js';
import {
  cin7ConnectionId,
  credentialsFromConfig,
  readCin7Connection,
  webhookSecretName,
} from '../cin7/connection.js';
import { WebhookRejectedError } from '../errors/index.js';
import { errorHandler } from '../server/errors.js';
import { cin7WebhookRoutes } from '../server/routes/cin7-webhooks.js';
import type { ServiceContext, ServiceModule } from './types.js';

/** The Cin7 connection in use: from config (`CIN7_ACCOUNT_ID`), else the stored one; null when none. */
async function currentConnectionId(ctx: ServiceContext): Promise<string | null> {
  const fromConfig = credentialsFromConfig(ctx.config);
  if (fromConfig) return fromConfig.connectionId;
  const row = await readCin7Connection(ctx.store.db, ctx.config.cin7.accountId);
  return row ? row.id : ctx.config.cin7.accountId ? cin7ConnectionId(ctx.config.cin7.accountId) : null;
}

export const cin7Module: ServiceModule = {
  name: 'cin7',
  jobKinds: CIN7_JOB_KINDS,
  routes(app, ctx) {
    const inner = new Map<string, Promise<Hono>>();
    const routesFor = (connectionId: string) => {
      let r = inner.get(connectionId);
      if (!r) {
        r = cin7WebhookRoutes({
          store: ctx.store,
          queue: ctx.queue,
          logger: ctx.logger,
          connectionId,
          getSecret: () => ctx.store.vault.get(webhookSecretName(connectionId)),
          debounceMs: ctx.config.cin7.webhooks.debounceMs,
        }).then((routes) => {
          const wrapper = new Hono();
          wrapper.route('/webhooks/cin7', routes);
          wrapper.onError(errorHandler(ctx.logger));
          return wrapper;
        });
        r.catch(() => inner.delete(connectionId));
        inner.set(connectionId, r);
      }
      return r;
    };
    for (const kind of ['customers', 'sales'] as const) {
      app.post(`/webhooks/cin7/${kind}`, async (c) => {
        const connectionId = await currentConnectionId(ctx);
        if (!connectionId) throw new WebhookRejectedError('No Cin7 account is connected here', 401);
        return (await routesFor(connectionId)).fetch(c.req.raw);
      });
    }
  },
  async workers(ctx) {
    const connectionId = await currentConnectionId(ctx);
    const consumers = ctx.hooks.cin7FeedConsumers;
    if (consumers) {
      await startCin7FeedWorkers({
        store: ctx.store,
        queue: ctx.queue,
        logger: ctx.logger,
        client: () => ctx.cin7Client(),
        consumers,
      });
    }
    const publicUrl = ctx.config.server.publicUrl;
    if (connectionId && ctx.config.cin7.webhooks.enabled && publicUrl) {
      await startCin7WebhookChecks({
        store: ctx.store,
        queue: ctx.queue,
        logger: ctx.logger,
        client: () => ctx.cin7Client(),
        connectionId,
        publicUrl,
        intervalMs: ctx.config.cin7.webhooks.checkIntervalMinutes * 60_000,
        timeZone: ctx.config.timeZone,
      });
    } else if (!connectionId) {
      ctx.logger.info(
        'no Cin7 connection yet: the sync and its polling start once it is connected; the webhook checks with the next start after `connect cin7`',
      );
    }
  },
  async schedules(ctx) {
    const connectionId = await currentConnectionId(ctx);
    if (connectionId && ctx.hooks.cin7FeedConsumers) {
      await scheduleCin7Polling(ctx.queue, connectionId, {
        everyMinutes: ctx.config.sync.pollIntervalMinutes,
        timeZone: ctx.config.timeZone,
      });
    }
  },
};
