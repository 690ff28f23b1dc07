/**
 * The `conflicts` table (migration 0050): a field both sides changed since the last sync, with both
 * values, both change times and the policy that applied. A conflict the policy decided is recorded
 * already resolved (`resolution: policy`); a manual one stays open (one per link and field) until
 * `cin7-ghl conflicts resolve`, or until the two sides agree again (`superseded`).
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import { emitProductEvent } from '../../events/emit.js';
import type { ConflictsTable, Database, Json } from '../../store/schema.js';
import { json } from '../repo/db-errors.js';

export type ConflictPolicyName = 'owner' | 'newest' | 'manual';

export interface NewConflict {
  runId: string | null;
  linkId: string;
  locationId: string;
  cin7CustomerId: string;
  cin7ContactId: string;
  ghlContactId: string | null;
  field: string;
  baseValue: Json | null;
  cin7Value: Json | null;
  ghlValue: Json | null;
  cin7ChangedAt: Date | null;
  ghlChangedAt: Date | null;
  policy: ConflictPolicyName;
  /** Null: left open for a person. */
  winner: 'cin7' | 'ghl' | null;
  /** Why the winner won, in plain words. */
  note: string | null;
}

export interface ConflictRecord {
  id: string;
  runId: string | null;
  linkId: string;
  locationId: string;
  cin7CustomerId: string;
  cin7ContactId: string;
  ghlContactId: string | null;
  field: string;
  baseValue: Json | null;
  cin7Value: Json | null;
  ghlValue: Json | null;
  cin7ChangedAt: Date | null;
  ghlChangedAt: Date | null;
  policy: ConflictPolicyName;
  winner: 'cin7' | 'ghl' | null;
  status: 'open' | 'resolved' | 'superseded';
  resolution: 'cin7' | 'ghl' | 'value' | 'policy' | null;
  resolvedValue: Json | null;
  resolvedBy: string | null;
  note: string | null;
  createdAt: Date;
  updatedAt: Date;
  resolvedAt: Date | null;
}

/**
 * Records a conflict: open (manual) — updating the open one of the same link and field rather than
 * adding a second — or resolved by its policy. A new row emits `conflict.created` in the same
 * transaction. Answers the row id and whether it is new.
 *
 * @example
 * await store.transaction((trx) => recordConflict(trx, { ...conflict, policy: 'manual', winner: null }));
 */
