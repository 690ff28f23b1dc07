import type { Cin7Client } from '../../cin7/client.js';
import type { Config } from '../../config/load.js';
import type { GhlClient } from '../../ghl/client.js';
import type { HttpClient } from '../../http/client.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { Logger } from '../../log/logger.js';
import type { Catalog } from '../../ops/catalog.js';
import type { Store } from '../../store/open.js';

/** What the REST routes need from the running service (the service context satisfies it). */
export interface ApiContext {
  config: Config;
  logger: Logger;
  store: Store;
  http: HttpClient;
  queue: JobQueue;
  catalog: Catalog;
  role: 'web' | 'worker' | 'all';
  startedAt: Date;
  version: string;
  /** The GHL client of the connection in use (stored connection, or `GHL_TOKEN`), built once and reused. */
  ghlClient(): Promise<GhlClient>;
  /** The Cin7 client of the connection in use (config credentials, or the stored connection). */
  cin7Client(): Promise<Cin7Client>;
  /** Forget the cached clients (after a connect or a disconnect). */
  resetClients(): void;
}

/** Dates as ISO strings in answers (JSON Schema has no date type). */
export function iso(d: Date | null | undefined): string | null {
  return d ? d.toISOString() : null;
}
