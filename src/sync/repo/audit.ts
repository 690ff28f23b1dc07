/**
 * The `audit` table: every write the product makes, either way, with the values before and after,
 * the fields, the cause (`webhook`, `poll`, `reconcile`, `manual`) and the time. Issue 6 reads it
 * (echo detection, `cin7-ghl audit`) and writes its own rows.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import type { AuditTable, Database, Json } from '../../store/schema.js';
import { json } from './db-errors.js';

export type Cause = 'webhook' | 'poll' | 'reconcile' | 'manual';

export interface NewAudit {
  direction: 'cin7_to_ghl' | 'ghl_to_cin7';
  /** `create`, `update`, `company`, `tags`, `link`, `business`, … */
  action: string;
  cause: Cause;
  cin7CustomerId: string | null;
  cin7ContactId: string | null;
  ghlContactId: string | null;
  fields: string[];
  before?: Json | null;
  after?: Json | null;
  runId?: string | null;
  details?: Json | null;
}

export interface AuditRecord extends Required<Omit<NewAudit, 'runId'>> {
  id: string;
  at: Date;
  runId: string | null;
}

/**
 * Records one write.
 *
 * @example
 * await recordAudit(trx, { direction: 'cin7_to_ghl', action: 'update', cause: 'webhook', ..., fields: ['email'], before, after });
 */
export async function recordAudit(db: Kysely<Database>, a: NewAudit): Promise<void> {
  await db
    .insertInto('audit')
    .values({
      direction: a.direction,
      action: a.action,
      cause: a.cause,
      cin7_customer_id: a.cin7CustomerId,
      cin7_contact_id: a.cin7ContactId,
      ghl_contact_id: a.ghlContactId,
      fields: json(a.fields),
      before: a.before === undefined || a.before === null ? null : json(a.before),
      after: a.after === undefined || a.after === null ? null : json(a.after),
      run_id: a.runId ?? null,
      details: a.details === undefined || a.details === null ? null : json(a.details),
    })
    .execute();
}

/**
 * Audit rows, newest first; of one Cin7 customer or GHL contact when given. `record` is either id
 * (`cin7-ghl audit --record`): rows whose Cin7 customer or GHL contact it is.
 *
 * @example
 * const rows = await listAudit(db, { record: 'c7-42', limit: 20 });
 */
export async function listAudit(
  db: Kysely<Database>,
  options: { cin7CustomerId?: string; ghlContactId?: string; record?: string; limit?: number } = {},
): Promise<AuditRecord[]> {
  let q = db.selectFrom('audit').selectAll();
  if (options.cin7CustomerId) q = q.where('cin7_customer_id', '=', options.cin7CustomerId);
  if (options.ghlContactId) q = q.where('ghl_contact_id', '=', options.ghlContactId);
  const record = options.record;
  if (record) {
    q = q.where((eb) => eb.or([eb('cin7_customer_id', '=', record), eb('ghl_contact_id', '=', record)]));
  }
  const rows = await q
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(Math.min(Math.max(1, options.limit ?? 100), 10_000))
    .execute();
  return rows.map(toAudit);
}

/** Number of audit rows written since `since` (tests and runs: "0 writes"). */
export async function auditCountSince(db: Kysely<Database>, since: Date): Promise<number> {
  const row = await db
    .selectFrom('audit')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('at', '>=', since)
    .executeTakeFirstOrThrow();
  return row.n;
}

function toAudit(row: Selectable<AuditTable>): AuditRecord {
  return {
    id: row.id,
    at: row.at,
    direction: row.direction,
    action: row.action,
    cause: row.cause,
    cin7CustomerId: row.cin7_customer_id,
    cin7ContactId: row.cin7_contact_id,
    ghlContactId: row.ghl_contact_id,
    fields: row.fields,
    before: row.before,
    after: row.after,
    runId: row.run_id,
    details: row.details,
  };
}
