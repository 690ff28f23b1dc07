/**
 * What GHL → Cin7 is given. The service builds it from the engine's own deps (same store, clients,
 * mapping and customer lock), so a customer is never written by both directions at once.
 */
import type { Cin7Client } from '../../cin7/client.js';
import type { GhlClient } from '../../ghl/client.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { Logger } from '../../log/logger.js';
import type { Store } from '../../store/open.js';
import type { CustomerLock } from '../engine/lock.js';
import type { MappingConfig } from '../mapping/index.js';

/** A Cin7 write that answered, told to `hooks.afterCin7Write` before its bookkeeping (tests). */
export interface Cin7WriteEvent {
  kind: 'update' | 'create';
  cin7CustomerId: string;
  ghlContactIds: string[];
}

export interface GhlToCin7Deps {
  store: Store;
  ghl: GhlClient;
  cin7: Cin7Client;
  /** The GHL location the links belong to. */
  locationId: string;
  mapping: MappingConfig;
  logger: Logger;
  /** The engine's lock: one writer per customer, whichever direction. */
  lock: CustomerLock;
  /** The service's queue; without it, work is recorded and processed by calling `processInbound`. */
  queue?: JobQueue | null;
  /** Events for one customer within this window are written to Cin7 together (default 2,000 ms). */
  debounceMs?: number;
  /** The contact poll reads back this far before its checkpoint (search lags; default 120,000 ms). */
  pollOverlapMs?: number;
  now?: () => Date;
  hooks?: { afterCin7Write?: (e: Cin7WriteEvent) => void | Promise<void> };
}
