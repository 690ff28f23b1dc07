/**
 * What the engine is given (`EngineDeps`) and what a sync of one customer answers. The same engine
 * serves the `sync.customer` job (service) and foreground runs (`sync run`, `failures retry`).
 */
import type { GhlClient } from '../../ghl/client.js';
import type { Logger } from '../../log/logger.js';
import type { Store } from '../../store/open.js';
import type { MappingConfig, SkippedContact } from '../mapping/index.js';
import type { Cause } from '../repo/audit.js';
import type { NewFailure } from '../repo/failures.js';
import type { TagRules } from '../rules/index.js';
import type { BusinessDirectory } from './business.js';
import type { CustomerLock } from './lock.js';
import type { Matcher } from './matcher.js';
import type { RunTally } from './tally.js';

export type { Cause } from '../repo/audit.js';

/** A GHL write that answered, told to `hooks.afterGhlWrite` before its bookkeeping. */
export interface GhlWriteEvent {
  kind: 'create' | 'update' | 'company' | 'tags';
  cin7CustomerId: string;
  cin7ContactId: string;
  ghlContactId: string;
}

/** Points where tests step in (a crash between a GHL write and its bookkeeping). */
export interface EngineHooks {
  afterGhlWrite?: (event: GhlWriteEvent) => void | Promise<void>;
}

/** Everything the engine needs, built once per run or per service. */
export interface EngineDeps {
  store: Store;
  ghl: GhlClient;
  /** The GHL location the links belong to. */
  locationId: string;
  mapping: MappingConfig;
  rules: TagRules;
  logger: Logger;
  lock: CustomerLock;
  /** Default: the clock. */
  now?: () => Date;
  /** Read appointments back into the profile as well (one more call per contact written). */
  readAppointments?: boolean;
  /** Business association (config `sync.businesses` and the mapping's `business.enabled`). */
  businesses?: BusinessDirectory | null;
  hooks?: EngineHooks;
}

export interface SyncCustomerOptions {
  cause: Cause;
  /** How unlinked contacts are matched: prefetched search pages (initial/full) or duplicate lookups. */
  matcher: Matcher;
  runId?: string | null;
  tally?: RunTally | null;
  signal?: AbortSignal;
  /** How long to wait for the customer's lock (default 30 s); then the customer is deferred. */
  lockWaitMs?: number;
}

/** What happened to one mapped contact. */
export type ContactOutcome = 'created' | 'updated' | 'unchanged' | 'failed';

/** What a sync of one customer did. */
export interface CustomerSyncResult {
  customerId: string;
  /** `missing`: no snapshot stored; `deferred`: not synced now (lock held elsewhere, transient error). */
  status: 'synced' | 'partial' | 'failed' | 'skipped' | 'missing' | 'deferred';
  created: number;
  updated: number;
  unchanged: number;
  skipped: SkippedContact[];
  failures: NewFailure[];
  /** Set when deferred by an error (the job retries; a foreground run reports it). */
  error?: unknown;
}
