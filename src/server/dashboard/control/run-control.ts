/**
 * Runs started from the REST API and the dashboard ("Run now"): a sync pass or a reconciliation
 * (plan or apply), run in this process in the background, one at a time, with its live progress
 * kept in memory so the dashboard can show it as it moves (the run's row in `sync_runs` only gets a
 * heartbeat every few seconds). The sync deps (clients, location, Cin7 connection) are read from the
 * service's connections each time, so a connect made while the service runs is used at once.
 */
import { cin7ConnectionId } from '../../../cin7/connection.js';
import { AppError, errorMessage, isAppError } from '../../../errors/index.js';
import { type SyncRunDeps, type SyncRunReport, runSync } from '../../../sync/engine/run.js';
import { runReconcile } from '../../../sync/reconcile/run.js';
import { liveRun } from '../../../sync/repo/runs.js';
import type {
  ClassCounts,
  PlanChange,
  ReconcileDeps,
  ReconcileReport,
} from '../../../sync/reconcile/types.js';
import type { ApiContext } from '../../api/context.js';

export type RunKind = 'sync' | 'reconcile';

/** What `start` is asked for. */
export interface StartRun {
  kind: RunKind;
  /** sync: read everything again (feeds start over, GHL prefetched). */
  full?: boolean;
  /** reconcile: `plan` (default, writes nothing) or `apply`. */
  mode?: 'plan' | 'apply';
  /** reconcile: the conflict policy for this run (default the config's). */
  policy?: 'owner' | 'newest' | 'manual';
  /** Recorded on the run (default `manual`). */
  trigger?: string;
  /** Customers synced (sync) or records applied (reconcile) at once (default the run's own). */
  concurrency?: number;
  /** sync: which change feeds to read (default both; `trigger simulate cin7.poll.*` reads one). */
  feeds?: { customers: boolean; sales: boolean };
  /** sync: recorded in the audit (default `manual`). */
  cause?: 'webhook' | 'poll' | 'reconcile' | 'manual';
  /** reconcile: keep `reconcile.dailyHeadroom` of GHL's daily budget, as scheduled runs do. */
  budget?: boolean;
  /** reconcile: start over instead of resuming a run a killed process left. */
  fresh?: boolean;
}

/** A run this process started, as it stands. */
export interface LiveRun {
  /** Local sequence number (the `sync_runs` id is `runId`, known once the run ends). */
  seq: number;
  kind: RunKind;
  mode: string;
  trigger: string;
  status: 'running' | 'completed' | 'partial' | 'failed';
  phase: string;
  done: number;
  total: number | null;
  startedAt: string;
  finishedAt: string | null;
  runId: string | null;
  /** The report's headline numbers once it ended. */
  summary: Record<string, unknown> | null;
  error: string | null;
}

/** Another run is going on: answer 409 and say which. */
export class RunBusyError extends AppError {
  constructor(live: LiveRun) {
    super(
      'run_busy',
      `A ${live.kind} run (${live.mode}) started at ${live.startedAt} is still going (${live.phase}).`,
      {
        hint: 'Wait for it to finish: the runs page shows its progress.',
        details: { seq: live.seq },
        httpStatus: 409,
      },
    );
  }
}

/** GHL or Cin7 is not connected (or needs reconnecting): nothing can run yet. Answer 409. */
export class NotReadyError extends AppError {
  constructor(cause: AppError) {
    super('not_connected', `Both accounts must be connected first: ${cause.message}`, {
      hint: cause.hint ?? 'Connect GHL and Cin7 on the Connections page.',
      cause,
      httpStatus: 409,
    });
  }
}

const NOT_READY = /not_connected|uninstalled|needs_reauth|disabled|inactive|no_location/;

