/**
 * The outbox dispatcher: turns each new product event into one delivery per matching subscription
 * (a row plus its job, in one transaction) and marks the event dispatched. Rows are claimed with
 * `FOR UPDATE SKIP LOCKED`, so several worker processes share the work without doubles.
 */
import { sql } from 'kysely';
import type { JobKind } from '../jobs/define.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Store } from '../store/open.js';

export interface DeliveryJobPayload {
  deliveryId: string;
}

/**
 * One dispatch pass over up to `batch` undispatched events; returns how many it dispatched.
 *
 * @example
 * await dispatchProductEvents(store, queue, deliveryKind);
 */
export async function dispatchProductEvents(
  store: Store,
  queue: JobQueue,
  kind: JobKind<DeliveryJobPayload>,
  options: { batch?: number } = {},
): Promise<number> {
  return store.transaction(async (trx) => {
    const events = await trx
      .selectFrom('product_events')
      .select(['id', 'name'])
      .where('dispatched_at', 'is', null)
      .orderBy('id')
      .limit(options.batch ?? 200)
      .forUpdate()
      .skipLocked()
      .execute();
    if (events.length === 0) return 0;
    const subs = await trx
      .selectFrom('event_subscriptions')
      .select(['id', 'events'])
      .where('deleted_at', 'is', null)
      .execute();
    const rows = events.flatMap((e) =>
      subs
        .filter((s) => s.events.includes('*') || s.events.includes(e.name))
        .map((s) => ({ event_id: e.id, subscription_id: s.id })),
    );
    if (rows.length > 0) {
      const inserted = await trx
        .insertInto('event_deliveries')
        .values(rows)
        .onConflict((oc) => oc.constraint('event_deliveries_once').doNothing())
        .returning('id')
        .execute();
      await queue.sendMany(
        kind,
        inserted.map((r) => ({ deliveryId: r.id })),
        { trx },
      );
    }
    await trx
      .updateTable('product_events')
      .set({ dispatched_at: sql<Date>`now()` })
      .where(
        'id',
        'in',
        events.map((e) => e.id),
      )
      .execute();
    return events.length;
  });
}

/** Deletes dispatched events older than `days` (their deliveries go with them). */
export async function pruneProductEvents(store: Store, days = 7): Promise<number> {
  const r = await store.db
    .deleteFrom('product_events')
    .where('dispatched_at', 'is not', null)
    .where('created_at', '<', sql<Date>`now() - ${`${days} days`}::interval`)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
