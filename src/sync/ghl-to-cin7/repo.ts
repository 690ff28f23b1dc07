/**
 * The tables of GHL → Cin7 (migration 0060): work waiting per GHL contact (`ghl_inbound`), the
 * profile values last written per Cin7 customer, the task poll's last view, and the intents of
 * Cin7 customers created from GHL contacts.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Cin7Customer } from '../../cin7/schemas.js';
import type { Database, GhlInboundTable, Json } from '../../store/schema.js';
import type { Cause } from '../repo/audit.js';

/** What a GHL event asks to re-read. */
export interface InboundNeeds {
  contact?: boolean;
  notes?: boolean;
  tasks?: boolean;
  /** A ContactDelete: the contact is confirmed gone with GET before its link is dropped. */
  deleted?: boolean;
}

/** One event behind the work (kept for the audit's details; the last 20 only). */
export interface InboundEvent {
  name: string;
  at: string;
  inboxId?: string;
  /** The contact's `dateUpdated` as a poll saw it. */
  dateUpdated?: string;
}

export interface InboundRow {
  locationId: string;
  ghlContactId: string;
  cin7CustomerId: string | null;
  needs: Required<InboundNeeds>;
  cause: Cause;
  events: InboundEvent[];
  version: number;
  firstAt: Date;
}

const MAX_EVENTS = 20;

/**
 * Records (or merges into the waiting row) the work one event asks for. A webhook cause wins over
 * a poll's: the audit says what brought the change.
 *
 * @example
 * await recordInbound(trx, { locationId, ghlContactId, cin7CustomerId }, { notes: true }, 'webhook', event);
 */
export async function recordInbound(
  db: Kysely<Database>,
  key: { locationId: string; ghlContactId: string; cin7CustomerId: string | null },
  needs: InboundNeeds,
  cause: Cause,
  event: InboundEvent,
): Promise<void> {
  const events = JSON.stringify([event]);
  await db
    .insertInto('ghl_inbound')
    .values({
      location_id: key.locationId,
      ghl_contact_id: key.ghlContactId,
      cin7_customer_id: key.cin7CustomerId,
      needs_contact: needs.contact === true,
      needs_notes: needs.notes === true,
      needs_tasks: needs.tasks === true,
      deleted: needs.deleted === true,
      cause,
      events,
    })
    .onConflict((oc) =>
      oc.columns(['location_id', 'ghl_contact_id']).doUpdateSet({
        cin7_customer_id: sql`excluded.cin7_customer_id`,
        needs_contact: sql`ghl_inbound.needs_contact or excluded.needs_contact`,
        needs_notes: sql`ghl_inbound.needs_notes or excluded.needs_notes`,
        needs_tasks: sql`ghl_inbound.needs_tasks or excluded.needs_tasks`,
        deleted: sql`ghl_inbound.deleted or excluded.deleted`,
        cause: sql`case when ghl_inbound.cause = 'webhook' then 'webhook' else excluded.cause end`,
        events: sql`(select coalesce(jsonb_agg(s.e order by s.n), '[]'::jsonb) from (select t.e, t.n from jsonb_array_elements(ghl_inbound.events || excluded.events) with ordinality as t(e, n) order by t.n desc limit ${MAX_EVENTS}) s)`,
        version: sql`ghl_inbound.version + 1`,
        updated_at: sql`now()`,
      }),
    )
    .execute();
}

/** The waiting rows of one Cin7 customer. */
export async function inboundOfCustomer(
  db: Kysely<Database>,
  locationId: string,
  customerId: string,
): Promise<InboundRow[]> {
  const rows = await db
    .selectFrom('ghl_inbound')
    .selectAll()
    .where('location_id', '=', locationId)
    .where('cin7_customer_id', '=', customerId)
    .orderBy('first_at')
    .execute();
  return rows.map(toRow);
}

/** The waiting row of one GHL contact, if any. */
export async function inboundOfContact(
  db: Kysely<Database>,
  locationId: string,
  ghlContactId: string,
): Promise<InboundRow | null> {
  const row = await db
    .selectFrom('ghl_inbound')
    .selectAll()
    .where('location_id', '=', locationId)
    .where('ghl_contact_id', '=', ghlContactId)
    .executeTakeFirst();
  return row ? toRow(row) : null;
}

