/**
 * A reconciliation's working state (migration 0050): the pages it read (Cin7 customers and their
 * mapped identities, GHL contacts, business members), the items it found, and their apply state.
 * Rows are per run; the page rows are deleted when the run ends, items of the last runs are kept.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Cin7Customer } from '../../cin7/schemas.js';
import type {
  Database,
  Json,
  ReconcileItemClass,
  ReconcileItemKind,
  ReconcileItemState,
  ReconcileItemsTable,
} from '../../store/schema.js';
import { json } from '../repo/db-errors.js';

const CHUNK = 250;

export interface CustomerRow {
  customer: Cin7Customer;
  modifiedAt: Date | null;
  contacts: Array<{ contactId: string; email: string | null; phone: string | null }>;
}

/** Stores one page of Cin7 customers (a page read again replaces its rows). */
export async function putCustomers(db: Kysely<Database>, runId: string, rows: CustomerRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    await db
      .insertInto('reconcile_customers')
      .values(
        part.map((r) => ({
          run_id: runId,
          cin7_customer_id: r.customer.ID,
          status: r.customer.Status,
          modified_at: r.modifiedAt,
          snapshot: json(r.customer),
        })),
      )
      .onConflict((oc) =>
        oc.columns(['run_id', 'cin7_customer_id']).doUpdateSet({
          status: sql`excluded.status`,
          modified_at: sql`excluded.modified_at`,
          snapshot: sql`excluded.snapshot`,
        }),
      )
      .execute();
    const contacts = part.flatMap((r) =>
      r.contacts.map((c) => ({
        run_id: runId,
        cin7_customer_id: r.customer.ID,
        cin7_contact_id: c.contactId,
        email: c.email,
        phone: c.phone,
      })),
    );
    if (contacts.length > 0) {
      await db
        .insertInto('reconcile_contacts')
        .values(contacts)
        .onConflict((oc) =>
          oc
            .columns(['run_id', 'cin7_customer_id', 'cin7_contact_id'])
            .doUpdateSet({ email: sql`excluded.email`, phone: sql`excluded.phone` }),
        )
        .execute();
    }
  }
}

export interface GhlRow {
  id: string;
  email: string | null;
  phone: string | null;
  dateUpdated: Date | null;
  contact: Json;
}

/** Stores one page of GHL contacts. */
export async function putGhlContacts(db: Kysely<Database>, runId: string, rows: GhlRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db
      .insertInto('reconcile_ghl')
      .values(
        rows.slice(i, i + CHUNK).map((r) => ({
          run_id: runId,
          ghl_contact_id: r.id,
          email: r.email,
          phone: r.phone,
          date_updated: r.dateUpdated,
          contact: json(r.contact),
        })),
      )
      .onConflict((oc) =>
        oc.columns(['run_id', 'ghl_contact_id']).doUpdateSet({
          email: sql`excluded.email`,
          phone: sql`excluded.phone`,
          date_updated: sql`excluded.date_updated`,
          contact: sql`excluded.contact`,
        }),
      )
      .execute();
  }
}

