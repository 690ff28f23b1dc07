/**
 * The product events of the sync, one per record: `record.synced` when a record was written to the
 * other side (a GHL contact created or updated for a Cin7 contact, a Cin7 customer updated or created
 * from a GHL contact), `record.failed` when a record failed alone. Each is one insert into the outbox,
 * in the transaction of the bookkeeping of the write it describes (so the event exists exactly when
 * that bookkeeping committed); subscribers get it from the dispatcher. Used by the engine (Cin7 →
 * GHL), the reconciliation (both sides) and GHL → Cin7.
 */
import type { Kysely } from 'kysely';
import { emitProductEvent } from '../../events/emit.js';
import type { Database } from '../../store/schema.js';

export interface SyncedRecord {
  cin7CustomerId: string;
  /** Null when the write was about the customer as a whole (e.g. a create whose contact is not known). */
  cin7ContactId: string | null;
  ghlContactId: string;
  locationId: string;
  action: 'created' | 'updated' | 'tags';
  /** The fields written (`tags` when the tags changed). */
  fields: string[];
  /** Which side was written; Cin7 → GHL when not given. */
  direction?: 'cin7_to_ghl' | 'ghl_to_cin7';
  runId: string | null;
  at: Date;
}

/** A record that failed alone, as `record.failed` describes it (a `NewFailure` fits). */
export interface FailedRecord {
  /** Null when no Cin7 customer exists for it (a GHL contact whose customer Cin7 refused to create). */
  cin7CustomerId: string | null;
  /** Empty or null when the failure is about the customer as a whole. */
  cin7ContactId?: string | null;
  ghlContactId?: string | null;
  stage: string;
  code: string;
  error: string;
  runId?: string | null;
}

/**
 * `record.synced` for one record written to the other side.
 *
 * @example
 * await emitRecordSynced(trx, { cin7CustomerId, cin7ContactId, ghlContactId, locationId, action: 'created', fields, runId, at: new Date() });
 */
export async function emitRecordSynced(db: Kysely<Database>, r: SyncedRecord): Promise<void> {
  await emitProductEvent(db, 'record.synced', {
    cin7CustomerId: r.cin7CustomerId,
    cin7ContactId: r.cin7ContactId,
    ghlContactId: r.ghlContactId,
    ghlLocationId: r.locationId,
    action: r.action,
    fields: r.fields,
    direction: r.direction ?? 'cin7_to_ghl',
    runId: r.runId,
    at: r.at.toISOString(),
  });
}

/**
 * `record.failed` for one record that failed alone: `failureId` is the id of the failure row just
 * written (for `failures retry`), or null where the failure is reported without one.
 *
 * @example
 * const id = await recordFailure(trx, f);
 * await emitRecordFailed(trx, f, id, new Date());
 */
export async function emitRecordFailed(
  db: Kysely<Database>,
  f: FailedRecord,
  failureId: string | null,
  at: Date,
): Promise<void> {
  await emitProductEvent(db, 'record.failed', {
    cin7CustomerId: f.cin7CustomerId,
    cin7ContactId: f.cin7ContactId || null,
    ghlContactId: f.ghlContactId ?? null,
    failureId,
    stage: f.stage,
    code: f.code,
    error: f.error,
    runId: f.runId ?? null,
    at: at.toISOString(),
  });
}
