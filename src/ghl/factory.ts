import type { Config } from '../config/load.js';
import { HttpClient, type HttpClientOptions } from '../http/client.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/open.js';
import { type GhlTokenProvider, StaticTokenProvider } from './auth.js';
import { GhlClient } from './client.js';
import { GhlConnectionError, assertUsable, pitSecretName, resolveGhlConnection } from './connections.js';
import { ghlHttpRules } from './http-rules.js';
import { type RefreshHooks, GhlTokenManager } from './tokens.js';

/**
 * An `HttpClient` with the GHL rules from the config (for one-off use: a service shares one
 * `HttpClient` for every vendor, with the PostgreSQL-shared limiter when scaled out).
 *
 * @example
 * const http = ghlHttpClient(config, logger);
 */
export function ghlHttpClient(
  config: Pick<Config, 'ghl'>,
  logger?: Logger,
  options: Omit<HttpClientOptions, 'rules' | 'logger'> = {},
): HttpClient {
  const rules = ghlHttpRules({
    rateLimit: config.ghl.rateLimit,
    timeoutMs: config.ghl.timeoutMs,
    dailyLimit: config.ghl.dailyLimit,
  });
  return new HttpClient({ ...options, rules: [rules], ...(logger ? { logger } : {}) });
}

export interface GhlAuthDeps {
  config: Config;
  logger: Logger;
  http: HttpClient;
  /** Needed unless `GHL_TOKEN` is set. */
  store?: Store | null;
  hooks?: RefreshHooks;
}

/**
 * The token provider for the config: `GHL_TOKEN` when set (no store needed), else the stored
 * connection of `ghl.locationId` (or the only one): its PIT, or the OAuth token manager.
 *
 * @example
 * const auth = await ghlTokenProvider({ config, logger, http, store });
 */
export async function ghlTokenProvider(deps: GhlAuthDeps): Promise<GhlTokenProvider> {
  const { config } = deps;
  if (config.secrets.ghlToken) return new StaticTokenProvider(config.secrets.ghlToken, config.ghl.locationId);
  if (!deps.store) {
    throw new GhlConnectionError(
      'ghl_not_connected',
      'No GHL credentials: GHL_TOKEN is not set and no store was opened.',
      'Set GHL_TOKEN and GHL_LOCATION_ID, or connect with `cin7-ghl connect ghl`.',
      null,
    );
  }
  const connection = await resolveGhlConnection(deps.store.db, config.ghl.locationId);
  assertUsable(connection);
  if (connection.authMode === 'pit') {
    const pit = await deps.store.vault.get(pitSecretName(connection.id));
    if (!pit) {
      throw new GhlConnectionError(
        'ghl_not_connected',
        `The GHL connection for location ${connection.locationId} has no stored token.`,
        'Store it again with `cin7-ghl connect ghl --pit` (GHL_TOKEN set).',
        connection.id,
      );
    }
    return new StaticTokenProvider(pit, connection.locationId);
  }
  return new GhlTokenManager({
    store: deps.store,
    http: deps.http,
    config,
    locationId: connection.locationId,
    logger: deps.logger,
    ...(deps.hooks ? { hooks: deps.hooks } : {}),
  });
}

/**
 * A ready `GhlClient` for the config (see `ghlTokenProvider` for where its token comes from).
 *
 * @example
 * const ghl = await createGhlClient({ config, logger, http, store });
 */
export async function createGhlClient(deps: GhlAuthDeps): Promise<GhlClient> {
  const auth = await ghlTokenProvider(deps);
  return new GhlClient({
    http: deps.http,
    baseUrl: deps.config.ghl.baseUrl,
    auth,
    ...(auth.locationId ? { locationId: auth.locationId } : {}),
  });
}
