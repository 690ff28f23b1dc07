/**
 * `runReconcile`: one reconciliation pass, plan or apply, to completion.
 *
 * Phases (each checkpointed; a run whose process was killed is resumed by the next one):
 * 1. read every Cin7 customer and every GHL contact into the run's tables, page by page;
 * 2. with business association on, read the members of each business the links name;
 * 3. classify every live link (in sync, drift, conflict, orphan) and find unlinked candidates;
 * 4. apply (mode `apply`): drift and conflicts record by record, business associations, and — only
 *    after a fully successful pass — orphans and candidates.
 * A scheduled run keeps `reconcile.dailyHeadroom` of GHL's daily budget: what does not fit is
 * deferred (and taken first by the next run).
 */
import { setMaxListeners } from 'node:events';
import { sql } from 'kysely';
import { errorMessage, isAppError } from '../../errors/index.js';
import { emitProductEvent } from '../../events/emit.js';
import { CallCounter } from '../../http/counter.js';
import { deleteCheckpoint, getCheckpoint, putCheckpoint } from '../../store/checkpoints.js';
import type { Json } from '../../store/schema.js';
import { conflictCounts } from '../conflicts/repo.js';
import { SyncBusyError, isFatal } from '../engine/errors.js';
import { type CustomerLock, customerLockFor } from '../engine/lock.js';
import { loadMapping, needsCustomFieldIds, withCustomFieldIds } from '../mapping/index.js';
import { RUN_STALE_MS, finishRun, ownerGone, runProgress, startRun, toRun } from '../repo/runs.js';
import { loadTagRules } from '../rules/index.js';
import { applyBusinessItems, applyFieldItems, applyOrphans } from './apply.js';
import { BudgetGate } from './budget.js';
import { collectBusinesses, collectCin7, collectGhl } from './collect.js';
import { type RunContext, type RunState, initialState } from './context.js';
import { classifyLinks, findCandidates } from './plan.js';
import { buildReport } from './report.js';
import { cleanupRun, deferPending } from './store.js';
import type { ReconcileDeps, ReconcileOptions, ReconcileProgress, ReconcileReport } from './types.js';

/** The `sync_runs.kind` of reconciliations. */
export const RECONCILE_KIND = 'reconcile';

/** A run a killed process left is resumed only this long after it started (older data is stale). */
export const RESUME_MAX_AGE_MS = 6 * 60 * 60 * 1000;

const HEARTBEAT_MS = 5_000;

function checkpointName(runId: string): string {
  return `reconcile:run:${runId}`;
}

/**
 * Runs one reconciliation to completion. Throws `SyncBusyError` when another one is live; any other
 * error after the run started is reported (`status: 'failed'`, `error`).
 *
 * @example
 * const report = await runReconcile({ store, config, logger, ...clients }, { mode: 'plan', trigger: 'manual' });
 * console.log(report.counts, report.forecastCalls);
 */
