/**
 * Pausing the schedules: one setting (`service_settings` key `schedules.paused`) that the scheduled
 * passes read before they start — the Cin7 polling passes (the sync) and the scheduled
 * reconciliation. Webhooks, retries and runs started by hand still run: a pause stops the clock,
 * not the operator. Shared by every process through the store.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** What can be paused. */
export type PausableSchedule = 'sync' | 'reconcile';

export interface SchedulePause {
  sync: boolean;
  reconcile: boolean;
  /** ISO time of the last change, or null when never set. */
  changedAt: string | null;
}

const KEY = 'schedules.paused';

/**
 * The pause setting (both false when never set).
 *
 * @example
 * if ((await readSchedulePause(store.db)).sync && payload.reason === 'schedule') return; // skip the pass
 */
export async function readSchedulePause(db: Kysely<Database>): Promise<SchedulePause> {
  const row = await db
    .selectFrom('service_settings')
    .select('value')
    .where('key', '=', KEY)
    .executeTakeFirst();
  const v = (row?.value ?? {}) as Partial<SchedulePause>;
  return {
    sync: v.sync === true,
    reconcile: v.reconcile === true,
    changedAt: typeof v.changedAt === 'string' ? v.changedAt : null,
  };
}

/**
 * Pauses or resumes schedules (only the ones named in `patch` change).
 *
 * @example
 * await setSchedulePause(store.db, { sync: true, reconcile: true }); // pause both
 */
export async function setSchedulePause(
  db: Kysely<Database>,
  patch: Partial<Record<PausableSchedule, boolean>>,
): Promise<SchedulePause> {
  const current = await readSchedulePause(db);
  const next: SchedulePause = {
    sync: patch.sync ?? current.sync,
    reconcile: patch.reconcile ?? current.reconcile,
    changedAt: new Date().toISOString(),
  };
  const value = JSON.stringify(next);
  await db
    .insertInto('service_settings')
    .values({ key: KEY, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: new Date() }))
    .execute();
  return next;
}

/** True when a pass asked for by a schedule (`reason`/`trigger` `schedule`) must be skipped now. */
export async function scheduledPassPaused(
  db: Kysely<Database>,
  schedule: PausableSchedule,
  reason: string | undefined,
): Promise<boolean> {
  if (reason !== 'schedule') return false;
  return (await readSchedulePause(db))[schedule];
}