/** The deps both run kinds need, from the service's current connections. */
export async function syncDepsFrom(ctx: ApiContext): Promise<SyncRunDeps & ReconcileDeps> {
  let ghl: Awaited<ReturnType<ApiContext['ghlClient']>>;
  let cin7: Awaited<ReturnType<ApiContext['cin7Client']>>;
  try {
    ghl = await ctx.ghlClient();
    cin7 = await ctx.cin7Client();
  } catch (e) {
    if (isAppError(e) && NOT_READY.test(e.code)) throw new NotReadyError(e);
    throw e;
  }
  const locationId = ghl.locationId ?? ctx.config.ghl.locationId;
  if (!locationId) {
    throw new AppError('sync_no_location', 'The GHL connection has no location id.', {
      hint: 'Set GHL_LOCATION_ID, or connect GHL again from the Connections page.',
    });
  }
  return {
    store: ctx.store,
    config: ctx.config,
    logger: ctx.logger,
    ghl,
    cin7,
    http: ctx.http,
    counter: ctx.http.counter,
    locationId,
    connectionId: cin7ConnectionId(cin7.accountId),
  };
}

const KEEP_FINISHED_MS = 10 * 60_000;

/** The last reconciliation's differences, for the plan view (at most `PLAN_CHANGES_KEPT`). */
export interface LastPlan {
  runId: string;
  mode: 'plan' | 'apply';
  status: string;
  at: string;
  counts: ClassCounts;
  forecastCalls: { ghl: number; cin7: number };
  changes: PlanChange[];
  /** Changes left out of `changes`. */
  more: number;
}

const PLAN_CHANGES_KEPT = 500;

/**
 * One per service process (see `runControlFor`).
 *
 * @example
 * const live = runControlFor(ctx).start({ kind: 'reconcile', mode: 'plan' });
 * await runControlFor(ctx).idle();
 */
export class RunControl {
  #seq = 0;
  #current: LiveRun | null = null;
  #running: Promise<void> | null = null;
  #lastPlan: LastPlan | null = null;
  /** The whole report of the current (or last) run, for the CLI following it (`report`). */
  #report: { seq: number; report: SyncRunReport | ReconcileReport | null } | null = null;
  /** Stops the current run alone (`stop`); the service's shutdown stops it through `#stop`. */
  #runStop: AbortController | null = null;
  readonly #ctx: ApiContext;
  readonly #stop = new AbortController();

  constructor(ctx: ApiContext) {
    this.#ctx = ctx;
  }

  /** The run going on, else the last one that ended (for a few minutes), else null. */
  live(): LiveRun | null {
    const c = this.#current;
    if (!c) return null;
    if (c.finishedAt && Date.now() - Date.parse(c.finishedAt) > KEEP_FINISHED_MS) {
      this.#report = null;
      return null;
    }
    return { ...c };
  }

