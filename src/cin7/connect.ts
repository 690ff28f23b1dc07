/**
 * Connecting a Cin7 Core account: check the credentials with `GET /me`, keep the application key in
 * the vault and the connection row in the store, and register our webhooks when they are enabled
 * and the service has a public URL.
 */
import type { Config } from '../config/load.js';
import { CallCounter } from '../http/counter.js';
import { AuthError } from '../http/errors.js';
import type { Logger } from '../log/logger.js';
import { registerSecret } from '../log/redact.js';
import type { Store } from '../store/open.js';
import { Cin7Client } from './client.js';
import {
  Cin7ConnectionError,
  applicationKeySecretName,
  createCin7Http,
  saveCin7Connection,
} from './connection.js';
import { type WebhookSyncResult, checkCin7Webhooks, ensureWebhookSecret } from './webhooks.js';

export interface ConnectCin7Options {
  store: Store;
  config: Config;
  logger: Logger;
  accountId: string;
  applicationKey: string;
}

export interface ConnectCin7Result {
  connectionId: string;
  accountId: string;
  company: string | null;
  currency: string | null;
  timeZone: string | null;
  /** What the webhook registration did; null when it was skipped (see `webhooksSkipped`). */
  webhooks: WebhookSyncResult | null;
  /** Why webhooks were not registered, when they were not. */
  webhooksSkipped: string | null;
  /** Cin7 calls this cost. */
  calls: number;
}

/**
 * Connects (or reconnects) a Cin7 account. A rejected key is a `Cin7ConnectionError` naming what to
 * check; nothing is stored then.
 *
 * @example
 * const r = await connectCin7({ store, config, logger, accountId, applicationKey });
 */
export async function connectCin7(options: ConnectCin7Options): Promise<ConnectCin7Result> {
  const { store, config, logger, accountId, applicationKey } = options;
  registerSecret(applicationKey);
  const counter = new CallCounter();
  const client = new Cin7Client({
    http: createCin7Http(config, { logger, counter }),
    baseUrl: config.cin7.baseUrl,
    accountId,
    applicationKey,
    pageSize: config.cin7.pageSize,
  });
  let me: Awaited<ReturnType<Cin7Client['me']>>;
  try {
    me = await client.me();
  } catch (e) {
    if (e instanceof AuthError) {
      throw new Cin7ConnectionError(
        'cin7_credentials_rejected',
        `Cin7 refused account ${accountId} with this application key (${e.status}) at ${config.cin7.baseUrl}.`,
        'Copy the Account ID and an API Application Key from Cin7 Core (Integrations → API) into CIN7_ACCOUNT_ID and CIN7_APPLICATION_KEY, and check cin7.baseUrl.',
      );
    }
    throw e;
  }
  const connection = await store.transaction(async (trx) => {
    const saved = await saveCin7Connection(trx, accountId, {
      baseUrl: config.cin7.baseUrl,
      company: me.Company,
      currency: me.Currency,
      timeZone: me.TimeZone,
    });
    await store.vault.put(applicationKeySecretName(saved.id), applicationKey, trx);
    return saved;
  });
  await ensureWebhookSecret(store, connection.id);

  let webhooks: WebhookSyncResult | null = null;
  let webhooksSkipped: string | null = null;
  const publicUrl = config.server.publicUrl;
  if (!config.cin7.webhooks.enabled) {
    webhooksSkipped = 'cin7.webhooks.enabled is false (polling only)';
  } else if (!publicUrl) {
    webhooksSkipped =
      'server.publicUrl is not set (Cin7 needs a URL it can reach; set CIN7_GHL_PUBLIC_URL and connect again)';
  } else {
    webhooks = await checkCin7Webhooks({ store, client, connectionId: connection.id, publicUrl, logger });
  }
  const calls = counter.snapshot().totals.cin7?.calls ?? 0;
  logger.info({ connectionId: connection.id, calls, webhooks: webhooks !== null }, 'cin7 connected');
  return {
    connectionId: connection.id,
    accountId: connection.accountId,
    company: me.Company,
    currency: me.Currency,
    timeZone: me.TimeZone,
    webhooks,
    webhooksSkipped,
    calls,
  };
}