export async function runReconcile(deps: ReconcileDeps, options: ReconcileOptions): Promise<ReconcileReport> {
  const started = Date.now();
  const db = deps.store.db;
  const policy = options.policy ?? deps.config.reconcile.conflictPolicy;
  const { runId, state, resumed } = await claimRun(deps, options, policy);
  let mapping = deps.mapping ?? loadMapping(deps.config);
  const rules = deps.rules ?? loadTagRules(deps.config);
  const ownLock: CustomerLock | null = deps.lock ? null : customerLockFor(deps.store);
  const lock = deps.lock ?? (ownLock as CustomerLock);
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const before = deps.counter.snapshot();
  const baseCalls = { ...state.calls };
  const progress: ReconcileProgress = { phase: 'cin7', done: 0, total: null };
  const usedNow = () => {
    const t = CallCounter.diff(before, deps.counter.snapshot()).totals;
    return { ghl: baseCalls.ghl + (t.ghl?.calls ?? 0), cin7: baseCalls.cin7 + (t.cin7?.calls ?? 0) };
  };
  const ctx: RunContext = {
    deps,
    db,
    runId,
    state,
    mapping,
    rules,
    lock,
    gate: new BudgetGate(
      deps.http,
      deps.locationId,
      deps.config.reconcile.dailyHeadroom,
      options.budget ?? options.trigger === 'schedule',
    ),
    signal: stop.signal,
    tagsRelevant: mapping.tags.enabled || rules.owned.tags.length > 0 || rules.owned.prefixes.length > 0,
    businessesEnabled: deps.config.sync.businesses && mapping.business.enabled,
    now: deps.now ?? (() => new Date()),
    save: async (on = db) => {
      state.calls = usedNow();
      await putCheckpoint(on, checkpointName(runId), state as unknown as Json);
    },
    tell: (p) => {
      Object.assign(progress, p);
      options.onProgress?.({ ...progress });
    },
    note: (text) => {
      if (state.notes.length < 50) state.notes.push(text);
      else if (state.notes.length === 50) state.notes.push('… more notes left out');
    },
  };
  const heartbeat = setInterval(() => {
    void runProgress(db, runId, { ...progress, resumed } as unknown as Json).catch(() => {});
  }, HEARTBEAT_MS);
  heartbeat.unref();

  let error: unknown = null;
  try {
    if (needsCustomFieldIds(mapping)) {
      mapping = withCustomFieldIds(mapping, await deps.ghl.listCustomFields());
      ctx.mapping = mapping;
      state.reads.ghl++;
    }
    // Each phase's time adds up across the processes of a resumed run.
    const timed = async <T>(phase: string, fn: () => Promise<T>): Promise<T> => {
      const t = Date.now();
      try {
        return await fn();
      } finally {
        state.phasesMs = { ...state.phasesMs, [phase]: (state.phasesMs?.[phase] ?? 0) + Date.now() - t };
      }
    };
    await timed('cin7', () => collectCin7(ctx));
    const readAll =
      (await timed('ghl', () => collectGhl(ctx))) && (await timed('business', () => collectBusinesses(ctx)));
    if (readAll) {
      // Fresh statistics: the run tables were just filled (and links may have grown by thousands),
      // and without them the planner scans every link for each batch.
      await sql`analyze links, reconcile_customers, reconcile_ghl, reconcile_contacts`
        .execute(db)
        .catch((e) => deps.logger.debug({ err: e }, 'analyze failed'));
      await timed('classify', () => classifyLinks(ctx));
      await timed('candidates', () => findCandidates(ctx));
      if (options.mode === 'apply') {
        ctx.tell({ phase: 'apply', done: 0, total: null });
        await timed('apply', () =>
          applyFieldItems(ctx, Math.max(1, Math.min(16, Math.trunc(options.concurrency ?? 4)))),
        );
        await timed('business', () => applyBusinessItems(ctx));
        const blocked =
          state.transientErrors > 0
            ? `the pass had ${state.transientErrors} errors: orphans are unlinked only after a fully successful pass`
            : state.budgetStopped !== null
              ? 'the pass stopped at the daily budget headroom'
              : null;
        await timed('orphans', () => applyOrphans(ctx, blocked));
      }
    } else {
      await deferPending(
        db,
        runId,
        ['fields', 'business', 'orphan', 'candidate'],
        state.budgetStopped ?? 'deferred',
      );
    }
  } catch (e) {
    error = e;
    if (!isFatal(e) && !isAppError(e)) deps.logger.error({ err: e }, 'reconciliation failed');
    await deferPending(
      db,
      runId,
      ['fields', 'business', 'orphan', 'candidate'],
      `the run failed: ${errorMessage(e)}`,
    ).catch(() => {});
  } finally {
    clearInterval(heartbeat);
    options.signal?.removeEventListener('abort', onAbort);
    await ownLock?.close();
  }
  ctx.tell({ phase: 'done' });
  state.calls = usedNow();
  const open = (await conflictCounts(db)).open;
  const report = await buildReport(ctx, {
    resumed,
    error,
    openConflicts: open,
    durationMs: Date.now() - started,
  });
  await finishRun(db, runId, {
    status: report.status,
    counts: { ...report.counts, applied: report.applied, failed: report.failed, deferred: report.deferred },
    calls: report.calls,
    minimumCalls: report.minimumCalls,
    timings: { durationMs: report.durationMs },
    error: report.error ?? null,
  }).catch((e) => deps.logger.warn({ err: e }, 'could not record the end of the reconciliation'));
  await deleteCheckpoint(db, checkpointName(runId)).catch(() => false);
  await cleanupRun(db, runId).catch((e) => deps.logger.warn({ err: e }, 'could not clean up the run tables'));
  await emitRunEvent(ctx, report).catch((e) => deps.logger.warn({ err: e }, 'could not emit the run event'));
  return report;
}

