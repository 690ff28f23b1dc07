/**
 * A run's report as `cin7-ghl reconcile` prints it: the `--json` fields (issue 6 item 2) and text
 * for a person (per record and field, old → new and the side written; counts; calls).
 */
import type { PlanChange, ReconcileReport } from './types.js';

/**
 * `--plan --json`: `{counts, forecastCalls, changes}`; `--apply --json`: the same counts plus
 * `{applied, failed, deferred, calls, minimumCalls}` (and the changes); `error` when it failed.
 *
 * @example
 * ctx.out.result(reportJson(report), reportText(report));
 */
export function reportJson(r: ReconcileReport): Record<string, unknown> {
  const common = {
    runId: r.runId,
    status: r.status,
    resumed: r.resumed,
    counts: r.counts,
    durationMs: r.durationMs,
    phasesMs: r.phasesMs,
  };
  const error = r.error !== undefined ? { error: r.error } : {};
  if (r.mode === 'plan') {
    return { ...common, forecastCalls: r.forecastCalls, changes: r.changes, ...error };
  }
  return {
    ...common,
    applied: r.applied,
    failed: r.failed,
    deferred: r.deferred,
    openConflicts: r.openConflicts,
    calls: r.calls,
    minimumCalls: r.minimumCalls,
    changes: r.changes,
    ...error,
  };
}

/** Exit code: a plan that completes exits 0 whatever it found; apply 0 / 2 (conflicts left, deferred, failed records) / 1. */
export function reconcileExitCode(r: ReconcileReport): 0 | 1 | 2 {
  if (r.status === 'failed') return 1;
  if (r.mode === 'plan') return 0;
  return r.status === 'partial' ? 2 : 0;
}

const MAX_RECORDS = 500;

function show(v: unknown): string {
  if (v === null || v === undefined) return '(empty)';
  if (Array.isArray(v)) return v.length === 0 ? '(none)' : v.map((x) => String(x)).join(', ');
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function side(change: PlanChange): string {
  if (change.class === 'unlinked') return 'candidate: `cin7-ghl sync run` links it';
  if (change.field === 'link') return 'unlink';
  if (change.target === 'ghl') return 'writes GHL';
  if (change.target === 'cin7') return 'writes Cin7';
  return change.class === 'conflict' ? 'left for `cin7-ghl conflicts resolve`' : 'nothing written';
}

/**
 * The report for a person.
 *
 * @example
 * process.stdout.write(reportText(report));
 */
export function reportText(r: ReconcileReport): string {
  const c = r.counts;
  const lines = [
    `Reconciliation #${r.runId} (${r.mode}${r.resumed ? ', resumed' : ''}) ${r.status}: ${c.inSync} in sync, ${c.drift} drift, ${c.conflict} conflict, ${c.orphan} orphan, ${c.unlinked} unlinked candidate${c.unlinked === 1 ? '' : 's'}.`,
  ];
  const byRecord = new Map<string, PlanChange[]>();
  for (const ch of r.changes) {
    const key = `${ch.class}\u0000${ch.cin7CustomerId ?? ''}\u0000${ch.cin7ContactId ?? ''}\u0000${ch.ghlContactId ?? ''}`;
    byRecord.set(key, [...(byRecord.get(key) ?? []), ch]);
  }
  let shown = 0;
  for (const list of byRecord.values()) {
    if (shown++ >= MAX_RECORDS) {
      lines.push(`  … and ${byRecord.size - MAX_RECORDS} more records (--json lists them all).`);
      break;
    }
    const first = list[0] as PlanChange;
    lines.push(
      `  [${first.class}] Cin7 ${first.cin7CustomerId ?? '?'}/${first.cin7ContactId ?? '?'} ↔ GHL ${first.ghlContactId ?? '?'}`,
    );
    for (const ch of list) {
      if (ch.class === 'conflict' && ch.target === null && ch.field !== 'link')
        lines.push(`    ${ch.field}: GHL ${show(ch.from)} vs Cin7 ${show(ch.to)} (${side(ch)})`);
      else lines.push(`    ${ch.field}: ${show(ch.from)} → ${show(ch.to)} (${side(ch)})`);
    }
  }
  if (r.mode === 'plan') {
    lines.push(
      `Calls --apply will cost: GHL ${r.forecastCalls.ghl}, Cin7 ${r.forecastCalls.cin7} (reading both sides included).`,
    );
  } else {
    lines.push(
      `Applied ${r.applied}, failed ${r.failed}, deferred ${r.deferred}; ${r.openConflicts} conflict${r.openConflicts === 1 ? '' : 's'} open (\`cin7-ghl conflicts list\`).`,
    );
  }
  lines.push(
    `Calls: GHL ${r.calls.ghl} (minimum ${r.minimumCalls.ghl}), Cin7 ${r.calls.cin7} (minimum ${r.minimumCalls.cin7}); ${(r.durationMs / 1000).toFixed(1)} s.`,
  );
  for (const f of r.failures.slice(0, 20)) lines.push(`Failed: ${f.error}`);
  for (const d of r.deferredRecords.slice(0, 20))
    lines.push(`Deferred ${d.cin7CustomerId ?? d.ghlContactId ?? '?'}: ${d.reason}`);
  if (r.deferredRecords.length > 20) lines.push(`… and ${r.deferred - 20} more deferred.`);
  for (const n of r.notes.slice(0, 20)) lines.push(`Note: ${n}`);
  if (r.error) lines.push(`Error: ${r.error}`);
  return lines.join('\n');
}
