/**
 * The `failures` table: records that failed alone (a 422 from GHL, an invalid email in Cin7, two
 * Cin7 contacts claiming one GHL contact…), with the error in plain words, the request that was
 * refused and the record, kept for `status`, `failures list` and `failures retry`. One open row
 * per record: failing again counts an attempt; syncing it resolves the row.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database, FailuresTable, Json } from '../../store/schema.js';
import { json } from './db-errors.js';

/** Where in the sync a record failed. */
export type FailureStage = 'map' | 'match' | 'create' | 'update' | 'tags' | 'readback' | 'business';

export interface NewFailure {
  cin7CustomerId: string;
  /** Empty when the failure is about the customer as a whole. */
  cin7ContactId: string;
  ghlContactId?: string | null;
  stage: FailureStage;
  /** Stable code, e.g. `invalid_email`, `api_validation`, `identity_conflict`. */
  code: string;
  /** What went wrong, in plain words, with the fix. */
  error: string;
  /** The refused request (method, path, body) when there was one. */
  request?: Json | null;
  /** The record (the mapped contact or the Cin7 contact). */
  record?: Json | null;
  details?: Json | null;
  runId?: string | null;
}

export interface FailureRecord {
  id: string;
  cin7CustomerId: string;
  cin7ContactId: string;
  ghlContactId: string | null;
  stage: string;
  code: string;
  error: string;
  request: Json | null;
  record: Json | null;
  details: Json | null;
  status: 'open' | 'resolved';
  attempts: number;
  runId: string | null;
  firstAt: Date;
  lastAt: Date;
  resolvedAt: Date | null;
}

/**
 * Records a failure: a new open row, or one more attempt on the record's open row (with the latest
 * error). Answers the row id.
 *
 * @example
 * await recordFailure(trx, { cin7CustomerId, cin7ContactId, stage: 'create', code: e.code, error: e.message, request });
 */
export async function recordFailure(db: Kysely<Database>, f: NewFailure): Promise<string> {
  const values = {
    cin7_customer_id: f.cin7CustomerId,
    cin7_contact_id: f.cin7ContactId,
    ghl_contact_id: f.ghlContactId ?? null,
    stage: f.stage,
    code: f.code,
    error: f.error,
    request: f.request === undefined || f.request === null ? null : json(f.request),
    record: f.record === undefined || f.record === null ? null : json(f.record),
    details: f.details === undefined || f.details === null ? null : json(f.details),
    run_id: f.runId ?? null,
  };
  const row = await db
    .insertInto('failures')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['cin7_customer_id', 'cin7_contact_id']).where('status', '=', 'open').doUpdateSet({
        ghl_contact_id: sql`excluded.ghl_contact_id`,
        stage: sql`excluded.stage`,
        code: sql`excluded.code`,
        error: sql`excluded.error`,
        request: sql`excluded.request`,
        record: sql`excluded.record`,
        details: sql`excluded.details`,
        run_id: sql`excluded.run_id`,
        attempts: sql`failures.attempts + 1`,
        last_at: sql`now()`,
      }),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Resolves the open failures of a customer's records, except those still failing (`keep`: contact
 * ids, '' for the customer as a whole). Answers how many were resolved.
 */
export async function resolveFailures(
  db: Kysely<Database>,
  customerId: string,
  keep: readonly string[] = [],
): Promise<number> {
  let q = db
    .updateTable('failures')
    .set({ status: 'resolved', resolved_at: sql`now()` })
    .where('cin7_customer_id', '=', customerId)
    .where('status', '=', 'open');
  if (keep.length > 0) q = q.where('cin7_contact_id', 'not in', [...keep]);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export interface ListFailuresOptions {
  status?: 'open' | 'resolved' | 'all';
  customerId?: string;
  limit?: number;
}

/** Failures, newest first (open ones by default). */
export async function listFailures(
  db: Kysely<Database>,
  options: ListFailuresOptions = {},
): Promise<FailureRecord[]> {
  let q = db.selectFrom('failures').selectAll();
  const status = options.status ?? 'open';
  if (status !== 'all') q = q.where('status', '=', status);
  if (options.customerId) q = q.where('cin7_customer_id', '=', options.customerId);
  const rows = await q
    .orderBy('last_at', 'desc')
    .orderBy('id', 'desc')
    .limit(Math.min(Math.max(1, options.limit ?? 1000), 100_000))
    .execute();
  return rows.map(toFailure);
}

/** One failure by id; null when there is none. */
export async function getFailure(db: Kysely<Database>, id: string): Promise<FailureRecord | null> {
  if (!/^\d+$/.test(id)) return null;
  const row = await db.selectFrom('failures').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toFailure(row) : null;
}

/** Open failures by code, for `status`. */
export async function failureCounts(
  db: Kysely<Database>,
): Promise<{ open: number; byCode: Record<string, number> }> {
  const rows = await db
    .selectFrom('failures')
    .select(['code', sql<number>`count(*)::int`.as('n')])
    .where('status', '=', 'open')
    .groupBy('code')
    .execute();
  const byCode: Record<string, number> = {};
  let open = 0;
  for (const r of rows) {
    byCode[r.code] = r.n;
    open += r.n;
  }
  return { open, byCode };
}

function toFailure(row: Selectable<FailuresTable>): FailureRecord {
  return {
    id: row.id,
    cin7CustomerId: row.cin7_customer_id,
    cin7ContactId: row.cin7_contact_id,
    ghlContactId: row.ghl_contact_id,
    stage: row.stage,
    code: row.code,
    error: row.error,
    request: row.request,
    record: row.record,
    details: row.details,
    status: row.status,
    attempts: row.attempts,
    runId: row.run_id,
    firstAt: row.first_at,
    lastAt: row.last_at,
    resolvedAt: row.resolved_at,
  };
}