/** Starts a run, or takes over one a killed process left (same mode, recent enough). */
async function claimRun(
  deps: ReconcileDeps,
  options: ReconcileOptions,
  policy: RunState['policy'],
): Promise<{ runId: string; state: RunState; resumed: boolean }> {
  const db = deps.store.db;
  const rows = await db
    .selectFrom('sync_runs')
    .selectAll()
    .where('kind', '=', RECONCILE_KIND)
    .where('status', '=', 'running')
    .orderBy('id', 'desc')
    .execute();
  let resume: { runId: string; state: RunState } | null = null;
  for (const row of rows) {
    const run = toRun(row);
    const fresh = Date.now() - run.heartbeatAt.getTime() < RUN_STALE_MS;
    if (fresh && !ownerGone(run)) {
      throw new SyncBusyError(
        'reconcile_busy',
        `Another reconciliation (#${run.id}, ${run.mode}, started ${run.startedAt.toISOString()}) is in progress.`,
        {
          hint: 'Wait for it to finish (`cin7-ghl status` shows it); a run whose process died is taken over by the next one.',
        },
      );
    }
    // A killed run of the other mode is left for the next run of its mode.
    if (
      run.mode !== options.mode &&
      options.fresh !== true &&
      Date.now() - run.startedAt.getTime() < RESUME_MAX_AGE_MS
    ) {
      continue;
    }
    const saved = await getCheckpoint<Json>(db, checkpointName(run.id));
    const state = saved as unknown as RunState | null;
    const usable =
      resume === null &&
      options.fresh !== true &&
      state !== null &&
      state.v === 1 &&
      run.mode === options.mode &&
      Date.now() - run.startedAt.getTime() < RESUME_MAX_AGE_MS;
    if (usable && state) {
      resume = { runId: run.id, state };
      continue;
    }
    await finishRun(db, run.id, {
      status: 'failed',
      counts: {},
      calls: {},
      minimumCalls: {},
      timings: {},
      error: 'the process running it stopped; a later run started over',
    });
    await deleteCheckpoint(db, checkpointName(run.id));
    await cleanupRun(db, run.id);
  }
  if (resume) {
    await runProgress(db, resume.runId, { phase: 'resume', resumed: true } as unknown as Json);
    return { ...resume, resumed: true };
  }
  const prev = await db
    .selectFrom('sync_runs')
    .select('id')
    .where('kind', '=', RECONCILE_KIND)
    .where('mode', '=', 'apply')
    .where('status', '<>', 'running')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  const runId = await startRun(db, { kind: RECONCILE_KIND, mode: options.mode, trigger: options.trigger });
  const state = initialState(options.mode, options.trigger, policy, prev?.id ?? null);
  await putCheckpoint(db, checkpointName(runId), state as unknown as Json);
  return { runId, state, resumed: false };
}

async function emitRunEvent(ctx: RunContext, report: ReconcileReport): Promise<void> {
  const at = new Date().toISOString();
  if (report.status === 'failed') {
    await emitProductEvent(
      ctx.db,
      'run.failed',
      {
        runId: report.runId,
        kind: RECONCILE_KIND,
        mode: report.mode,
        error: report.error ?? 'failed',
        counts: report.counts as unknown as Record<string, number>,
        durationMs: report.durationMs,
        at,
      },
      { dedupeKey: `run.failed:${report.runId}` },
    );
    return;
  }
  await emitProductEvent(
    ctx.db,
    'run.completed',
    {
      runId: report.runId,
      kind: RECONCILE_KIND,
      mode: report.mode,
      status: report.status,
      counts: report.counts as unknown as Record<string, number>,
      calls: report.calls,
      durationMs: report.durationMs,
      at,
    },
    { dedupeKey: `run.completed:${report.runId}` },
  );
}
