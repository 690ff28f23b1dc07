/**
 * GHL in the service: OAuth connect + callback (connect behind the dashboard auth), the webhook
 * endpoint (stored in the inbox; the sync module's inbox job processes it), and the daily refresh
 * of idle connections.
 */
import { ghlRefreshIdleJob, startGhlJobs } from '../ghl/jobs.js';
import { ghlOAuthRoutes } from '../server/routes/ghl-oauth.js';
import { ghlWebhookRoutes } from '../server/routes/ghl-webhooks.js';
import type { ServiceModule } from './types.js';

export const ghlModule: ServiceModule = {
  name: 'ghl',
  jobKinds: [ghlRefreshIdleJob],
  routes(app, ctx) {
    app.route(
      '/',
      ghlOAuthRoutes({
        config: ctx.config,
        store: ctx.store,
        http: ctx.http,
        logger: ctx.logger,
        guard: ctx.authGuard,
      }),
    );
    app.route(
      '/',
      ghlWebhookRoutes({
        config: ctx.config,
        store: ctx.store,
        logger: ctx.logger,
        // Read at delivery time: the sync module sets the hook in its init.
        onStored: async (trx, inboxId) => {
          await ctx.hooks.ghlWebhookStored?.(trx, inboxId);
        },
      }),
    );
  },
  async workers(ctx) {
    await startGhlJobs(ctx.queue, {
      store: ctx.store,
      http: ctx.http,
      config: ctx.config,
      logger: ctx.logger,
    });
  },
};
