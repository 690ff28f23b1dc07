/**
 * The `links` table: Cin7 customer contact ↔ GHL contact, per GHL location.
 *
 * A row is `pending` from the moment a create is decided (the intent, committed before the write)
 * until the GHL contact id is known, then `linked`. Its `email` and `phone` are the identity the
 * GHL contact holds (or is about to be created with): unique per location among rows that are not
 * `unlinked`, so the database itself refuses a second Cin7 contact claiming a GHL contact, an
 * email or a phone — under concurrency and across processes.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database, Json, LinkState, LinksTable } from '../../store/schema.js';
import { json } from './db-errors.js';

export interface LinkRecord {
  id: string;
  cin7CustomerId: string;
  cin7ContactId: string;
  locationId: string;
  ghlContactId: string | null;
  state: LinkState;
  intentId: string | null;
  intentAt: Date | null;
  /** The identity the create upsert used. */
  intent: { email: string | null; phone: string | null } | null;
  email: string | null;
  phone: string | null;
  hashes: Record<string, string>;
  syncedValues: Record<string, Json>;
  withheld: Record<string, string>;
  ghlTags: string[];
  businessId: string | null;
  cin7ChangedAt: Date | null;
  ghlChangedAt: Date | null;
  syncedAt: Date | null;
}

/** What can change on a link. */
export interface LinkPatch {
  state: LinkState;
  ghlContactId: string | null;
  email: string | null;
  phone: string | null;
  hashes: Record<string, string>;
  syncedValues: Record<string, Json>;
  withheld: Record<string, string>;
  ghlTags: string[];
  businessId: string | null;
  cin7ChangedAt: Date | null;
  ghlChangedAt: Date | null;
  synced: boolean;
}

/** The unique indexes of `links`, as a violation names them. */
export const LINK_INDEXES = {
  contact: 'links_ghl_contact',
  email: 'links_email',
  phone: 'links_phone',
} as const;

/** The links of one customer in one location. */
export async function linksOfCustomer(
  db: Kysely<Database>,
  locationId: string,
  customerId: string,
): Promise<LinkRecord[]> {
  const rows = await db
    .selectFrom('links')
    .selectAll()
    .where('ghl_location_id', '=', locationId)
    .where('cin7_customer_id', '=', customerId)
    .orderBy('id')
    .execute();
  return rows.map(toLink);
}

/** The live link (pending or linked) holding a GHL contact, if any. */
export async function linkByGhlContact(
  db: Kysely<Database>,
  locationId: string,
  ghlContactId: string,
): Promise<LinkRecord | null> {
  const row = await db
    .selectFrom('links')
    .selectAll()
    .where('ghl_location_id', '=', locationId)
    .where('ghl_contact_id', '=', ghlContactId)
    .where('state', '<>', 'unlinked')
    .executeTakeFirst();
  return row ? toLink(row) : null;
}

/** The live link holding this email or phone, other than `exceptId`. */
export async function identityHolder(
  db: Kysely<Database>,
  locationId: string,
  field: 'email' | 'phone',
  value: string,
  exceptId?: string | null,
): Promise<LinkRecord | null> {
  let q = db
    .selectFrom('links')
    .selectAll()
    .where('ghl_location_id', '=', locationId)
    .where(field, '=', value)
    .where('state', '<>', 'unlinked');
  if (exceptId) q = q.where('id', '<>', exceptId);
  const row = await q.executeTakeFirst();
  return row ? toLink(row) : null;
}

export interface NewLinkInput {
  locationId: string;
  cin7CustomerId: string;
  cin7ContactId: string;
}

/**
 * Records a create intent (state `pending`, a new intent id, the identity the create will use),
 * inserting the row or taking over an `unlinked` one. Throws the unique violation when another
 * link holds the email or phone (callers catch it outside the transaction).
 */
