/**
 * What a run reports: counts per record (each in its most severe class), the changes per record and
 * field, the calls the apply costs (forecast) or cost (used, and the minimum by the budget formula).
 *
 * The minimum, per API: pages read (Cin7 customers; GHL contacts and business members) + the reads
 * that settle a record search did not show or a side that looks gone + per record written to GHL:
 * its confirming `GET /contacts/:id` and each write (PUT, company upsert, tag call) + per Cin7 record
 * written: its read and its PUT (a record whose GHL-side change is written to Cin7 also needs the
 * confirming GET: search lags) + one business call per business mended + one call per orphan tagged
 * or deleted.
 */
import { errorMessage } from '../../errors/index.js';
import type { RunContext } from './context.js';
import { itemClassCounts, itemTotals, itemsPage } from './store.js';
import type { PlanChange, ReconcileReport } from './types.js';

/** At most this many changes are listed (counts stay exact). */
export const MAX_CHANGES = 100_000;

export async function buildReport(
  ctx: RunContext,
  end: { resumed: boolean; error: unknown; openConflicts: number; durationMs: number },
): Promise<ReconcileReport> {
  const { state } = ctx;
  const classes = await itemClassCounts(ctx.db, ctx.runId);
  const totals = await itemTotals(ctx.db, ctx.runId);
  const reads = {
    ghl: state.ghl.pages + state.business.pages + state.reads.ghl,
    cin7: state.cin7.pages + state.reads.cin7,
  };
  const changes: PlanChange[] = [];
  const deferredRecords: ReconcileReport['deferredRecords'] = [];
  const failures: ReconcileReport['failures'] = [];
  let truncated = false;
  let after = '0';
  for (;;) {
    const page = await itemsPage(ctx.db, ctx.runId, after, 1000);
    if (page.length === 0) break;
    after = (page[page.length - 1] as { id: string }).id;
    for (const item of page) {
      if (item.state === 'deferred' && deferredRecords.length < 200)
        deferredRecords.push({
          cin7CustomerId: item.cin7CustomerId,
          ghlContactId: item.ghlContactId,
          reason: item.error ?? 'deferred',
        });
      if (item.state === 'failed' && failures.length < 200)
        failures.push({
          cin7CustomerId: item.cin7CustomerId,
          ghlContactId: item.ghlContactId,
          error: item.error ?? 'failed',
        });
      const list = Array.isArray(item.changes) ? (item.changes as Array<Record<string, unknown>>) : [];
      for (const ch of list) {
        if (changes.length >= MAX_CHANGES) {
          truncated = true;
          break;
        }
        changes.push({
          class: item.kind === 'fields' ? (ch.class === 'conflict' ? 'conflict' : 'drift') : item.class,
          cin7CustomerId: item.cin7CustomerId,
          cin7ContactId: item.cin7ContactId,
          ghlContactId: item.ghlContactId,
          field: String(ch.field),
          from: ch.from ?? null,
          to: ch.to ?? null,
          target: ch.target === 'ghl' || ch.target === 'cin7' ? ch.target : null,
        });
      }
    }
  }
  const notes = [...state.notes];
  if (state.budgetStopped) notes.unshift(state.budgetStopped);
  if (truncated) notes.push(`only the first ${MAX_CHANGES} changes are listed`);
  const applied = totals.byState.done ?? 0;
  const failed = totals.byState.failed ?? 0;
  const deferred = totals.byState.deferred ?? 0;
  const status: ReconcileReport['status'] =
    end.error !== null
      ? 'failed'
      : state.budgetStopped !== null ||
          (state.mode === 'apply' && (deferred > 0 || failed > 0 || end.openConflicts > 0))
        ? 'partial'
        : 'completed';
  const linked = classes.drift + classes.conflict + classes.orphan;
  return {
    runId: ctx.runId,
    mode: state.mode,
    trigger: state.trigger,
    status,
    resumed: end.resumed,
    counts: {
      inSync: Math.max(0, state.classify.links - linked),
      drift: classes.drift,
      conflict: classes.conflict,
      orphan: classes.orphan,
      unlinked: classes.unlinked,
    },
    forecastCalls: {
      ghl: reads.ghl + totals.forecast.ghl + totals.businessMends,
      cin7: reads.cin7 + totals.forecast.cin7,
    },
    changes,
    applied: state.mode === 'apply' ? applied : 0,
    failed,
    deferred,
    openConflicts: end.openConflicts,
    calls: { ...state.calls },
    minimumCalls: { ghl: reads.ghl + totals.result.ghl, cin7: reads.cin7 + totals.result.cin7 },
    deferredRecords,
    failures,
    notes,
    pages: { cin7: state.cin7.pages, ghl: state.ghl.pages, business: state.business.pages },
    phasesMs: { ...(state.phasesMs ?? {}) },
    durationMs: end.durationMs,
    ...(end.error !== null ? { error: errorMessage(end.error) } : {}),
  };
}
