/**
 * Cin7 webhooks in: `POST /webhooks/cin7/customers` and `POST /webhooks/cin7/sales` (the URLs
 * `syncWebhooks` registers). Each delivery is checked (bearer token or secret header, constant-time;
 * wrong or missing → 401, nothing stored), kept in the inbox, and asks for a debounced change-feed
 * pass in the same transaction — never a GET per record: a burst of deliveries costs one or two
 * page reads.
 */
import { Hono } from 'hono';
import type { Cin7FeedKind } from '../../cin7/change-feed.js';
import { CIN7_JOB_KINDS, hintSource, requestFeedPass } from '../../cin7/feed-jobs.js';
import { cin7WebhookVerifier } from '../../cin7/webhooks.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { Logger } from '../../log/logger.js';
import type { Store } from '../../store/open.js';
import { webhookIntake } from '../webhook-intake.js';

export interface Cin7WebhookRouteDeps {
  store: Store;
  queue: JobQueue;
  logger: Logger;
  /** The Cin7 connection the hints are for (`cin7:<accountId>`). */
  connectionId: string;
  /** The current webhook secret (from the vault); null when none is set up (every delivery → 401). */
  getSecret: () => Promise<string | null> | string | null;
  /** Config `cin7.webhooks.debounceMs`: how long a pass waits for further hints. */
  debounceMs: number;
}

/**
 * The Cin7 webhook routes, to mount under `/webhooks/cin7`. Registers the Cin7 job kinds first
 * (a send inside a PGlite transaction needs them registered).
 *
 * @example
 * app.route('/webhooks/cin7', await cin7WebhookRoutes({ store, queue, logger, connectionId,
 *   getSecret: () => store.vault.get(webhookSecretName(connectionId)), debounceMs: config.cin7.webhooks.debounceMs }));
 */
export async function cin7WebhookRoutes(deps: Cin7WebhookRouteDeps): Promise<Hono> {
  for (const kind of CIN7_JOB_KINDS) await deps.queue.register(kind);
  const verify = cin7WebhookVerifier(deps.getSecret);
  const routes = new Hono();
  for (const kind of ['customers', 'sales'] as const satisfies readonly Cin7FeedKind[]) {
    routes.post(
      `/${kind}`,
      webhookIntake({
        source: hintSource(kind),
        store: deps.store,
        logger: deps.logger,
        verify,
        onStored: async (trx) => {
          await requestFeedPass(deps.queue, kind, deps.connectionId, {
            trx,
            debounceMs: deps.debounceMs,
            reason: 'webhook',
          });
        },
      }),
    );
  }
  return routes;
}
