/**
 * The GHL and Cin7 clients a sync uses, on one HTTP layer with one call counter (so a run reports
 * what it cost, per API): credentials from the `GHL_*` / `CIN7_*` variables (as `ops call`), else
 * the connections stored by `connect ghl` / `connect cin7`. The rate limiter is shared through
 * PostgreSQL when the store is (a service and a foreground run then draw on one budget).
 */
import pg from 'pg';
import { credentialsFromConfig, credentialsFromStore, createCin7Client } from '../../cin7/connection.js';
import type { Cin7Client } from '../../cin7/client.js';
import { cin7HttpRules } from '../../cin7/http-rules.js';
import type { Config } from '../../config/load.js';
import { isAppError } from '../../errors/index.js';
import type { GhlClient } from '../../ghl/client.js';
import { createGhlClient } from '../../ghl/factory.js';
import { ghlHttpRules } from '../../ghl/http-rules.js';
import { HttpClient } from '../../http/client.js';
import { CallCounter } from '../../http/counter.js';
import { SlotLimiter } from '../../http/rate-limit/limiter.js';
import { PostgresSlotStore, executorFromPool } from '../../http/rate-limit/postgres.js';
import type { Logger } from '../../log/logger.js';
import type { Store } from '../../store/open.js';
import { SyncSetupError } from './errors.js';

export interface SyncClients {
  http: HttpClient;
  counter: CallCounter;
  ghl: GhlClient;
  cin7: Cin7Client;
  /** The GHL location the links belong to. */
  locationId: string;
  /** The Cin7 connection (`cin7:<accountId>`): names the feeds' checkpoints. */
  connectionId: string;
  close(): Promise<void>;
}

/** Variables that configure connections from the environment (as `ops call` reads them). */
function fromEnvironment(config: Config): boolean {
  return Boolean(config.secrets.ghlToken || config.secrets.cin7ApplicationKey || config.cin7.accountId);
}

/**
 * Builds both clients for a sync. In the `sandbox` environment with nothing configured, the error
 * says how to start the sandboxes.
 *
 * @example
 * const clients = await createSyncClients({ config, logger, store });
 * try { await runSync({ ...clients, store, config, logger }, {}); } finally { await clients.close(); }
 */
export async function createSyncClients(deps: {
  config: Config;
  logger: Logger;
  store: Store;
  counter?: CallCounter;
  /** Replaces `fetch` (tests that record requests). */
  fetch?: typeof fetch;
}): Promise<SyncClients> {
  const { config, logger, store } = deps;
  const counter = deps.counter ?? new CallCounter();
  let pool: pg.Pool | null = null;
  let limiter: SlotLimiter | undefined;
  if (store.kind === 'postgres' && store.databaseUrl) {
    pool = new pg.Pool({
      connectionString: store.databaseUrl,
      max: 2,
      application_name: 'cin7-ghl-sync-limiter',
    });
    pool.on('error', () => {});
    limiter = new SlotLimiter(new PostgresSlotStore(executorFromPool(pool)));
  }
  const http = new HttpClient({
    rules: [
      ghlHttpRules({
        rateLimit: config.ghl.rateLimit,
        timeoutMs: config.ghl.timeoutMs,
        dailyLimit: config.ghl.dailyLimit,
      }),
      cin7HttpRules({ rateLimit: config.cin7.rateLimit, timeoutMs: config.cin7.timeoutMs }),
    ],
    logger,
    counter,
    ...(limiter ? { limiter } : {}),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  const close = async () => {
    await pool?.end().catch(() => {});
  };
  try {
    const ghl = await createGhlClient({ config, logger, http, store });
    const locationId = ghl.locationId;
    if (!locationId) {
      throw new SyncSetupError(
        'sync_no_location',
        'The GHL location is not known: GHL_TOKEN is set without GHL_LOCATION_ID.',
        {
          hint: 'Set GHL_LOCATION_ID (or ghl.locationId in the config file) to the sub-account id.',
        },
      );
    }
    const creds = credentialsFromConfig(config) ?? (await credentialsFromStore(store, config));
    const cin7 = createCin7Client(config, creds, http);
    return { http, counter, ghl, cin7, locationId, connectionId: creds.connectionId, close };
  } catch (e) {
    await close();
    throw setupHint(e, config);
  }
}

/** In the sandbox environment with nothing configured, say how to start the sandboxes. */
function setupHint(e: unknown, config: Config): unknown {
  if (config.env !== 'sandbox' || fromEnvironment(config) || !isAppError(e)) return e;
  if (!/not_connected|no_location/.test(e.code)) return e;
  return new SyncSetupError(
    'sync_not_configured',
    `Nothing to sync with: no GHL or Cin7 connection is configured for the sandbox environment (${e.message})`,
    {
      hint: 'Start the sandboxes with `cin7-ghl sandbox` (or `npm start`), then set GHL_BASE_URL, GHL_TOKEN and GHL_LOCATION_ID, and CIN7_BASE_URL, CIN7_ACCOUNT_ID and CIN7_APPLICATION_KEY from its ready line (or store them with `cin7-ghl connect ghl --pit` and `cin7-ghl connect cin7`).',
      cause: e,
    },
  );
}
