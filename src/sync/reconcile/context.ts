/**
 * What every phase of a run shares: the deps, the run's checkpointed state (saved with the work of
 * each page, batch or item, so a killed run resumes where it stopped), progress, the budget gate.
 */
import type { Kysely } from 'kysely';
import type { Json } from '../../store/schema.js';
import type { Database } from '../../store/schema.js';
import type { CustomerLock } from '../engine/lock.js';
import type { MappingConfig } from '../mapping/index.js';
import type { TagRules } from '../rules/index.js';
import type { BudgetGate } from './budget.js';
import type {
  ConflictPolicy,
  ReconcileDeps,
  ReconcileMode,
  ReconcileProgress,
  ReconcileTrigger,
} from './types.js';

/** The checkpoint of a run (`checkpoints` row `reconcile:run:<id>`). */
export interface RunState {
  v: 1;
  mode: ReconcileMode;
  trigger: ReconcileTrigger;
  policy: ConflictPolicy;
  startedAt: string;
  cin7: { page: number; limit: number | null; pages: number; records: number; done: boolean };
  ghl: {
    mode: 'search' | 'list';
    cursor: Json | null;
    pages: number;
    records: number;
    done: boolean;
  };
  business: { after: string | null; pages: number; businesses: number; done: boolean };
  classify: { after: string; links: number; done: boolean };
  candidates: { done: boolean };
  /** Reads the pass needed beyond pages (confirming a record gone, a record search did not show). */
  reads: { ghl: number; cin7: number };
  /** Calls of the earlier processes of this run (a resumed run adds its own). */
  calls: { ghl: number; cin7: number };
  /** Why the pass stopped early for the daily budget (null: it did not). */
  budgetStopped: string | null;
  /** Transient errors while applying (a storm stops the apply; orphans then wait for a clean pass). */
  transientErrors: number;
  notes: string[];
  /** The previous reconcile run: its deferred records go first. */
  prevRunId: string | null;
  /** Wall time per phase, in ms (added up across the processes of a resumed run). */
  phasesMs?: Record<string, number>;
}

export function initialState(
  mode: ReconcileMode,
  trigger: ReconcileTrigger,
  policy: ConflictPolicy,
  prevRunId: string | null,
): RunState {
  return {
    v: 1,
    mode,
    trigger,
    policy,
    startedAt: new Date().toISOString(),
    cin7: { page: 1, limit: null, pages: 0, records: 0, done: false },
    ghl: { mode: 'search', cursor: null, pages: 0, records: 0, done: false },
    business: { after: null, pages: 0, businesses: 0, done: false },
    classify: { after: '0', links: 0, done: false },
    candidates: { done: false },
    reads: { ghl: 0, cin7: 0 },
    calls: { ghl: 0, cin7: 0 },
    budgetStopped: null,
    transientErrors: 0,
    notes: [],
    prevRunId,
  };
}

export interface RunContext {
  deps: ReconcileDeps;
  db: Kysely<Database>;
  runId: string;
  state: RunState;
  mapping: MappingConfig;
  rules: TagRules;
  lock: CustomerLock;
  gate: BudgetGate;
  signal: AbortSignal;
  /** Owned tags exist (rules own some, or the Cin7 `Tags` mapping is on): compare tags too. */
  tagsRelevant: boolean;
  businessesEnabled: boolean;
  now(): Date;
  /** Saves the state (inside the transaction of the work it records, when given). */
  save(db?: Kysely<Database>): Promise<void>;
  tell(p: Partial<ReconcileProgress>): void;
  note(text: string): void;
}

/** Throws when the run was asked to stop. */
export function checkStop(ctx: RunContext): void {
  if (ctx.signal.aborted) throw new Error('the reconciliation was stopped');
}
