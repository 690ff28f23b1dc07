import type { Cin7Client } from '../cin7/client.js';
import { createCin7Client, credentialsFromConfig, credentialsFromStore } from '../cin7/connection.js';
import type { Config } from '../config/load.js';
import type { GhlClient } from '../ghl/client.js';
import { createGhlClient } from '../ghl/factory.js';
import type { HttpClient } from '../http/client.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/open.js';

/** Rebuilt after this long, so a connection changed outside this process is picked up. */
const MAX_AGE_MS = 5 * 60_000;

export interface VendorClients {
  ghlClient(): Promise<GhlClient>;
  cin7Client(): Promise<Cin7Client>;
  reset(): void;
}

/**
 * The process's vendor clients on the shared HTTP client: built on first use from config or the
 * stored connection, reused, rebuilt after a few minutes or a `reset()` (a failed build is not kept).
 *
 * @example
 * const clients = vendorClients({ config, logger, http, store });
 * const ghl = await clients.ghlClient();
 */
export function vendorClients(deps: {
  config: Config;
  logger: Logger;
  http: HttpClient;
  store: Store;
}): VendorClients {
  let ghl: { at: number; client: Promise<GhlClient> } | null = null;
  let cin7: { at: number; client: Promise<Cin7Client> } | null = null;
  const fresh = (e: { at: number } | null) => e !== null && Date.now() - e.at < MAX_AGE_MS;
  return {
    ghlClient() {
      if (!fresh(ghl)) {
        const entry = { at: Date.now(), client: createGhlClient(deps) };
        entry.client.catch(() => {
          if (ghl === entry) ghl = null;
        });
        ghl = entry;
      }
      return (ghl as { client: Promise<GhlClient> }).client;
    },
    cin7Client() {
      if (!fresh(cin7)) {
        const entry = {
          at: Date.now(),
          client: (async () => {
            const credentials =
              credentialsFromConfig(deps.config) ?? (await credentialsFromStore(deps.store, deps.config));
            return createCin7Client(deps.config, credentials, deps.http);
          })(),
        };
        entry.client.catch(() => {
          if (cin7 === entry) cin7 = null;
        });
        cin7 = entry;
      }
      return (cin7 as { client: Promise<Cin7Client> }).client;
    },
    reset() {
      ghl = null;
      cin7 = null;
    },
  };
}