export async function recordIntent(
  db: Kysely<Database>,
  key: NewLinkInput,
  intent: { id: string; email: string | null; phone: string | null },
): Promise<LinkRecord> {
  const row = await db
    .insertInto('links')
    .values({
      cin7_customer_id: key.cin7CustomerId,
      cin7_contact_id: key.cin7ContactId,
      ghl_location_id: key.locationId,
      state: 'pending',
      intent_id: intent.id,
      intent_at: new Date(),
      intent: json({ email: intent.email, phone: intent.phone }),
      email: intent.email,
      phone: intent.phone,
    })
    .onConflict((oc) =>
      oc.columns(['ghl_location_id', 'cin7_customer_id', 'cin7_contact_id']).doUpdateSet({
        state: 'pending',
        ghl_contact_id: null,
        intent_id: intent.id,
        intent_at: sql`now()`,
        intent: json({ email: intent.email, phone: intent.phone }),
        email: intent.email,
        phone: intent.phone,
        updated_at: sql`now()`,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return toLink(row);
}

/**
 * Links a Cin7 contact to a GHL contact found by matching (inserting the row, or updating a
 * pending/unlinked one). Throws the unique violation when the GHL contact or its identity is held
 * by another link.
 */
export async function insertFoundLink(
  db: Kysely<Database>,
  key: NewLinkInput,
  found: Pick<LinkPatch, 'ghlContactId' | 'email' | 'phone' | 'hashes' | 'ghlTags' | 'ghlChangedAt'>,
): Promise<LinkRecord> {
  const values = {
    state: 'linked' as const,
    ghl_contact_id: found.ghlContactId,
    email: found.email,
    phone: found.phone,
    hashes: json(found.hashes),
    synced_values: json({}),
    withheld: json({}),
    ghl_tags: json(found.ghlTags),
    ghl_changed_at: found.ghlChangedAt,
  };
  const row = await db
    .insertInto('links')
    .values({
      cin7_customer_id: key.cin7CustomerId,
      cin7_contact_id: key.cin7ContactId,
      ghl_location_id: key.locationId,
      ...values,
    })
    .onConflict((oc) =>
      oc
        .columns(['ghl_location_id', 'cin7_customer_id', 'cin7_contact_id'])
        .doUpdateSet({ ...values, intent_id: null, intent: null, updated_at: sql`now()` }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return toLink(row);
}

/** Changes a link; throws the unique violation when a new identity or contact id is held elsewhere. */
export async function updateLink(
  db: Kysely<Database>,
  id: string,
  patch: Partial<LinkPatch>,
): Promise<LinkRecord> {
  const set: Record<string, unknown> = { updated_at: sql`now()` };
  if (patch.state !== undefined) set.state = patch.state;
  if (patch.ghlContactId !== undefined) set.ghl_contact_id = patch.ghlContactId;
  if (patch.email !== undefined) set.email = patch.email;
  if (patch.phone !== undefined) set.phone = patch.phone;
  if (patch.hashes !== undefined) set.hashes = json(patch.hashes);
  if (patch.syncedValues !== undefined) set.synced_values = json(patch.syncedValues);
  if (patch.withheld !== undefined) set.withheld = json(patch.withheld);
  if (patch.ghlTags !== undefined) set.ghl_tags = json(patch.ghlTags);
  if (patch.businessId !== undefined) set.business_id = patch.businessId;
  if (patch.cin7ChangedAt !== undefined) set.cin7_changed_at = patch.cin7ChangedAt;
  if (patch.ghlChangedAt !== undefined) set.ghl_changed_at = patch.ghlChangedAt;
  if (patch.synced) set.synced_at = sql`now()`;
  if (patch.state === 'linked') {
    set.intent_id = null;
  }
  const row = await db
    .updateTable('links')
    .set(set)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toLink(row);
}

/** Forgets what was withheld on a customer's links, so the next sync tries those values again. */
export async function clearWithheld(db: Kysely<Database>, customerId: string): Promise<void> {
  await db
    .updateTable('links')
    .set({ withheld: json({}), updated_at: sql`now()` })
    .where('cin7_customer_id', '=', customerId)
    .execute();
}

/** Link counts by state, for `status`. */
export async function linkCounts(db: Kysely<Database>): Promise<Record<LinkState, number>> {
  const rows = await db
    .selectFrom('links')
    .select(['state', sql<number>`count(*)::int`.as('n')])
    .groupBy('state')
    .execute();
  const out: Record<LinkState, number> = { pending: 0, linked: 0, unlinked: 0 };
  for (const r of rows) out[r.state] = r.n;
  return out;
}

/** Every live link of a location, in id order (tests, reconcile). */
export async function allLinks(db: Kysely<Database>, locationId: string): Promise<LinkRecord[]> {
  const rows = await db
    .selectFrom('links')
    .selectAll()
    .where('ghl_location_id', '=', locationId)
    .where('state', '<>', 'unlinked')
    .orderBy('id')
    .execute();
  return rows.map(toLink);
}

/** Up to `limit` linked links of a location with an id above `afterId`, in id order (reconcile pages). */
export async function linkedAfter(
  db: Kysely<Database>,
  locationId: string,
  afterId: string,
  limit: number,
): Promise<LinkRecord[]> {
  const rows = await db
    .selectFrom('links')
    .selectAll()
    .where('ghl_location_id', '=', locationId)
    .where('state', '=', 'linked')
    .where('ghl_contact_id', 'is not', null)
    .where(sql<boolean>`id > ${afterId}::bigint`)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toLink);
}

/** One link by id; null when there is none. */
export async function linkById(db: Kysely<Database>, id: string): Promise<LinkRecord | null> {
  const row = await db.selectFrom('links').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toLink(row) : null;
}

function toLink(row: Selectable<LinksTable>): LinkRecord {
  return {
    id: row.id,
    cin7CustomerId: row.cin7_customer_id,
    cin7ContactId: row.cin7_contact_id,
    locationId: row.ghl_location_id,
    ghlContactId: row.ghl_contact_id,
    state: row.state,
    intentId: row.intent_id,
    intentAt: row.intent_at,
    intent: row.intent as LinkRecord['intent'],
    email: row.email,
    phone: row.phone,
    hashes: row.hashes ?? {},
    syncedValues: row.synced_values ?? {},
    withheld: row.withheld ?? {},
    ghlTags: row.ghl_tags ?? [],
    businessId: row.business_id,
    cin7ChangedAt: row.cin7_changed_at,
    ghlChangedAt: row.ghl_changed_at,
    syncedAt: row.synced_at,
  };
}
