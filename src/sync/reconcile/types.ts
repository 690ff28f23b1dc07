/**
 * The shapes of a reconciliation: what it is given, the classes and changes it finds, and what it
 * reports (the `--json` fields of `cin7-ghl reconcile`).
 */
import type { Cin7Client } from '../../cin7/client.js';
import type { Config } from '../../config/load.js';
import type { GhlClient } from '../../ghl/client.js';
import type { CallCounter } from '../../http/counter.js';
import type { HttpClient } from '../../http/client.js';
import type { Logger } from '../../log/logger.js';
import type { Store } from '../../store/open.js';
import type { CustomerLock } from '../engine/lock.js';
import type { FieldValue, MappingConfig } from '../mapping/index.js';
import type { TagRules } from '../rules/index.js';

export type ReconcileMode = 'plan' | 'apply';
export type ReconcileTrigger = 'schedule' | 'manual';
export type ConflictPolicy = 'owner' | 'newest' | 'manual';

/** The five classes a record falls in (a record counts once, in its most severe class). */
export type RecordClass = 'inSync' | 'drift' | 'conflict' | 'orphan' | 'unlinked';

/** Which side a change writes; null when nothing is written (a manual conflict, an unlink). */
export type Target = 'ghl' | 'cin7' | null;

/** One field of one record that differs, and what the run does about it. */
export interface FieldChange {
  field: string;
  class: 'drift' | 'conflict';
  /** `cin7` changed, `ghl` changed, `both` changed (conflict), or `unknown` (no synced baseline). */
  changed: 'cin7' | 'ghl' | 'both' | 'unknown';
  /**
   * The value on the side that will be written, and the value it gets (a conflict left open: GHL's
   * value and Cin7's; a value kept on its side: the same value twice).
   */
  from: FieldValue;
  to: FieldValue;
  target: Target;
  cin7Value: FieldValue;
  ghlValue: FieldValue;
  /** For conflicts: the policy that applied and the winner (null: manual, left open). */
  policy?: ConflictPolicy;
  winner?: 'cin7' | 'ghl' | null;
  /** Why the winner won (newest: the times compared; owner: which side owns the field). */
  why?: string;
  /**
   * The winner's value stays only on its own side (a one-way field whose destination won): nothing is
   * written, and the other side's value is remembered as deliberately not written.
   */
  keep?: boolean;
}

/** What the engine's clients and config give a run. */
export interface ReconcileDeps {
  store: Store;
  config: Config;
  logger: Logger;
  ghl: GhlClient;
  cin7: Cin7Client;
  /** The HTTP layer both clients use: its GHL rules answer the daily budget left. */
  http: HttpClient;
  counter: CallCounter;
  locationId: string;
  /** Default: `loadMapping(config)`. */
  mapping?: MappingConfig;
  /** Default: `loadTagRules(config)`. */
  rules?: TagRules;
  /** Default: `customerLockFor(store)` (closed at the end). */
  lock?: CustomerLock;
  now?: () => Date;
  /** Test hook: called after each vendor write, before its bookkeeping (a crash there must not double-write). */
  afterWrite?: (event: {
    kind: string;
    cin7CustomerId: string | null;
    ghlContactId: string | null;
  }) => void | Promise<void>;
}

export type ReconcilePhase =
  | 'cin7'
  | 'ghl'
  | 'business'
  | 'classify'
  | 'candidates'
  | 'apply'
  | 'orphans'
  | 'done';

export interface ReconcileProgress {
  phase: ReconcilePhase;
  done: number;
  total: number | null;
}

export interface ReconcileOptions {
  mode: ReconcileMode;
  trigger: ReconcileTrigger;
  /** Keep `reconcile.dailyHeadroom` of GHL's daily budget (default: for scheduled runs). */
  budget?: boolean;
  /** Records applied at once (default 4). */
  concurrency?: number;
  /** Default: config `reconcile.conflictPolicy`. */
  policy?: ConflictPolicy;
  onProgress?: (p: ReconcileProgress) => void;
  signal?: AbortSignal;
  /** Do not resume a run a killed process left (start over). */
  fresh?: boolean;
}

export interface ClassCounts {
  inSync: number;
  drift: number;
  conflict: number;
  orphan: number;
  unlinked: number;
}

/** One change as `--plan --json` lists it (per record and field). */
export interface PlanChange {
  class: 'drift' | 'conflict' | 'orphan' | 'unlinked';
  cin7CustomerId: string | null;
  cin7ContactId: string | null;
  ghlContactId: string | null;
  field: string;
  from: unknown;
  to: unknown;
  target: Target;
}

export interface ReconcileReport {
  runId: string;
  mode: ReconcileMode;
  trigger: ReconcileTrigger;
  status: 'completed' | 'partial' | 'failed';
  /** True when this run continued one a killed process had left. */
  resumed: boolean;
  counts: ClassCounts;
  /** What `--apply` costs (reads of the pass included), per API. */
  forecastCalls: { ghl: number; cin7: number };
  changes: PlanChange[];
  /** Apply: records fixed, failed alone, deferred (budget, lock, transient errors). */
  applied: number;
  failed: number;
  deferred: number;
  /** Conflicts left open for `cin7-ghl conflicts resolve`. */
  openConflicts: number;
  calls: { ghl: number; cin7: number };
  minimumCalls: { ghl: number; cin7: number };
  deferredRecords: Array<{ cin7CustomerId: string | null; ghlContactId: string | null; reason: string }>;
  failures: Array<{ cin7CustomerId: string | null; ghlContactId: string | null; error: string }>;
  notes: string[];
  pages: { cin7: number; ghl: number; business: number };
  /** Wall time per phase (cin7, ghl, business, classify, candidates, apply, orphans), in ms. */
  phasesMs: Record<string, number>;
  durationMs: number;
  error?: string;
}