/** Deletes the rows that were handled, unless a newer event merged into them meanwhile. */
export async function finishInbound(db: Kysely<Database>, rows: readonly InboundRow[]): Promise<void> {
  for (const r of rows) {
    await db
      .deleteFrom('ghl_inbound')
      .where('location_id', '=', r.locationId)
      .where('ghl_contact_id', '=', r.ghlContactId)
      .where('version', '=', r.version)
      .execute();
  }
}

/** Points a waiting row at a customer (its contact was linked meanwhile). */
export async function moveInbound(
  db: Kysely<Database>,
  row: InboundRow,
  customerId: string | null,
): Promise<void> {
  await db
    .updateTable('ghl_inbound')
    .set({ cin7_customer_id: customerId, updated_at: sql`now()` })
    .where('location_id', '=', row.locationId)
    .where('ghl_contact_id', '=', row.ghlContactId)
    .execute();
}

/** How many rows wait (status, tests). */
export async function inboundCount(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('ghl_inbound')
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}

function toRow(r: Selectable<GhlInboundTable>): InboundRow {
  return {
    locationId: r.location_id,
    ghlContactId: r.ghl_contact_id,
    cin7CustomerId: r.cin7_customer_id,
    needs: { contact: r.needs_contact, notes: r.needs_notes, tasks: r.needs_tasks, deleted: r.deleted },
    cause: r.cause,
    events: Array.isArray(r.events) ? (r.events as unknown as InboundEvent[]) : [],
    version: r.version,
    firstAt: r.first_at,
  };
}

// ---------------------------------------------------------------------------------------------

/** The profile values last written to a customer, or null. */
export async function profileState(
  db: Kysely<Database>,
  customerId: string,
): Promise<{ hash: string; values: Record<string, string | null>; writtenAt: Date } | null> {
  const row = await db
    .selectFrom('ghl_profile_state')
    .selectAll()
    .where('cin7_customer_id', '=', customerId)
    .executeTakeFirst();
  return row
    ? { hash: row.hash, values: row.values as Record<string, string | null>, writtenAt: row.written_at }
    : null;
}

export async function saveProfileState(
  db: Kysely<Database>,
  customerId: string,
  hash: string,
  values: Record<string, string | null>,
): Promise<void> {
  const v = JSON.stringify(values);
  await db
    .insertInto('ghl_profile_state')
    .values({ cin7_customer_id: customerId, hash, values: v })
    .onConflict((oc) =>
      oc.column('cin7_customer_id').doUpdateSet({ hash, values: v, written_at: sql`now()` }),
    )
    .execute();
}

/**
 * Stores the customer as our own PUT answered it, when it is not older than the stored snapshot,
 * without making it dirty: what the Cin7 → GHL side compares against is then what Cin7 holds, so
 * the change we wrote is not taken for a Cin7 change (the feed's next read of it changes nothing).
 */
export async function storeWrittenSnapshot(
  db: Kysely<Database>,
  customer: Cin7Customer,
  modifiedAt: Date | null,
): Promise<void> {
  let q = db
    .updateTable('customers')
    .set({
      name: customer.Name,
      status: customer.Status,
      snapshot: JSON.stringify(customer),
      ...(modifiedAt ? { cin7_modified_at: modifiedAt, cin7_changed_at: modifiedAt } : {}),
      updated_at: sql`now()`,
    })
    .where('cin7_customer_id', '=', customer.ID);
  if (modifiedAt) {
    q = q.where((eb) =>
      eb.or([eb('cin7_modified_at', 'is', null), eb('cin7_modified_at', '<=', modifiedAt)]),
    );
  }
  await q.execute();
}

/**
 * Stores a customer we created from a GHL contact, not dirty: its link already holds both sides'
 * hashes, so there is nothing to write back; the feed's next read of it (with its rule tags) marks
 * it dirty as usual. A row the feed stored first is left as it is.
 */
export async function storeCreatedCustomer(
  db: Kysely<Database>,
  customer: Cin7Customer,
  modifiedAt: Date | null,
): Promise<void> {
  await db
    .insertInto('customers')
    .values({
      cin7_customer_id: customer.ID,
      name: customer.Name,
      status: customer.Status,
      snapshot: JSON.stringify(customer),
      cin7_modified_at: modifiedAt,
      cin7_changed_at: modifiedAt,
      dirty: false,
    })
    .onConflict((oc) => oc.column('cin7_customer_id').doNothing())
    .execute();
}

