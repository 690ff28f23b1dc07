/**
 * The `sync_runs` table: one row per pass (a foreground `sync run`, a `failures retry`, later the
 * reconciliation), with its counts, the calls it used and the minimum by the budget formula, its
 * progress (a heartbeat while it runs) and how it ended.
 */
import { hostname } from 'node:os';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database, Json, SyncRunStatus, SyncRunsTable } from '../../store/schema.js';
import { json } from './db-errors.js';

export interface RunRecord {
  id: string;
  kind: string;
  mode: string;
  trigger: string;
  status: SyncRunStatus;
  counts: Json;
  calls: Json;
  minimumCalls: Json;
  progress: Json;
  timings: Json;
  error: string | null;
  startedAt: Date;
  heartbeatAt: Date;
  finishedAt: Date | null;
}

/** A run whose heartbeat is older than this is considered dead (its process was killed). */
export const RUN_STALE_MS = 60_000;

/** Who runs a run: recorded in its progress, so a run whose process died is recognised at once. */
export function runOwner(): { pid: number; host: string } {
  return { pid: process.pid, host: hostname() };
}

/** Starts a run; answers its id. */
export async function startRun(
  db: Kysely<Database>,
  run: { kind: string; mode: string; trigger: string },
): Promise<string> {
  const row = await db
    .insertInto('sync_runs')
    .values({ kind: run.kind, mode: run.mode, trigger: run.trigger, progress: json({ owner: runOwner() }) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** True when the run's process is known to be gone (it ran on this machine and its pid is not alive). */
export function ownerGone(run: RunRecord): boolean {
  const owner = (run.progress as { owner?: { pid?: unknown; host?: unknown } } | null)?.owner;
  if (!owner || owner.host !== hostname() || typeof owner.pid !== 'number') return false;
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * A live run of `kind` other than `exceptId` (heartbeat within `RUN_STALE_MS`, and its process not
 * known to be gone), if any. Runs found dead are marked failed.
 */
export async function liveRun(
  db: Kysely<Database>,
  kind: string,
  exceptId?: string,
): Promise<RunRecord | null> {
  let q = db
    .selectFrom('sync_runs')
    .selectAll()
    .where('kind', '=', kind)
    .where('status', '=', 'running')
    .where('heartbeat_at', '>', sql<Date>`now() - ${`${RUN_STALE_MS} milliseconds`}::interval`);
  if (exceptId) q = q.where('id', '<>', exceptId);
  for (const row of await q.orderBy('id', 'desc').execute()) {
    const run = toRun(row);
    if (!ownerGone(run)) return run;
    await db
      .updateTable('sync_runs')
      .set({ status: 'failed', error: 'the process running it stopped', finished_at: sql`now()` })
      .where('id', '=', run.id)
      .where('status', '=', 'running')
      .execute();
  }
  return null;
}

/** Heartbeat with progress. */
export async function runProgress(db: Kysely<Database>, id: string, progress: Json): Promise<void> {
  const value =
    progress && typeof progress === 'object' && !Array.isArray(progress) ? progress : { progress };
  await db
    .updateTable('sync_runs')
    .set({ progress: json({ ...value, owner: runOwner() }), heartbeat_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

/** Ends a run. */
export async function finishRun(
  db: Kysely<Database>,
  id: string,
  end: {
    status: Exclude<SyncRunStatus, 'running'>;
    counts: Json;
    calls: Json;
    minimumCalls: Json;
    timings: Json;
    error?: string | null;
  },
): Promise<void> {
  await db
    .updateTable('sync_runs')
    .set({
      status: end.status,
      counts: json(end.counts),
      calls: json(end.calls),
      minimum_calls: json(end.minimumCalls),
      timings: json(end.timings),
      error: end.error ?? null,
      finished_at: sql`now()`,
      heartbeat_at: sql`now()`,
    })
    .where('id', '=', id)
    .execute();
}

/** The latest runs, newest first. */
export async function listRuns(db: Kysely<Database>, limit = 10): Promise<RunRecord[]> {
  const rows = await db
    .selectFrom('sync_runs')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(Math.min(Math.max(1, limit), 1000))
    .execute();
  return rows.map(toRun);
}

/** A `sync_runs` row as the rest of the sync reads it. */
export function toRun(row: Selectable<SyncRunsTable>): RunRecord {
  return {
    id: row.id,
    kind: row.kind,
    mode: row.mode,
    trigger: row.trigger,
    status: row.status,
    counts: row.counts,
    calls: row.calls,
    minimumCalls: row.minimum_calls,
    progress: row.progress,
    timings: row.timings,
    error: row.error,
    startedAt: row.started_at,
    heartbeatAt: row.heartbeat_at,
    finishedAt: row.finished_at,
  };
}
