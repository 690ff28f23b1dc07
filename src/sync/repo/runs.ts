/**
 * The `sync_runs` table: one row per pass (a foreground `sync run`, a `failures retry`, later the
 * reconciliation), with its counts, the calls it used and the minimum by the budget formula, its
 * progress (a heartbeat while it runs) and how it ended.
 */
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

/** Starts a run; answers its id. */
export async function startRun(
  db: Kysely<Database>,
  run: { kind: string; mode: string; trigger: string },
): Promise<string> {
  const row = await db
    .insertInto('sync_runs')
    .values({ kind: run.kind, mode: run.mode, trigger: run.trigger })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A live run of `kind` other than `exceptId` (heartbeat within `RUN_STALE_MS`), if any. */
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
  const row = await q.orderBy('id', 'desc').executeTakeFirst();
  return row ? toRun(row) : null;
}

/** Heartbeat with progress. */
export async function runProgress(db: Kysely<Database>, id: string, progress: Json): Promise<void> {
  await db
    .updateTable('sync_runs')
    .set({ progress: json(progress), heartbeat_at: sql`now()` })
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

function toRun(row: Selectable<SyncRunsTable>): RunRecord {
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