export async function recordConflict(
  db: Kysely<Database>,
  c: NewConflict,
): Promise<{ id: string; created: boolean }> {
  const values = {
    run_id: c.runId,
    link_id: c.linkId,
    ghl_location_id: c.locationId,
    cin7_customer_id: c.cin7CustomerId,
    cin7_contact_id: c.cin7ContactId,
    ghl_contact_id: c.ghlContactId,
    field: c.field,
    base_value: nullableJson(c.baseValue),
    cin7_value: nullableJson(c.cin7Value),
    ghl_value: nullableJson(c.ghlValue),
    cin7_changed_at: c.cin7ChangedAt,
    ghl_changed_at: c.ghlChangedAt,
    policy: c.policy,
    winner: c.winner,
    note: c.note,
  };
  let id: string;
  let created: boolean;
  if (c.winner === null) {
    const open = await db
      .selectFrom('conflicts')
      .select('id')
      .where('link_id', '=', c.linkId)
      .where('field', '=', c.field)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (open) {
      await db
        .updateTable('conflicts')
        .set({ ...values, updated_at: sql`now()` })
        .where('id', '=', open.id)
        .execute();
      return { id: open.id, created: false };
    }
    const row = await db.insertInto('conflicts').values(values).returning('id').executeTakeFirstOrThrow();
    id = row.id;
    created = true;
  } else {
    await supersede(db, c.linkId, c.field, `decided by the ${c.policy} policy in run ${c.runId ?? '?'}`);
    const row = await db
      .insertInto('conflicts')
      .values({
        ...values,
        status: 'resolved',
        resolution: 'policy',
        resolved_value: nullableJson(c.winner === 'cin7' ? c.cin7Value : c.ghlValue),
        resolved_by: `policy:${c.policy}`,
        resolved_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    id = row.id;
    created = true;
  }
  await emitProductEvent(db, 'conflict.created', {
    conflictId: id,
    cin7CustomerId: c.cin7CustomerId,
    ghlContactId: c.ghlContactId,
    field: c.field,
    cin7Value: c.cin7Value,
    ghlValue: c.ghlValue,
    policy: c.policy,
    at: new Date().toISOString(),
  });
  return { id, created };
}

/** Marks the open conflicts of a link's `field` superseded (the sides agree again, or a policy decided). */
export async function supersede(
  db: Kysely<Database>,
  linkId: string,
  field: string,
  note: string,
): Promise<number> {
  const r = await db
    .updateTable('conflicts')
    .set({ status: 'superseded', note, updated_at: sql`now()`, resolved_at: sql`now()` })
    .where('link_id', '=', linkId)
    .where('field', '=', field)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The open conflicts of these links, as `linkId → fields`. */
export async function openConflictFields(
  db: Kysely<Database>,
  linkIds: string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < linkIds.length; i += 500) {
    const rows = await db
      .selectFrom('conflicts')
      .select(['link_id', 'field'])
      .where('status', '=', 'open')
      .where('link_id', 'in', linkIds.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.link_id, [...(out.get(r.link_id) ?? []), r.field]);
  }
  return out;
}

/** Marks a conflict resolved by a person (the caller has applied it). */
export async function markResolved(
  db: Kysely<Database>,
  id: string,
  r: { resolution: 'cin7' | 'ghl' | 'value'; value: Json | null; by: string; note?: string | null },
): Promise<void> {
  await db
    .updateTable('conflicts')
    .set({
      status: 'resolved',
      resolution: r.resolution,
      resolved_value: nullableJson(r.value),
      resolved_by: r.by,
      ...(r.note !== undefined ? { note: r.note } : {}),
      resolved_at: sql`now()`,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .execute();
}

export interface ListConflictsOptions {
  /** Default `open`. */
  status?: 'open' | 'resolved' | 'superseded' | 'all';
  cin7CustomerId?: string;
  ghlContactId?: string;
  limit?: number;
}

/**
 * Conflicts, newest first (open ones by default).
 *
 * @example
 * const open = await listConflicts(store.db);
 */
export async function listConflicts(
  db: Kysely<Database>,
  options: ListConflictsOptions = {},
): Promise<ConflictRecord[]> {
  let q = db.selectFrom('conflicts').selectAll();
  const status = options.status ?? 'open';
  if (status !== 'all') q = q.where('status', '=', status);
  if (options.cin7CustomerId) q = q.where('cin7_customer_id', '=', options.cin7CustomerId.toLowerCase());
  if (options.ghlContactId) q = q.where('ghl_contact_id', '=', options.ghlContactId);
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(Math.min(Math.max(1, options.limit ?? 100), 10_000))
    .execute();
  return rows.map(toConflict);
}

/**
 * One conflict; null when there is none.
 *
 * @example
 * const c = await getConflict(store.db, '12');
 */
export async function getConflict(db: Kysely<Database>, id: string): Promise<ConflictRecord | null> {
  if (!/^\d+$/.test(id)) return null;
  const row = await db.selectFrom('conflicts').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toConflict(row) : null;
}

/** Counts by status, for `status` and the dashboard. */
export async function conflictCounts(
  db: Kysely<Database>,
): Promise<Record<'open' | 'resolved' | 'superseded', number>> {
  const rows = await db
    .selectFrom('conflicts')
    .select(['status', sql<number>`count(*)::int`.as('n')])
    .groupBy('status')
    .execute();
  const out = { open: 0, resolved: 0, superseded: 0 };
  for (const r of rows) out[r.status] = r.n;
  return out;
}

function nullableJson(v: Json | null | undefined): string | null {
  return v === undefined || v === null ? null : json(v);
}

function toConflict(row: Selectable<ConflictsTable>): ConflictRecord {
  return {
    id: row.id,
    runId: row.run_id,
    linkId: row.link_id,
    locationId: row.ghl_location_id,
    cin7CustomerId: row.cin7_customer_id,
    cin7ContactId: row.cin7_contact_id,
    ghlContactId: row.ghl_contact_id,
    field: row.field,
    baseValue: row.base_value,
    cin7Value: row.cin7_value,
    ghlValue: row.ghl_value,
    cin7ChangedAt: row.cin7_changed_at,
    ghlChangedAt: row.ghl_changed_at,
    policy: row.policy,
    winner: row.winner,
    status: row.status,
    resolution: row.resolution,
    resolvedValue: row.resolved_value,
    resolvedBy: row.resolved_by,
    note: row.note,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    resolvedAt: row.resolved_at,
  };
}
