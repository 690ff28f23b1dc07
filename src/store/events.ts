import type { Kysely } from 'kysely';
import type { Database, EventSeverity, Json } from './schema.js';

/** One recorded happening, as listed. */
export interface EventRow {
  id: string;
  kind: string;
  severity: EventSeverity;
  subject: string | null;
  message: string;
  details: Json | null;
  createdAt: Date;
  dedupeKey: string | null;
}

export interface NewEvent {
  /** Dotted, stable name such as `run.failed`, `job.dead_letter`, `auth.lost`. */
  kind: string;
  severity: EventSeverity;
  message: string;
  /** What it is about, e.g. a connection id or a job id. */
  subject?: string | null;
  details?: Json | null;
  /** Recording the same key twice keeps only the first (alert once per incident). */
  dedupeKey?: string | null;
}

/**
 * Records an event; returns its id, or null when `dedupeKey` was already recorded.
 * Pass a transaction to record it atomically with the change it describes.
 *
 * @example
 * await recordEvent(store.db, { kind: 'run.failed', severity: 'error', message: 'Reconcile failed: ...' });
 */
export async function recordEvent(db: Kysely<Database>, event: NewEvent): Promise<string | null> {
  const row = await db
    .insertInto('events')
    .values({
      kind: event.kind,
      severity: event.severity,
      message: event.message,
      subject: event.subject ?? null,
      details: event.details === undefined || event.details === null ? null : JSON.stringify(event.details),
      dedupe_key: event.dedupeKey ?? null,
    })
    .onConflict((oc) => oc.column('dedupe_key').where('dedupe_key', 'is not', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

export interface ListEventsOptions {
  kinds?: string[];
  severities?: EventSeverity[];
  subject?: string;
  since?: Date;
  /** Page backwards: only events with an id lower than this. */
  beforeId?: string;
  /** Default 100, at most 1000. */
  limit?: number;
}

/**
 * Lists events, newest first.
 *
 * @example
 * const alerts = await listEvents(store.db, { severities: ['error', 'critical'], limit: 20 });
 */
export async function listEvents(db: Kysely<Database>, options: ListEventsOptions = {}): Promise<EventRow[]> {
  let q = db.selectFrom('events').selectAll();
  if (options.kinds?.length) q = q.where('kind', 'in', options.kinds);
  if (options.severities?.length) q = q.where('severity', 'in', options.severities);
  if (options.subject !== undefined) q = q.where('subject', '=', options.subject);
  if (options.since) q = q.where('created_at', '>=', options.since);
  if (options.beforeId !== undefined) q = q.where('id', '<', options.beforeId);
  const limit = Math.min(Math.max(1, Math.trunc(options.limit ?? 100)), 1000);
  const rows = await q.orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    severity: r.severity,
    subject: r.subject,
    message: r.message,
    details: r.details,
    createdAt: r.created_at,
    dedupeKey: r.dedupe_key,
  }));
}
