import { Hono } from 'hono';
import type { Config } from '../../config/load.js';
import { ghlWebhookVerifierFromConfig } from '../../ghl/webhooks.js';
import type { Logger } from '../../log/logger.js';
import type { Store } from '../../store/open.js';
import type { AppEnv } from '../app.js';
import { type IntakeOptions, type WebhookVerifier, webhookIntake } from '../webhook-intake.js';

export interface GhlWebhookRouteDeps {
  config: Config;
  store: Store;
  logger: Logger;
  /** Runs in the inbox insert's transaction: enqueue the processing job here. */
  onStored?: IntakeOptions['onStored'];
  /** Default: the config's keys and tolerance (`ghl.webhook.*`). */
  verify?: WebhookVerifier;
}

/**
 * `POST /webhooks/ghl`: the URL to enter in the Marketplace app. Verifies the signature over the
 * raw bytes and the timestamp, stores the delivery in the inbox (deduplicated on `webhookId`) with
 * its job, and answers 2xx only then; a rejected delivery stores nothing.
 *
 * @example
 * app.route('/', ghlWebhookRoutes({ config, store, logger, onStored: (trx, id) => queue.send(kind, { inboxId: id }, { trx }) }));
 */
export function ghlWebhookRoutes(deps: GhlWebhookRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post(
    '/webhooks/ghl',
    webhookIntake({
      source: 'ghl',
      store: deps.store,
      verify: deps.verify ?? ghlWebhookVerifierFromConfig(deps.config),
      logger: deps.logger,
      ...(deps.onStored ? { onStored: deps.onStored } : {}),
    }),
  );
  return app;
}