/** Stores the members found in one business. */
export async function putBusinessMembers(
  db: Kysely<Database>,
  runId: string,
  businessId: string,
  ghlIds: string[],
): Promise<void> {
  for (let i = 0; i < ghlIds.length; i += CHUNK) {
    await db
      .insertInto('reconcile_business')
      .values(
        ghlIds
          .slice(i, i + CHUNK)
          .map((id) => ({ run_id: runId, business_id: businessId, ghl_contact_id: id })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/** The stored customers of `ids` in this run, by id. */
export async function customersOf(
  db: Kysely<Database>,
  runId: string,
  ids: string[],
): Promise<Map<string, { customer: Cin7Customer; modifiedAt: Date | null }>> {
  const out = new Map<string, { customer: Cin7Customer; modifiedAt: Date | null }>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('reconcile_customers')
      .select(['cin7_customer_id', 'snapshot', 'modified_at'])
      .where('run_id', '=', runId)
      .where('cin7_customer_id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows)
      out.set(r.cin7_customer_id, {
        customer: r.snapshot as unknown as Cin7Customer,
        modifiedAt: r.modified_at,
      });
  }
  return out;
}

/** The stored GHL contacts of `ids` in this run, by id. */
export async function ghlContactsOf(
  db: Kysely<Database>,
  runId: string,
  ids: string[],
): Promise<Map<string, { contact: Record<string, unknown>; dateUpdated: Date | null }>> {
  const out = new Map<string, { contact: Record<string, unknown>; dateUpdated: Date | null }>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('reconcile_ghl')
      .select(['ghl_contact_id', 'contact', 'date_updated'])
      .where('run_id', '=', runId)
      .where('ghl_contact_id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows)
      out.set(r.ghl_contact_id, {
        contact: r.contact as Record<string, unknown>,
        dateUpdated: r.date_updated,
      });
  }
  return out;
}

/** Other GHL contacts of this run holding `phone` (an upsert by phone could land on them). */
export async function otherPhoneHolders(
  db: Kysely<Database>,
  runId: string,
  phone: string,
  exceptId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('reconcile_ghl')
    .select('ghl_contact_id')
    .where('run_id', '=', runId)
    .where('phone', '=', phone)
    .where('ghl_contact_id', '<>', exceptId)
    .limit(5)
    .execute();
  return rows.map((r) => r.ghl_contact_id);
}

/** Which of `pairs` (business, GHL contact) the run found as members. */
export async function membersFound(
  db: Kysely<Database>,
  runId: string,
  pairs: Array<{ businessId: string; ghlId: string }>,
): Promise<Set<string>> {
  const found = new Set<string>();
  const businesses = [...new Set(pairs.map((p) => p.businessId))];
  if (businesses.length === 0) return found;
  const ids = [...new Set(pairs.map((p) => p.ghlId))];
  const rows = await db
    .selectFrom('reconcile_business')
    .select(['business_id', 'ghl_contact_id'])
    .where('run_id', '=', runId)
    .where('business_id', 'in', businesses)
    .where('ghl_contact_id', 'in', ids)
    .execute();
  for (const r of rows) found.add(`${r.business_id}\u0000${r.ghl_contact_id}`);
  return found;
}

export interface NewItem {
  kind: ReconcileItemKind;
  key: string;
  class: ReconcileItemClass;
  linkId: string | null;
  cin7CustomerId: string | null;
  cin7ContactId: string | null;
  ghlContactId: string | null;
  changes: Json;
  baseHashes: Record<string, string> | null;
  forecast: { ghl: number; cin7: number };
  details?: Json | null;
  priority?: number;
}

/** Records items (an item found again by a resumed batch replaces the first one). */
export async function putItems(db: Kysely<Database>, runId: string, items: NewItem[]): Promise<void> {
  for (let i = 0; i < items.length; i += CHUNK) {
    await db
      .insertInto('reconcile_items')
      .values(
        items.slice(i, i + CHUNK).map((it) => ({
          run_id: runId,
          kind: it.kind,
          key: it.key,
          class: it.class,
          link_id: it.linkId,
          cin7_customer_id: it.cin7CustomerId,
          cin7_contact_id: it.cin7ContactId,
          ghl_contact_id: it.ghlContactId,
          changes: json(it.changes),
          base_hashes: it.baseHashes === null ? null : json(it.baseHashes),
          forecast: json(it.forecast),
          details: it.details === undefined || it.details === null ? null : json(it.details),
          priority: it.priority ?? 0,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['run_id', 'kind', 'key']).doUpdateSet({
          class: sql`excluded.class`,
          changes: sql`excluded.changes`,
          base_hashes: sql`excluded.base_hashes`,
          forecast: sql`excluded.forecast`,
          details: sql`excluded.details`,
          priority: sql`excluded.priority`,
          updated_at: sql`now()`,
        }),
      )
      .execute();
  }
}

export interface ItemRecord {
  id: string;
  kind: ReconcileItemKind;
  key: string;
  class: ReconcileItemClass;
  linkId: string | null;
  cin7CustomerId: string | null;
  cin7ContactId: string | null;
  ghlContactId: string | null;
  changes: Json;
  baseHashes: Record<string, string> | null;
  forecast: { ghl: number; cin7: number };
  details: Json | null;
  priority: number;
  state: ReconcileItemState;
  error: string | null;
  result: Json | null;
}

/** Items of `kinds` still to apply (planned, or caught mid-write by a crash), priority first. */
export async function pendingItems(
  db: Kysely<Database>,
  runId: string,
  kinds: ReconcileItemKind[],
  limit: number,
): Promise<ItemRecord[]> {
  const rows = await db
    .selectFrom('reconcile_items')
    .selectAll()
    .where('run_id', '=', runId)
    .where('kind', 'in', kinds)
    .where('state', 'in', ['planned', 'writing'])
    .orderBy('priority', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toItem);
}

/** Every item of a run in id order, `limit` at a time after `afterId` (reports). */
export async function itemsPage(
  db: Kysely<Database>,
  runId: string,
  afterId: string,
  limit: number,
): Promise<ItemRecord[]> {
  const rows = await db
    .selectFrom('reconcile_items')
    .selectAll()
    .where('run_id', '=', runId)
    .where(sql<boolean>`id > ${afterId}::bigint`)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toItem);
}

/** Sets an item's state (and error / result). */
export async function setItemState(
  db: Kysely<Database>,
  id: string,
  state: ReconcileItemState,
  extra: { error?: string | null; result?: Json | null } = {},
): Promise<void> {
  await db
    .updateTable('reconcile_items')
    .set({
      state,
      ...(extra.error !== undefined ? { error: extra.error } : {}),
      ...(extra.result !== undefined ? { result: extra.result === null ? null : json(extra.result) } : {}),
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .execute();
}

/** Replaces an item's class and changes with what the apply confirmed (a fresh read of GHL). */
export async function confirmItem(
  db: Kysely<Database>,
  id: string,
  cls: ReconcileItemClass,
  changes: Json,
): Promise<void> {
  await db
    .updateTable('reconcile_items')
    .set({ class: cls, changes: json(changes), updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

/** Marks these items deferred when they are still pending, with why. Answers how many were. */
export async function deferItems(db: Kysely<Database>, ids: string[], reason: string): Promise<number> {
  if (ids.length === 0) return 0;
  const r = await db
    .updateTable('reconcile_items')
    .set({ state: 'deferred', error: reason, updated_at: sql`now()` })
    .where('id', 'in', ids)
    .where('state', 'in', ['planned', 'writing'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Marks every still-pending item of `kinds` deferred, with why. Answers how many. */
export async function deferPending(
  db: Kysely<Database>,
  runId: string,
  kinds: ReconcileItemKind[],
  reason: string,
): Promise<number> {
  const r = await db
    .updateTable('reconcile_items')
    .set({ state: 'deferred', error: reason, updated_at: sql`now()` })
    .where('run_id', '=', runId)
    .where('kind', 'in', kinds)
    .where('state', 'in', ['planned', 'writing'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Per-record class counts of a run's items: each linked record once, in its most severe class. */
export async function itemClassCounts(
  db: Kysely<Database>,
  runId: string,
): Promise<{ drift: number; conflict: number; orphan: number; unlinked: number }> {
  const rows = await sql<{ severity: number; n: number }>`
    select severity, count(*)::int as n from (
      select coalesce(link_id::text, key) as rec,
             max(case class when 'orphan' then 4 when 'conflict' then 3 when 'drift' then 2 else 1 end) as severity
      from reconcile_items where run_id = ${runId}::bigint group by 1
    ) r group by severity`.execute(db);
  const out = { drift: 0, conflict: 0, orphan: 0, unlinked: 0 };
  for (const r of rows.rows) {
    if (r.severity === 4) out.orphan += r.n;
    else if (r.severity === 3) out.conflict += r.n;
    else if (r.severity === 2) out.drift += r.n;
    else out.unlinked += r.n;
  }
  return out;
}

/** Item counts by state, and the sums of their forecasts and results (what apply did). */
export async function itemTotals(
  db: Kysely<Database>,
  runId: string,
): Promise<{
  byState: Record<string, number>;
  forecast: { ghl: number; cin7: number };
  businessMends: number;
  result: { ghl: number; cin7: number };
}> {
  const states = await db
    .selectFrom('reconcile_items')
    .select(['state', sql<number>`count(distinct coalesce(link_id::text, key))::int`.as('n')])
    .where('run_id', '=', runId)
    .where('kind', '<>', 'candidate')
    .groupBy('state')
    .execute();
  const byState: Record<string, number> = {};
  for (const s of states) byState[s.state] = s.n;
  const sums = await sql<{ fg: number; fc: number; rg: number; rc: number; bm: number }>`
    select coalesce(sum((forecast->>'ghl')::int), 0)::int as fg,
           coalesce(sum((forecast->>'cin7')::int), 0)::int as fc,
           coalesce(sum((result->'minimum'->>'ghl')::int), 0)::int as rg,
           coalesce(sum((result->'minimum'->>'cin7')::int), 0)::int as rc,
           count(distinct case when kind = 'business' then details->>'businessId' end)::int as bm
    from reconcile_items where run_id = ${runId}::bigint`.execute(db);
  const s = sums.rows[0] ?? { fg: 0, fc: 0, rg: 0, rc: 0, bm: 0 };
  return {
    byState,
    forecast: { ghl: s.fg, cin7: s.fc },
    businessMends: s.bm,
    result: { ghl: s.rg, cin7: s.rc },
  };
}

/** Links whose items of run `runId` were deferred (the next run takes them first). */
export async function deferredLinkIds(
  db: Kysely<Database>,
  runId: string | null,
  linkIds: string[],
): Promise<Set<string>> {
  if (runId === null || linkIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('reconcile_items')
    .select('link_id')
    .where('run_id', '=', runId)
    .where('state', '=', 'deferred')
    .where('link_id', 'in', linkIds)
    .execute();
  return new Set(rows.map((r) => r.link_id as string));
}

/** Deletes a run's page rows (items stay); and the items of runs older than the last `keepRuns`. */
export async function cleanupRun(db: Kysely<Database>, runId: string, keepRuns = 5): Promise<void> {
  for (const table of [
    'reconcile_customers',
    'reconcile_contacts',
    'reconcile_ghl',
    'reconcile_business',
  ] as const) {
    await db.deleteFrom(table).where('run_id', '=', runId).execute();
  }
  const keep = await db
    .selectFrom('sync_runs')
    .select('id')
    .where('kind', '=', 'reconcile')
    .orderBy('id', 'desc')
    .limit(keepRuns)
    .execute();
  const ids = keep.map((r) => r.id);
  if (ids.length > 0) await db.deleteFrom('reconcile_items').where('run_id', 'not in', ids).execute();
}

function toItem(row: Selectable<ReconcileItemsTable>): ItemRecord {
  return {
    id: row.id,
    kind: row.kind,
    key: row.key,
    class: row.class,
    linkId: row.link_id,
    cin7CustomerId: row.cin7_customer_id,
    cin7ContactId: row.cin7_contact_id,
    ghlContactId: row.ghl_contact_id,
    changes: row.changes,
    baseHashes: row.base_hashes as Record<string, string> | null,
    forecast: row.forecast as { ghl: number; cin7: number },
    details: row.details,
    priority: row.priority,
    state: row.state,
    error: row.error,
    result: row.result,
  };
}
