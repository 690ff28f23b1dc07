/**
 * Turning alert-worthy store events into incidents: an event whose incident key had an event
 * within `quietMs` joins that incident (counted, no new alert); otherwise it opens a new incident,
 * which is what gets sent. Each event is taken once (`alert_incident_events`), however often the
 * events table is re-read.
 */
import { type Kysely, type Selectable, type Transaction, sql } from 'kysely';
import type { EventRow } from '../store/events.js';
import type { AlertIncidentsTable, AlertStatus, Database, EventSeverity, Json } from '../store/schema.js';
import { alertRuleFor } from './rules.js';

export interface Incident {
  id: string;
  incidentKey: string;
  kind: string;
  severity: EventSeverity;
  subject: string | null;
  title: string;
  message: string;
  details: Json | null;
  eventCount: number;
  openedAt: Date;
  lastSeenAt: Date;
  status: AlertStatus;
  attempts: number;
  sentAt: Date | null;
  lastError: string | null;
}

export function toIncident(r: Selectable<AlertIncidentsTable>): Incident {
  return {
    id: r.id,
    incidentKey: r.incident_key,
    kind: r.kind,
    severity: r.severity,
    subject: r.subject,
    title: r.title,
    message: r.message,
    details: r.details,
    eventCount: r.event_count,
    openedAt: r.opened_at,
    lastSeenAt: r.last_seen_at,
    status: r.status,
    attempts: r.attempts,
    sentAt: r.sent_at,
    lastError: r.last_error,
  };
}

/**
 * Files `events` into incidents; answers the ids of the incidents opened now (to be sent).
 *
 * @example
 * const opened = await fileAlertEvents(trx, rows, { quietMs: 3_600_000, send: true });
 */
export async function fileAlertEvents(
  trx: Transaction<Database>,
  events: EventRow[],
  options: { quietMs: number; send: boolean },
): Promise<string[]> {
  const opened: string[] = [];
  for (const e of events) {
    const rule = alertRuleFor(e);
    if (!rule) continue;
    const seen = await trx
      .selectFrom('alert_incident_events')
      .select('event_id')
      .where('event_id', '=', e.id)
      .executeTakeFirst();
    if (seen) continue;
    const open = await trx
      .selectFrom('alert_incidents')
      .select('id')
      .where('incident_key', '=', rule.incidentKey)
      .where(
        'last_seen_at',
        '>',
        sql<Date>`${e.createdAt}::timestamptz - ${`${options.quietMs} milliseconds`}::interval`,
      )
      .orderBy('id', 'desc')
      .executeTakeFirst();
    let incidentId: string;
    if (open) {
      incidentId = open.id;
      await trx
        .updateTable('alert_incidents')
        .set({
          event_count: sql<number>`event_count + 1`,
          last_seen_at: sql<Date>`greatest(last_seen_at, ${e.createdAt}::timestamptz)`,
        })
        .where('id', '=', incidentId)
        .execute();
    } else {
      const row = await trx
        .insertInto('alert_incidents')
        .values({
          incident_key: rule.incidentKey,
          kind: e.kind,
          severity: e.severity,
          subject: e.subject,
          title: rule.title,
          message: e.message,
          details: e.details === null ? null : JSON.stringify(e.details),
          opened_at: e.createdAt,
          last_seen_at: e.createdAt,
          status: options.send ? 'pending' : 'unsent',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      incidentId = row.id;
      opened.push(incidentId);
    }
    await trx
      .insertInto('alert_incident_events')
      .values({ event_id: e.id, incident_id: incidentId })
      .execute();
  }
  return opened;
}

/** Incidents, newest first. */
export async function listIncidents(
  db: Kysely<Database>,
  options: { limit?: number; beforeId?: string } = {},
): Promise<Incident[]> {
  let q = db.selectFrom('alert_incidents').selectAll();
  if (options.beforeId !== undefined) q = q.where('id', '<', options.beforeId);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(Math.min(Math.max(1, options.limit ?? 50), 500))
    .execute();
  return rows.map(toIncident);
}
