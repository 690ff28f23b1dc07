import type { Kysely } from 'kysely';
import { InputError } from '../errors/index.js';
import type { Database, Json } from '../store/schema.js';
import {
  PRODUCT_EVENT_SCHEMAS,
  type ProductEventName,
  type ProductEventPayload,
  isProductEventName,
} from './names.js';

/** Woken by every emit in this process, so the dispatcher sends at once instead of at its next tick. */
const listeners = new Set<() => void>();

/** Runs `fn` after each emit in this process (the dispatcher); returns the unsubscribe. */
export function onProductEventEmitted(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export interface EmitOptions {
  /** The same key emitted twice keeps only the first event (e.g. `run.failed:<runId>`). */
  dedupeKey?: string;
}

/**
 * Records a product event in the outbox. Pass the transaction of the change it describes: the
 * event exists exactly when the change committed. Subscribed URLs get it shortly after (signed
 * JSON, retried, then dead-lettered). Returns the event id, or null when `dedupeKey` was seen.
 *
 * @example
 * await store.transaction(async (trx) => {
 *   // ... write the link ...
 *   await emitProductEvent(trx, 'record.synced', { cin7CustomerId, ghlContactId, action: 'created', fields, at: new Date().toISOString() });
 * });
 */
export async function emitProductEvent<N extends ProductEventName>(
  db: Kysely<Database>,
  name: N,
  payload: ProductEventPayload<N>,
  options: EmitOptions = {},
): Promise<string | null> {
  if (!isProductEventName(name)) {
    throw new InputError(
      'emitProductEvent',
      `unknown event "${String(name)}"`,
      `use one of ${Object.keys(PRODUCT_EVENT_SCHEMAS).join(', ')}`,
    );
  }
  const parsed = PRODUCT_EVENT_SCHEMAS[name].safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `emitProductEvent(${name}) payload.${issue?.path.map(String).join('.') ?? ''}`,
      issue?.message ?? 'invalid',
      'send the fields docs/events.md lists for this event',
    );
  }
  const row = await db
    .insertInto('product_events')
    .values({ name, payload: JSON.stringify(parsed.data as Json), dedupe_key: options.dedupeKey ?? null })
    .onConflict((oc) => oc.column('dedupe_key').where('dedupe_key', 'is not', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (row) for (const fn of listeners) queueMicrotask(fn);
  return row?.id ?? null;
}
