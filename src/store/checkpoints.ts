import { type Kysely, sql } from 'kysely';
import type { Database, Json } from './schema.js';

/**
 * Reads a checkpoint (a long job's resume point); null when none was saved.
 * Pass a transaction to read it together with the work it guards.
 *
 * @example
 * const cursor = await getCheckpoint<{ page: number }>(store.db, 'reconcile:cin7');
 */
export async function getCheckpoint<T extends Json = Json>(
  db: Kysely<Database>,
  name: string,
): Promise<T | null> {
  const row = await db.selectFrom('checkpoints').select('value').where('name', '=', name).executeTakeFirst();
  return row ? (row.value as T) : null;
}

/**
 * Saves (or replaces) a checkpoint. Inside a transaction it commits with the work it records.
 *
 * @example
 * await store.transaction(async (trx) => { ...; await putCheckpoint(trx, 'reconcile:cin7', { page: 3 }); });
 */
export async function putCheckpoint(db: Kysely<Database>, name: string, value: Json): Promise<void> {
  const json = JSON.stringify(value);
  await db
    .insertInto('checkpoints')
    .values({ name, value: json })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: json, updated_at: sql<Date>`now()` }))
    .execute();
}

/** Deletes a checkpoint (a finished run starts from the beginning next time); true when it existed. */
export async function deleteCheckpoint(db: Kysely<Database>, name: string): Promise<boolean> {
  const result = await db.deleteFrom('checkpoints').where('name', '=', name).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