  /**
   * Run `seq` as it stands and, once it ended, its whole report (null while it runs, or when it
   * failed before producing one: `error` says why). Null when `seq` is not this process's current
   * or last run, or ended too long ago.
   *
   * @example
   * const r = runControlFor(ctx).report(live.seq); // { live, report }
   */
  report(seq: number): { live: LiveRun; report: SyncRunReport | ReconcileReport | null } | null {
    const live = this.live();
    if (!live || live.seq !== seq) return null;
    return { live, report: this.#report?.seq === seq ? this.#report.report : null };
  }

  /** Asks run `seq` to stop (after the records in progress); false when it is not running. */
  stop(seq: number): boolean {
    if (this.#current?.seq !== seq || this.#current.status !== 'running') return false;
    this.#runStop?.abort();
    return true;
  }

  /** The last reconciliation this process ran (plan or apply), with its differences. */
  lastPlan(): LastPlan | null {
    return this.#lastPlan;
  }

  /** Starts a run in the background; throws `RunBusyError` while one is going on. */
  async start(what: StartRun): Promise<LiveRun> {
    if (this.#current?.status === 'running') throw new RunBusyError(this.#current);
    const elsewhere = await liveRun(this.#ctx.store.db, what.kind);
    if (elsewhere) {
      throw new RunBusyError({
        seq: 0,
        kind: what.kind,
        mode: elsewhere.mode,
        trigger: elsewhere.trigger,
        status: 'running',
        phase: 'running in another process',
        done: 0,
        total: null,
        startedAt: elsewhere.startedAt.toISOString(),
        finishedAt: null,
        runId: elsewhere.id,
        summary: null,
        error: null,
      });
    }
    const deps = await syncDepsFrom(this.#ctx);
    const live: LiveRun = {
      seq: ++this.#seq,
      kind: what.kind,
      mode: what.kind === 'sync' ? (what.full ? 'full' : 'incremental') : (what.mode ?? 'plan'),
      trigger: what.trigger ?? 'manual',
      status: 'running',
      phase: 'starting',
      done: 0,
      total: null,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      runId: null,
      summary: null,
      error: null,
    };
    this.#current = live;
    this.#report = { seq: live.seq, report: null };
    const runStop = new AbortController();
    this.#runStop = runStop;
    const signal = AbortSignal.any([this.#stop.signal, runStop.signal]);
    const onProgress = (p: { phase: string; done: number; total: number | null }) => {
      live.phase = p.phase;
      live.done = p.done;
      live.total = p.total;
    };
    const finish = (r: {
      runId: string | null;
      status: 'completed' | 'partial' | 'failed';
      error?: string | undefined;
      summary: Record<string, unknown>;
      mode?: string;
    }) => {
      Object.assign(live, {
        status: r.status,
        runId: r.runId,
        summary: r.summary,
        error: r.error ?? null,
        phase: 'done',
        finishedAt: new Date().toISOString(),
        ...(r.mode ? { mode: r.mode } : {}),
      });
    };
    const work = async () => {
      if (what.kind === 'sync') {
        const r = await runSync(deps, {
          full: what.full === true,
          onProgress,
          signal,
          trigger: live.trigger,
          ...(what.concurrency !== undefined ? { concurrency: what.concurrency } : {}),
          ...(what.feeds ? { feeds: what.feeds } : {}),
          ...(what.cause ? { cause: what.cause } : {}),
        });
        this.#report = { seq: live.seq, report: r };
        finish({
          runId: r.runId,
          status: r.status,
          error: r.error,
          mode: r.mode,
          summary: {
            customersRead: r.customersRead,
            contactsCreated: r.contactsCreated,
            contactsUpdated: r.contactsUpdated,
            unchanged: r.unchanged,
            skipped: r.skipped,
            failed: r.failed,
            deferred: r.deferred,
            calls: r.calls,
            minimumCalls: r.minimumCalls,
            durationMs: r.durationMs,
          },
        });
      } else {
        const r = await runReconcile(deps, {
          mode: what.mode ?? 'plan',
          trigger: 'manual',
          ...(what.policy ? { policy: what.policy } : {}),
          ...(what.concurrency !== undefined ? { concurrency: what.concurrency } : {}),
          ...(what.budget !== undefined ? { budget: what.budget } : {}),
          ...(what.fresh !== undefined ? { fresh: what.fresh } : {}),
          onProgress,
          signal,
        });
        this.#report = { seq: live.seq, report: r };
        this.#lastPlan = {
          runId: r.runId,
          mode: r.mode,
          status: r.status,
          at: new Date().toISOString(),
          counts: r.counts,
          forecastCalls: r.forecastCalls,
          changes: r.changes.slice(0, PLAN_CHANGES_KEPT),
          more: Math.max(0, r.changes.length - PLAN_CHANGES_KEPT),
        };
        finish({
          runId: r.runId,
          status: r.status,
          error: r.error,
          summary: {
            counts: r.counts,
            forecastCalls: r.forecastCalls,
            applied: r.applied,
            failed: r.failed,
            deferred: r.deferred,
            openConflicts: r.openConflicts,
            calls: r.calls,
            minimumCalls: r.minimumCalls,
            durationMs: r.durationMs,
          },
        });
      }
    };
    this.#running = work().catch((e: unknown) => {
      this.#ctx.logger.warn({ err: e, kind: what.kind }, 'run started from the dashboard failed');
      finish({ runId: null, status: 'failed', error: errorMessage(e), summary: {} });
    });
    return { ...live };
  }

  /** Resolves when no run is going on. */
  async idle(): Promise<void> {
    while (this.#running && this.#current?.status === 'running') await this.#running;
  }

  /** Asks the run going on to stop (service shutdown) and waits for it. */
  async close(): Promise<void> {
    this.#stop.abort();
    await this.idle();
  }
}

const controls = new WeakMap<object, RunControl>();

/**
 * The run control of a service (one per context, made on first use).
 *
 * @example
 * const live = runControlFor(ctx).live();
 */
export function runControlFor(ctx: ApiContext): RunControl {
  let c = controls.get(ctx.store);
  if (!c) {
    c = new RunControl(ctx);
    controls.set(ctx.store, c);
  }
  return c;
}
