/**
 * The `customers` table: the latest Cin7 snapshot of each customer (as read from feed pages, never
 * by a GET per customer), what the engine derives from it, and whether it still has to be synced.
 *
 * `version` moves with every newer snapshot and every change of the desired rule tags; a sync only
 * clears `dirty` for the version it read, so a change arriving while a customer is being synced is
 * never lost.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Cin7Customer } from '../../cin7/schemas.js';
import type { CustomersTable, Database, Json } from '../../store/schema.js';
import type { PurchaseAggregates } from '../rules/index.js';
import { json } from './db-errors.js';

export interface CustomerRecord {
  id: string;
  name: string | null;
  status: string | null;
  snapshot: Cin7Customer;
  cin7ModifiedAt: Date | null;
  version: number;
  aggregates: PurchaseAggregates | null;
  ruleTags: string[];
  ruleReasons: Array<{ tag: string; rule: string; why: string }>;
  profile: Json | null;
  skipped: Json;
  dirty: boolean;
  dirtySince: Date | null;
  syncStatus: string | null;
  cin7ChangedAt: Date | null;
  ghlChangedAt: Date | null;
  syncedAt: Date | null;
}

/** A snapshot to store, with what was derived from it (aggregates and desired rule tags). */
export interface SnapshotInput {
  customer: Cin7Customer;
  /** `LastModifiedOn` as a Date (null when Cin7 left it out). */
  modifiedAt: Date | null;
  aggregates: PurchaseAggregates | null;
  ruleTags: string[];
  ruleReasons: Array<{ tag: string; rule: string; why: string }>;
}

const CHUNK = 200;

/**
 * Stores snapshots that are newer than (or as new as) the stored ones, each marked dirty with a new
 * version; older ones are ignored. Answers the ids stored.
 *
 * @example
 * const stored = await upsertSnapshots(trx, changes.map((c) => ({ customer: c.record, modifiedAt, aggregates, ruleTags, ruleReasons })));
 */
export async function upsertSnapshots(db: Kysely<Database>, rows: SnapshotInput[]): Promise<string[]> {
  const stored: string[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const values = rows.slice(i, i + CHUNK).map((r) => ({
      cin7_customer_id: r.customer.ID,
      name: r.customer.Name,
      status: r.customer.Status,
      snapshot: json(r.customer),
      cin7_modified_at: r.modifiedAt,
      cin7_changed_at: r.modifiedAt,
      aggregates: r.aggregates === null ? null : json(r.aggregates),
      rule_tags: json(r.ruleTags),
      rule_reasons: json(r.ruleReasons),
      dirty: true,
      dirty_since: new Date(),
    }));
    const result = await db
      .insertInto('customers')
      .values(values)
      .onConflict((oc) =>
        oc
          .column('cin7_customer_id')
          .doUpdateSet({
            name: sql`excluded.name`,
            status: sql`excluded.status`,
            snapshot: sql`excluded.snapshot`,
            cin7_modified_at: sql`excluded.cin7_modified_at`,
            cin7_changed_at: sql`excluded.cin7_changed_at`,
            aggregates: sql`excluded.aggregates`,
            rule_tags: sql`excluded.rule_tags`,
            rule_reasons: sql`excluded.rule_reasons`,
            version: sql`customers.version + 1`,
            dirty: true,
            dirty_since: sql`case when customers.dirty then customers.dirty_since else now() end`,
            updated_at: sql`now()`,
          })
          .where(
            sql<boolean>`customers.cin7_modified_at is null or excluded.cin7_modified_at is null or excluded.cin7_modified_at >= customers.cin7_modified_at`,
          ),
      )
      .returning('cin7_customer_id')
      .execute();
    for (const r of result) stored.push(r.cin7_customer_id);
  }
  return stored;
}

/**
 * Sets new aggregates and desired rule tags; when the tags differ from the stored ones the
 * customer becomes dirty with a new version. Answers whether it became dirty.
 */
export async function updateRuleTags(
  db: Kysely<Database>,
  id: string,
  update: {
    aggregates: PurchaseAggregates;
    ruleTags: string[];
    ruleReasons: Array<{ tag: string; rule: string; why: string }>;
  },
): Promise<boolean> {
  const row = await db
    .selectFrom('customers')
    .select('rule_tags')
    .where('cin7_customer_id', '=', id)
    .executeTakeFirst();
  if (!row) return false;
  const changed = !sameTags(row.rule_tags, update.ruleTags);
  let q = db
    .updateTable('customers')
    .set({
      aggregates: json(update.aggregates),
      rule_tags: json(update.ruleTags),
      rule_reasons: json(update.ruleReasons),
      updated_at: sql`now()`,
    })
    .where('cin7_customer_id', '=', id);
  if (changed) {
    q = q.set({
      version: sql`version + 1`,
      dirty: true,
      dirty_since: sql`case when dirty then dirty_since else now() end`,
    });
  }
  await q.execute();
  return changed;
}

