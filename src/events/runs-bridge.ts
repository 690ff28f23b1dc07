/**
 * Finished runs (the `sync_runs` rows every sync and reconcile run writes) become events: the
 * product events `run.completed` / `run.failed` for subscribers, and for a failed run the store event
 * `run.failed` that raises an alert. Idempotent by dedupe keys (`run.completed:<id>`,
 * `run.failed:<id>`, the keys a run module uses if it emits them itself), so the table is simply
 * re-read over a look-back window on every pass.
 */
import { sql } from 'kysely';
import { recordEvent } from '../store/events.js';
import type { Store } from '../store/open.js';
import type { Json } from '../store/schema.js';
import { emitProductEvent } from './emit.js';

const CHECKPOINT = 'service.runs-bridge';
const LOOKBACK_MS = 5 * 60_000;

function numbers(value: Json): Record<string, number> {
  const out: Record<string, number> = {};
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) if (typeof v === 'number') out[k] = v;
  }
  return out;
}

/**
 * One pass; returns how many finished runs it looked at.
 *
 * @example
 * await bridgeFinishedRuns(store);
 */
export async function bridgeFinishedRuns(store: Store): Promise<number> {
  return store.transaction(async (trx) => {
    await trx
      .insertInto('checkpoints')
      .values({
        name: CHECKPOINT,
        value: JSON.stringify({ since: new Date(Date.now() - LOOKBACK_MS).toISOString() }),
      })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const cp = await trx
      .selectFrom('checkpoints')
      .select('value')
      .where('name', '=', CHECKPOINT)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const since = new Date(Date.parse(String((cp.value as { since?: string }).since)) - LOOKBACK_MS);
    const runs = await trx
      .selectFrom('sync_runs')
      .selectAll()
      .where('finished_at', '>=', since)
      .where('status', '<>', 'running')
      .orderBy('finished_at')
      .limit(500)
      .execute();
    let newest = since.getTime() + LOOKBACK_MS;
    for (const r of runs) {
      const finished = r.finished_at as Date;
      newest = Math.max(newest, finished.getTime());
      const durationMs = finished.getTime() - r.started_at.getTime();
      const at = finished.toISOString();
      if (r.status === 'failed') {
        const error = r.error ?? 'failed';
        await emitProductEvent(
          trx,
          'run.failed',
          { runId: r.id, kind: r.kind, mode: r.mode, error, counts: numbers(r.counts), durationMs, at },
          { dedupeKey: `run.failed:${r.id}` },
        );
        await recordEvent(trx, {
          kind: 'run.failed',
          severity: 'error',
          subject: r.id,
          message: `The ${r.kind} run ${r.id} (${r.mode}, ${r.trigger}) failed: ${error}`,
          details: {
            kind: r.kind,
            mode: r.mode,
            trigger: r.trigger,
            runId: r.id,
            counts: r.counts,
            durationMs,
          },
          dedupeKey: `run.failed:${r.id}`,
        });
      } else {
        await emitProductEvent(
          trx,
          'run.completed',
          {
            runId: r.id,
            kind: r.kind,
            mode: r.mode,
            status: r.status,
            counts: numbers(r.counts),
            calls: numbers(r.calls),
            durationMs,
            at,
          },
          { dedupeKey: `run.completed:${r.id}` },
        );
      }
    }
    await trx
      .updateTable('checkpoints')
      .set({ value: JSON.stringify({ since: new Date(newest).toISOString() }), updated_at: sql<Date>`now()` })
      .where('name', '=', CHECKPOINT)
      .execute();
    return runs.length;
  });
}