/** Replaces the stored profile (the engine's `customers.profile`) of one customer. */
export async function saveProfileJson(
  db: Kysely<Database>,
  customerId: string,
  profile: Json,
): Promise<void> {
  await db
    .updateTable('customers')
    .set({ profile: JSON.stringify(profile), updated_at: sql`now()` })
    .where('cin7_customer_id', '=', customerId)
    .execute();
}

// ---------------------------------------------------------------------------------------------
// The task poll's view

export async function seenTasks(
  db: Kysely<Database>,
  locationId: string,
  ids: readonly string[],
): Promise<Map<string, { hash: string; ghlContactId: string | null }>> {
  const out = new Map<string, { hash: string; ghlContactId: string | null }>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('ghl_tasks_seen')
      .select(['task_id', 'hash', 'ghl_contact_id'])
      .where('location_id', '=', locationId)
      .where('task_id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.task_id, { hash: r.hash, ghlContactId: r.ghl_contact_id });
  }
  return out;
}

export async function markTasksSeen(
  db: Kysely<Database>,
  locationId: string,
  passId: number,
  tasks: ReadonlyArray<{ id: string; ghlContactId: string | null; hash: string }>,
): Promise<void> {
  for (let i = 0; i < tasks.length; i += 200) {
    const values = tasks.slice(i, i + 200).map((t) => ({
      location_id: locationId,
      task_id: t.id,
      ghl_contact_id: t.ghlContactId,
      hash: t.hash,
      pass_id: String(passId),
    }));
    if (values.length === 0) continue;
    await db
      .insertInto('ghl_tasks_seen')
      .values(values)
      .onConflict((oc) =>
        oc.columns(['location_id', 'task_id']).doUpdateSet({
          ghl_contact_id: sql`excluded.ghl_contact_id`,
          hash: sql`excluded.hash`,
          pass_id: sql`excluded.pass_id`,
        }),
      )
      .execute();
  }
}

/** Tasks the pass `passId` did not see (deleted in GHL); removed from the view. */
export async function takeUnseenTasks(
  db: Kysely<Database>,
  locationId: string,
  passId: number,
): Promise<Array<{ id: string; ghlContactId: string | null }>> {
  const rows = await db
    .deleteFrom('ghl_tasks_seen')
    .where('location_id', '=', locationId)
    .where('pass_id', '<>', String(passId))
    .returning(['task_id', 'ghl_contact_id'])
    .execute();
  return rows.map((r) => ({ id: r.task_id, ghlContactId: r.ghl_contact_id }));
}

// ---------------------------------------------------------------------------------------------
// Customers created from GHL contacts

export interface CreateIntent {
  state: 'pending' | 'created' | 'skipped' | 'failed';
  names: string[];
  cin7CustomerId: string | null;
  reason: string | null;
}

export async function createIntent(
  db: Kysely<Database>,
  locationId: string,
  ghlContactId: string,
): Promise<CreateIntent | null> {
  const row = await db
    .selectFrom('ghl_customer_creates')
    .selectAll()
    .where('location_id', '=', locationId)
    .where('ghl_contact_id', '=', ghlContactId)
    .executeTakeFirst();
  return row
    ? {
        state: row.state,
        names: (row.names as string[]) ?? [],
        cin7CustomerId: row.cin7_customer_id,
        reason: row.reason,
      }
    : null;
}

export async function saveCreateIntent(
  db: Kysely<Database>,
  locationId: string,
  ghlContactId: string,
  intent: CreateIntent,
): Promise<void> {
  const values = {
    state: intent.state,
    names: JSON.stringify(intent.names),
    cin7_customer_id: intent.cin7CustomerId,
    reason: intent.reason,
  };
  await db
    .insertInto('ghl_customer_creates')
    .values({ location_id: locationId, ghl_contact_id: ghlContactId, ...values })
    .onConflict((oc) =>
      oc.columns(['location_id', 'ghl_contact_id']).doUpdateSet({ ...values, updated_at: sql`now()` }),
    )
    .execute();
}