/** Marks customers dirty (a new version each), e.g. for a full run or a retry. */
export async function markDirty(db: Kysely<Database>, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 1000) {
    await db
      .updateTable('customers')
      .set({
        version: sql`version + 1`,
        dirty: true,
        dirty_since: sql`case when dirty then dirty_since else now() end`,
      })
      .where('cin7_customer_id', 'in', ids.slice(i, i + 1000))
      .execute();
  }
}

/** One customer; null when it was never read from Cin7. */
export async function getCustomerRecord(db: Kysely<Database>, id: string): Promise<CustomerRecord | null> {
  const row = await db
    .selectFrom('customers')
    .selectAll()
    .where('cin7_customer_id', '=', id)
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** Ids of dirty customers, oldest change first. */
export async function dirtyCustomerIds(db: Kysely<Database>, limit = 1_000_000): Promise<string[]> {
  const rows = await db
    .selectFrom('customers')
    .select('cin7_customer_id')
    .where('dirty', '=', true)
    .orderBy('dirty_since')
    .orderBy('cin7_customer_id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.cin7_customer_id);
}

/** Every stored customer id (for a full re-evaluation). */
export async function allCustomerIds(db: Kysely<Database>): Promise<string[]> {
  const rows = await db
    .selectFrom('customers')
    .select('cin7_customer_id')
    .orderBy('cin7_customer_id')
    .execute();
  return rows.map((r) => r.cin7_customer_id);
}

/**
 * Records the outcome of a sync of `version`: status, skipped contacts and profile always; `dirty`
 * is cleared only when `clean` and the version is still the one that was synced.
 */
export async function finishCustomerSync(
  db: Kysely<Database>,
  id: string,
  version: number,
  outcome: { clean: boolean; status: string; skipped: Json; profile: Json | null; ghlChangedAt: Date | null },
): Promise<void> {
  const cleared = outcome.clean ? sql<boolean>`version = ${version}` : sql<boolean>`false`;
  await db
    .updateTable('customers')
    .set({
      sync_status: outcome.status,
      skipped: json(outcome.skipped),
      ...(outcome.profile === null ? {} : { profile: json(outcome.profile) }),
      ...(outcome.ghlChangedAt ? { ghl_changed_at: outcome.ghlChangedAt } : {}),
      dirty: sql<boolean>`case when ${cleared} then false else dirty end`,
      dirty_since: sql<Date | null>`case when ${cleared} then null else dirty_since end`,
      synced_at: sql`now()`,
      updated_at: sql`now()`,
    })
    .where('cin7_customer_id', '=', id)
    .execute();
}

/** Customers whose snapshot has a contact with this email (lower-cased), for `profile <email>`. */
export async function customerIdsByEmail(db: Kysely<Database>, email: string): Promise<string[]> {
  const needle = email.trim().toLowerCase();
  const rows = await db
    .selectFrom('customers')
    .select('cin7_customer_id')
    .where(
      sql<boolean>`exists (select 1 from jsonb_array_elements(snapshot->'Contacts') c where lower(c->>'Email') = ${needle})`,
    )
    .orderBy('cin7_customer_id')
    .limit(20)
    .execute();
  return rows.map((r) => r.cin7_customer_id);
}

/** Counts for `status`. */
export async function customerCounts(
  db: Kysely<Database>,
): Promise<{ total: number; dirty: number; byStatus: Record<string, number> }> {
  const rows = await db
    .selectFrom('customers')
    .select([
      'sync_status',
      sql<number>`count(*)::int`.as('n'),
      sql<number>`count(*) filter (where dirty)::int`.as('dirty'),
    ])
    .groupBy('sync_status')
    .execute();
  const byStatus: Record<string, number> = {};
  let total = 0;
  let dirty = 0;
  for (const r of rows) {
    byStatus[r.sync_status ?? 'never synced'] = r.n;
    total += r.n;
    dirty += r.dirty;
  }
  return { total, dirty, byStatus };
}

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sa = [...a].sort();
  const sb = [...b].sort();
  return sa.every((t, i) => t === sb[i]);
}

function toRecord(row: Selectable<CustomersTable>): CustomerRecord {
  return {
    id: row.cin7_customer_id,
    name: row.name,
    status: row.status,
    snapshot: row.snapshot as unknown as Cin7Customer,
    cin7ModifiedAt: row.cin7_modified_at,
    version: row.version,
    aggregates: row.aggregates as unknown as PurchaseAggregates | null,
    ruleTags: row.rule_tags,
    ruleReasons: row.rule_reasons as unknown as CustomerRecord['ruleReasons'],
    profile: row.profile,
    skipped: row.skipped,
    dirty: row.dirty,
    dirtySince: row.dirty_since,
    syncStatus: row.sync_status,
    cin7ChangedAt: row.cin7_changed_at,
    ghlChangedAt: row.ghl_changed_at,
    syncedAt: row.synced_at,
  };
}
