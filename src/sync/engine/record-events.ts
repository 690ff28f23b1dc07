/**
 * The product events of the Cin7 → GHL engine, one per record: `record.synced` when it created or
 * updated a GHL contact for a Cin7 contact, `record.failed` when a record failed alone. Each is one
 * insert into the outbox, in the transaction of the write it describes (so the event exists exactly
 * when the write committed); subscribers get it from the dispatcher.
 */
import type { Kysely } from 'kysely';
import { emitProductEvent } from '../../events/emit.js';
import type { Database } from '../../store/schema.js';
import type { NewFailure } from '../repo/failures.js';

export interface SyncedRecord {
  cin7CustomerId: string;
  cin7ContactId: string;
  ghlContactId: string;
  locationId: string;
  action: 'created' | 'updated' | 'tags';
  /** The fields written (`tags` when the tags changed). */
  fields: string[];
  runId: string | null;
  at: Date;
}

/**
 * `record.synced` for one contact written to GHL.
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
    direction: 'cin7_to_ghl',
    runId: r.runId,
    at: r.at.toISOString(),
  });
}

/**
 * `record.failed` for one failure row just written (`failureId` is its id, for `failures retry`).
 *
 * @example
 * const id = await recordFailure(trx, f);
 * await emitRecordFailed(trx, f, id, new Date());
 */
export async function emitRecordFailed(
  db: Kysely<Database>,
  f: NewFailure,
  failureId: string,
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
