/**
 * Reads new rows of the store's `events` table for one consumer (alerts, the needs-reauth bridge),
 * with a checkpoint. Ids are assigned at insert but rows become visible at commit, so a row can
 * appear below a cursor already passed: each pass also re-reads the last `lookbackMs` of events,
 * and consumers are idempotent per event id. The checkpoint row is locked for the pass, so
 * several worker processes never handle the same rows at once.
 */
import { type Transaction, sql } from 'kysely';
import type { EventRow } from '../store/events.js';
import type { Store } from '../store/open.js';
import type { Database } from '../store/schema.js';

export interface TailOptions {
  /** Checkpoint name suffix, e.g. `alerts`. */
  consumer: string;
  kinds: readonly string[];
  /** Rows per pass (default 200). */
  batch?: number;
  /** Re-read window for late commits (default 2 minutes). */
  lookbackMs?: number;
}

/**
 * One pass: hands new (and recent) events of `kinds` to `handle` in one transaction with the
 * checkpoint. On the first pass the cursor starts at the newest event (history is not replayed),
 * apart from the look-back window. Returns the number of events newer than the cursor.
 *
 * @example
 * await tailStoreEvents(store, { consumer: 'alerts', kinds: ['job.dead_letter'] }, async (trx, rows) => { ... });
 */
export async function tailStoreEvents(
  store: Store,
  options: TailOptions,
  handle: (trx: Transaction<Database>, events: EventRow[]) => Promise<void>,
): Promise<number> {
  const name = `service.events-tail:${options.consumer}`;
  const batch = options.batch ?? 200;
  const lookback = `${options.lookbackMs ?? 120_000} milliseconds`;
  return store.transaction(async (trx) => {
    const start = await trx
      .selectFrom('events')
      .select((eb) => eb.fn.coalesce(eb.fn.max('id'), sql<string>`0`).as('max'))
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('checkpoints')
      .values({ name, value: JSON.stringify({ lastId: String(start.max) }) })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const cp = await trx
      .selectFrom('checkpoints')
      .select('value')
      .where('name', '=', name)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const lastId = String((cp.value as { lastId?: string }).lastId ?? '0');
    const kinds = [...options.kinds];
    const fresh = await trx
      .selectFrom('events')
      .selectAll()
      .where('kind', 'in', kinds)
      .where('id', '>', lastId)
      .orderBy('id')
      .limit(batch)
      .execute();
    const recent = await trx
      .selectFrom('events')
      .selectAll()
      .where('kind', 'in', kinds)
      .where('id', '<=', lastId)
      .where('created_at', '>', sql<Date>`now() - ${lookback}::interval`)
      .orderBy('id')
      .limit(batch)
      .execute();
    const rows = [...recent, ...fresh].map(
      (r): EventRow => ({
        id: r.id,
        kind: r.kind,
        severity: r.severity,
        subject: r.subject,
        message: r.message,
        details: r.details,
        createdAt: r.created_at,
        dedupeKey: r.dedupe_key,
      }),
    );
    if (rows.length > 0) await handle(trx, rows);
    const newest = fresh.length > 0 ? fresh[fresh.length - 1]!.id : lastId;
    if (newest !== lastId) {
      await trx
        .updateTable('checkpoints')
        .set({ value: JSON.stringify({ lastId: newest }), updated_at: sql<Date>`now()` })
        .where('name', '=', name)
        .execute();
    }
    return fresh.length;
  });
}
