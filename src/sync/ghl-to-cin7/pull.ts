/**
 * One Cin7 customer's GHL changes, written to Cin7 in one read-modify-write (issue 6, items 4–5).
 * Under the engine's customer lock:
 *
 * 1. re-read what the waiting events name — `GET /contacts/:id`, its notes, its tasks — never the
 *    webhook's partial payload; a contact answered "not found" twice is deleted: its link is dropped
 *    (the Cin7 customer is never deleted) and the profile says so;
 * 2. the GHL → Cin7 fields (direction `ghl_to_cin7` or `both`) whose GHL hash moved since the link's
 *    last synced hash. **No echoes**: the link holds the hash of what was last synced either way, so
 *    the ContactUpdate that follows the engine's own PUT finds nothing moved; a value Cin7 already
 *    holds is only recorded;
 * 3. the profile (notes-and-tasks summary, ids, link, business, stage) when a note or task changed
 *    or a field write goes out anyway — and only the values that differ from what Cin7 holds. A
 *    deleted contact alone writes nothing to Cin7 (the unified profile in the store records it);
 * 4. nothing differs → no Cin7 call. Otherwise `GET /customer` once, the same decisions against that
 *    fresh record, and one full-record PUT; then, in one transaction: the link hashes of what was
 *    written, the customer's snapshot as the PUT answered it (so the Cin7 → GHL side does not take our
 *    write for a Cin7 change), the profile, the audit rows, one `record.synced` per contact written
 *    (direction `ghl_to_cin7`), and the handled work. A PUT Cin7 refuses emits `record.failed`.
 */
import type { Cin7Client } from '../../cin7/client.js';
import { type RawRecord, mergeCustomer } from '../../cin7/customer-merge.js';
import { parseCin7Date } from '../../cin7/normalize.js';
import { type Cin7Customer, customerListSchema, customerSchema } from '../../cin7/schemas.js';
import type { GhlContact, GhlNote, GhlTask } from '../../ghl/types.js';
import { ApiError, BadResponseError, NotFoundError, ValidationError } from '../../http/errors.js';
import { recordEvent } from '../../store/events.js';
import type { Json } from '../../store/schema.js';
import { isFatal } from '../engine/errors.js';
import { emitRecordFailed, emitRecordSynced } from '../engine/record-events.js';
import {
  type GhlContactValues,
  type MappingConfig,
  PROFILE_FIELD_LIMITS,
  cin7Patch,
  cin7TagList,
  cin7TagsFromGhl,
  mapCustomer,
  readGhlContact,
} from '../mapping/index.js';
import { type CustomerProfile, type ProfileContact, readProfile } from '../profile/profile.js';
import { type Cause, recordAudit } from '../repo/audit.js';
import { getCustomerRecord } from '../repo/customers.js';
import { type LinkRecord, linksOfCustomer, updateLink } from '../repo/links.js';
import { type ProfileInput, profileHash, profileValues, sameValue } from '../summary/index.js';
import { profileFlows } from './events.js';
import {
  type InboundRow,
  finishInbound,
  inboundOfCustomer,
  saveProfileJson,
  saveProfileState,
  storeWrittenSnapshot,
} from './repo.js';
import type { GhlToCin7Deps } from './types.js';

/** What one pull did (the job logs it; tests read it). */
export interface PullResult {
  customerId: string;
  /** GHL calls: contacts, notes and tasks read. */
  ghlReads: number;
  /** Cin7 calls: 0, or 1 read + 1 PUT (a read alone when Cin7 turned out to hold it all). */
  cin7Reads: number;
  cin7Writes: number;
  /** Mapped GHL fields written to Cin7 (`tags` for the Cin7 Tags string). */
  fieldsWritten: string[];
  /** Cin7 fields the profile wrote (e.g. `Comments`). */
  profileWritten: string[];
  /** GHL contacts found deleted (their links dropped). */
  unlinked: string[];
  warnings: string[];
}

interface Side {
  link: LinkRecord;
  row: InboundRow | null;
  contact: GhlContact | null;
  values: GhlContactValues | null;
  notes: GhlNote[] | null;
  tasks: GhlTask[] | null;
  deleted: boolean;
}

interface FieldPlan {
  /** Fields to write, with the GHL hash they will have in the link. */
  write: Record<string, string>;
  /** Fields whose GHL value Cin7 already holds: only the link hash moves. */
  rebase: Record<string, string>;
  tags: boolean;
}

const empty = (customerId: string): PullResult => ({
  customerId,
  ghlReads: 0,
  cin7Reads: 0,
  cin7Writes: 0,
  fieldsWritten: [],
  profileWritten: [],
  unlinked: [],
  warnings: [],
});

/**
 * Handles the waiting GHL work of one customer (call it under the customer lock; `processInbound`
 * does). Throws on transient trouble (the job retries) and on refused credentials.
 *
 * @example
 * const r = await pullCustomer(deps, customerId);
 * // r.cin7Writes === 0 for the ContactUpdate that followed our own GHL write
 */
export async function pullCustomer(
  deps: GhlToCin7Deps,
  customerId: string,
  signal?: AbortSignal,
): Promise<PullResult> {
  const db = deps.store.db;
  const result = empty(customerId);
  const rows = await inboundOfCustomer(db, deps.locationId, customerId);
  if (rows.length === 0) return result;
  const links = (await linksOfCustomer(db, deps.locationId, customerId)).filter(
    (l) => l.state === 'linked' && l.ghlContactId,
  );
  const sides = new Map<string, Side>();
  for (const link of links) {
    sides.set(link.ghlContactId as string, {
      link,
      row: null,
      contact: null,
      values: null,
      notes: null,
      tasks: null,
      deleted: false,
    });
  }
  for (const r of rows) {
    const s = sides.get(r.ghlContactId);
    if (s) s.row = r;
  }
  const record = await getCustomerRecord(db, customerId);
  const stored = readProfile(record?.profile ?? null);
  const cached = new Map((stored?.contacts ?? []).map((c) => [c.ghlContactId, c]));

  // 1. Re-read what the events name.
  for (const [id, s] of sides) {
    const need = s.row?.needs;
    if (!need) continue;
    if (need.contact || need.deleted) {
      const got = await readContact(deps, id, result, signal);
      if (got === null) {
        s.deleted = true;
        continue;
      }
      s.contact = got;
      try {
        s.values = readGhlContact(got, deps.mapping, { shape: 'contact' });
      } catch (e) {
        result.warnings.push(`GHL contact ${id}: ${(e as Error).message}`);
      }
    }
    if (need.notes) s.notes = await read(result, () => deps.ghl.listNotes(id, signal));
    if (need.tasks) s.tasks = await read(result, () => deps.ghl.listTasks(id, signal));
  }

  let snapshot: Cin7Customer | null = record?.snapshot ?? null;
  let raw: RawRecord | null = null;
  if (!snapshot) {
    raw = await readCin7(deps.cin7, customerId, result, signal);
    if (!raw) return finishGone(deps, rows, result);
    snapshot = customerSchema.parse(raw);
  }

  // 2–3. What differs, against the stored snapshot (no call).
  const live = [...sides.values()].filter((s) => !s.deleted);
  let plans = planFields(deps.mapping, live, snapshot);
  const profileOn = profileFlows(deps.mapping);
  // A deleted contact alone writes nothing to Cin7: a Cin7 change would make the engine create
  // the contact again (an unlinked contact is one to create), which would be our echo.
  const due = rows.some((r) => r.needs.notes || r.needs.tasks);
  const fieldWrites = () => [...plans.values()].some((p) => Object.keys(p.write).length > 0 || p.tags);
  let profileInput: ProfileInput | null = null;
  if (profileOn && (due || fieldWrites())) {
    profileInput = await gatherProfile(
      deps,
      sides,
      cached,
      stored,
      record?.aggregates?.lifecycleStage ?? null,
      due,
      result,
      signal,
    );
  }
  let pv = profileInput
    ? profileValues(profileInput, deps.mapping.profile, fieldsOf(snapshot), PROFILE_FIELD_LIMITS)
    : null;
  let profileWrites = pv ? differing(pv.values, snapshot) : [];

  let saved: Cin7Customer | null = null;
  const written = new Map<
    string,
    { fields: string[]; before: Record<string, Json>; after: Record<string, Json> }
  >();
  let profileBefore: Record<string, Json> = {};
  if (fieldWrites() || profileWrites.length > 0) {
    // 4. One read-modify-write: the same decisions against what Cin7 holds now.
    if (!raw) {
      raw = await readCin7(deps.cin7, customerId, result, signal);
      if (!raw) return finishGone(deps, rows, result);
    }
    const fresh = customerSchema.parse(raw);
    plans = planFields(deps.mapping, live, fresh);
    pv = profileInput
      ? profileValues(profileInput, deps.mapping.profile, fieldsOf(fresh), PROFILE_FIELD_LIMITS)
      : null;
    profileWrites = pv ? differing(pv.values, fresh) : [];
    const patch: RawRecord = {};
    const freshMapped = new Map(mapCustomer(fresh, deps.mapping).contacts.map((c) => [c.cin7ContactId, c]));
    for (const s of live) {
      const plan = plans.get(s.link.id);
      if (!plan || !s.values) continue;
      const only = [...Object.keys(plan.write), ...(plan.tags ? ['tags'] : [])];
      if (only.length === 0) continue;
      const p = cin7Patch(s.values, fresh, s.link.cin7ContactId, deps.mapping, only);
      result.warnings.push(...p.warnings);
      mergePatch(patch, p.patch);
      const mapped = freshMapped.get(s.link.cin7ContactId);
      const fields = p.written.filter((f) => only.includes(f));
      written.set(s.link.id, {
        fields,
        before: Object.fromEntries(
          fields.map((f) => [
            f,
            (f === 'tags'
              ? fresh.Tags
              : mapped
                ? f in mapped.fields
                  ? (mapped.fields[f] ?? null)
                  : (mapped.cin7Only[f] ?? null)
                : null) as Json,
          ]),
        ),
        after: Object.fromEntries(
          fields.map((f) => [
            f,
            (f === 'tags' ? (p.patch.Tags ?? null) : (s.values?.fields[f] ?? null)) as Json,
          ]),
        ),
      });
    }
    if (pv) {
      for (const f of profileWrites) patch[f] = pv.values[f] ?? null;
      profileBefore = Object.fromEntries(profileWrites.map((f) => [f, (fieldsOf(fresh)[f] ?? null) as Json]));
    }
    if (Object.keys(patch).length > 0) {
      try {
        const res = await deps.cin7.request('cin7.customers.update', {
          body: mergeCustomer(raw, patch),
          parse: (b) => customerListSchema.parse(b),
          ...(signal ? { signal } : {}),
        });
        saved = res.body.CustomerList[0] ?? null;
      } catch (e) {
        if (isFatal(e) || !(e instanceof ApiError) || e instanceof BadResponseError) throw e;
        if (!(e instanceof ValidationError) && !(e instanceof NotFoundError)) throw e;
        return refused(deps, rows, result, customerId, e);
      }
      result.cin7Writes++;
      await deps.hooks?.afterCin7Write?.({
        kind: 'update',
        cin7CustomerId: customerId,
        ghlContactIds: [...sides.keys()],
      });
    } else {
      written.clear();
      profileWrites = [];
    }
  }
  if (pv) result.warnings.push(...pv.warnings);

  // Bookkeeping, in one transaction.
  const causeOf = (s: Side | null): Cause =>
    s?.row?.cause ?? (rows.some((r) => r.cause === 'webhook') ? 'webhook' : 'poll');
  const events = rows.flatMap((r) => r.events) as unknown as Json;
  await deps.store.transaction(async (trx) => {
    for (const s of sides.values()) {
      const id = s.link.ghlContactId as string;
      if (s.deleted) {
        await updateLink(trx, s.link.id, { state: 'unlinked' });
        await recordAudit(trx, {
          direction: 'ghl_to_cin7',
          action: 'unlink',
          cause: causeOf(s),
          cin7CustomerId: customerId,
          cin7ContactId: s.link.cin7ContactId,
          ghlContactId: id,
          fields: ['link'],
          before: { link: id },
          after: { link: null },
          details: { reason: 'the GHL contact was deleted (GET answered not found twice)', events },
        });
        result.unlinked.push(id);
        continue;
      }
      if (!s.contact) continue;
      const plan = plans.get(s.link.id);
      const w = written.get(s.link.id);
      const hashes = { ...s.link.hashes, ...(plan?.rebase ?? {}) };
      for (const f of w?.fields ?? []) if (plan?.write[f]) hashes[f] = plan.write[f] as string;
      await updateLink(trx, s.link.id, {
        hashes,
        ghlTags: s.values?.tags ?? s.link.ghlTags,
        ghlChangedAt: dateOf(s.contact.dateUpdated) ?? s.link.ghlChangedAt,
        ...(w && w.fields.length > 0 ? { synced: true } : {}),
      });
      if (w && w.fields.length > 0) {
        result.fieldsWritten.push(...w.fields);
        await recordAudit(trx, {
          direction: 'ghl_to_cin7',
          action: 'update',
          cause: causeOf(s),
          cin7CustomerId: customerId,
          cin7ContactId: s.link.cin7ContactId,
          ghlContactId: id,
          fields: w.fields,
          before: w.before,
          after: w.after,
          details: { events },
        });
      }
    }
    if (pv && profileWrites.length > 0) {
      await saveProfileState(trx, customerId, profileHash(pv.values), pv.values);
      result.profileWritten.push(...profileWrites);
      const first = live[0]?.link;
      await recordAudit(trx, {
        direction: 'ghl_to_cin7',
        action: 'profile',
        cause: causeOf(null),
        cin7CustomerId: customerId,
        cin7ContactId: first?.cin7ContactId ?? null,
        ghlContactId: first?.ghlContactId ?? null,
        fields: profileWrites,
        before: profileBefore,
        after: Object.fromEntries(profileWrites.map((f) => [f, (pv?.values[f] ?? null) as Json])),
        details: { omitted: pv.omitted, events, ...(pv.warnings.length ? { warnings: pv.warnings } : {}) },
      });
    }
    // One `record.synced` per contact whose fields were written; the profile's fields go with the
    // contact its audit row names (the first live one).
    const synced = new Map<string, { link: LinkRecord; fields: string[] }>();
    for (const s of live) {
      const w = written.get(s.link.id);
      if (s.contact && w && w.fields.length > 0)
        synced.set(s.link.id, { link: s.link, fields: [...w.fields] });
    }
    const first = live[0]?.link;
    if (pv && profileWrites.length > 0 && first) {
      const entry = synced.get(first.id) ?? { link: first, fields: [] };
      entry.fields.push(...profileWrites);
      synced.set(first.id, entry);
    }
    const at = deps.now?.() ?? new Date();
    for (const { link, fields } of synced.values()) {
      if (!link.ghlContactId) continue;
      await emitRecordSynced(trx, {
        cin7CustomerId: customerId,
        cin7ContactId: link.cin7ContactId,
        ghlContactId: link.ghlContactId,
        locationId: deps.locationId,
        action: 'updated',
        fields,
        direction: 'ghl_to_cin7',
        runId: null,
        at,
      });
    }
    if (saved) await storeWrittenSnapshot(trx, saved, dateOf(saved.LastModifiedOn));
    if (stored) await saveProfileJson(trx, customerId, updatedProfile(stored, sides) as unknown as Json);
    await finishInbound(trx, rows);
  });
  return result;
}

// ---------------------------------------------------------------------------------------------

/** Per linked contact: the fields to write (GHL moved, Cin7 does not hold it) and to rebase. */
function planFields(mapping: MappingConfig, sides: Side[], customer: Cin7Customer): Map<string, FieldPlan> {
  const mapped = new Map(mapCustomer(customer, mapping).contacts.map((c) => [c.cin7ContactId, c]));
  const out = new Map<string, FieldPlan>();
  for (const s of sides) {
    if (!s.values) continue;
    const plan: FieldPlan = { write: {}, rebase: {}, tags: false };
    const c = mapped.get(s.link.cin7ContactId);
    for (const spec of mapping.fields) {
      if (spec.direction === 'cin7_to_ghl') continue;
      const g = s.values.hashes[spec.name];
      if (g === undefined) continue;
      const last = s.link.hashes[spec.name];
      // Unchanged in GHL since the last sync — including a value we wrote ourselves: no echo.
      if (g === last) continue;
      const here = c?.hashes[spec.name];
      if (here === g) {
        plan.rebase[spec.name] = g;
        continue;
      }
      // Both sides changed a field both write: the owner wins; Cin7's value goes the other way.
      if (spec.direction === 'both' && spec.owner === 'cin7' && here !== undefined && here !== last) continue;
      plan.write[spec.name] = g;
    }
    if (mapping.tags.enabled && mapping.tags.direction === 'both') {
      const now = tagSet(cin7TagsFromGhl(s.values.tags, mapping));
      const before = tagSet(cin7TagsFromGhl(s.link.ghlTags, mapping));
      const inCin7 = tagSet(cin7TagList(customer.Tags ?? null, '').join(','));
      if (!sameSet(now, before) && !sameSet(now, inCin7)) plan.tags = true;
    }
    out.set(s.link.id, plan);
  }
  return out;
}

function tagSet(s: string | null): Set<string> {
  return new Set(
    (s ?? '')
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter((t) => t !== ''),
  );
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

/**
 * The profile's inputs: every live contact's notes and tasks (fresh, else as last read); contacts
 * never read are read now when the profile is due, else the profile is left for a later event.
 */
async function gatherProfile(
  deps: GhlToCin7Deps,
  sides: Map<string, Side>,
  cached: Map<string | null, ProfileContact>,
  stored: CustomerProfile | null,
  stage: string | null,
  due: boolean,
  result: PullResult,
  signal?: AbortSignal,
): Promise<ProfileInput | null> {
  const s = deps.mapping.profile.summary;
  const wantNotes = s.field !== null && s.notes;
  const wantTasks = s.field !== null && s.tasks !== 'none';
  const contacts: ProfileInput['contacts'] = [];
  for (const [id, side] of [...sides].sort((a, b) => Number(a[1].link.id) - Number(b[1].link.id))) {
    if (side.deleted) continue;
    const old = cached.get(id);
    side.notes ??= old?.notes ?? null;
    side.tasks ??= old?.tasks ?? null;
    if ((wantNotes && side.notes === null) || (wantTasks && side.tasks === null)) {
      if (!due) return null;
      if (wantNotes && side.notes === null)
        side.notes = await read(result, () => deps.ghl.listNotes(id, signal));
      if (wantTasks && side.tasks === null)
        side.tasks = await read(result, () => deps.ghl.listTasks(id, signal));
    }
    contacts.push({ ghlContactId: id, notes: side.notes, tasks: side.tasks });
  }
  const firstLive = [...sides.values()].find((x) => !x.deleted);
  const company = firstLive
    ? (firstLive.contact ?? cached.get(firstLive.link.ghlContactId)?.ghl)?.companyName
    : null;
  return {
    locationId: deps.locationId,
    contacts,
    business:
      stored?.business?.name ?? (typeof company === 'string' && company.trim() !== '' ? company : null),
    lifecycleStage: stage,
  };
}

/** The customer's top-level text fields, as the profile compares them. */
function fieldsOf(customer: Cin7Customer): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const f of Object.keys(PROFILE_FIELD_LIMITS)) {
    const v = (customer as unknown as Record<string, unknown>)[f];
    out[f] = typeof v === 'string' ? v : v === null || v === undefined ? null : String(v);
  }
  return out;
}

function differing(values: Record<string, string | null>, customer: Cin7Customer): string[] {
  const current = fieldsOf(customer);
  return Object.keys(values).filter((f) => !sameValue(values[f], current[f]));
}

function mergePatch(into: RawRecord, patch: RawRecord): void {
  for (const [k, v] of Object.entries(patch)) {
    if ((k === 'Contacts' || k === 'Addresses') && Array.isArray(v)) {
      into[k] = [...((into[k] as unknown[]) ?? []), ...v];
    } else into[k] = v;
  }
}

/** The stored profile with what this pull read (contacts, notes, tasks) and the deleted contacts. */
function updatedProfile(p: CustomerProfile, sides: Map<string, Side>): CustomerProfile {
  const at = new Date().toISOString();
  const contacts = p.contacts.map((c) => {
    const s = c.ghlContactId ? sides.get(c.ghlContactId) : undefined;
    if (!s) return c;
    if (s.deleted) {
      return {
        ...c,
        linkState: 'unlinked',
        warnings: [
          ...new Set([
            ...c.warnings,
            `GHL contact ${c.ghlContactId} was deleted in GHL (seen ${at}); unlinked`,
          ]),
        ],
      };
    }
    return {
      ...c,
      ...(s.contact ? { ghl: s.contact as ProfileContact['ghl'], readAt: at } : {}),
      ...(s.notes ? { notes: s.notes } : {}),
      ...(s.tasks ? { tasks: s.tasks } : {}),
    };
  });
  const times = contacts
    .map((c) => (typeof c.ghl?.dateUpdated === 'string' ? Date.parse(c.ghl.dateUpdated) : Number.NaN))
    .filter((t) => !Number.isNaN(t));
  const ghl = times.length > 0 ? new Date(Math.max(...times)).toISOString() : p.lastChange.ghl;
  return { ...p, contacts, lastChange: { ...p.lastChange, ghl }, updatedAt: at };
}

/** GET a contact; null when it answered "not found" twice (a 404 or an explicit not-found). */
async function readContact(
  deps: GhlToCin7Deps,
  id: string,
  result: PullResult,
  signal?: AbortSignal,
): Promise<GhlContact | null> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      return await read(result, () => deps.ghl.getContact(id, signal));
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
    }
  }
  return null;
}

async function read<T>(result: PullResult, fn: () => Promise<T>): Promise<T> {
  result.ghlReads++;
  return fn();
}

async function readCin7(
  cin7: Cin7Client,
  id: string,
  result: PullResult,
  signal?: AbortSignal,
): Promise<RawRecord | null> {
  result.cin7Reads++;
  return cin7.getCustomerRaw(id, signal);
}

/** The Cin7 customer is gone: nothing to write; the work is dropped (reconciliation handles links). */
async function finishGone(deps: GhlToCin7Deps, rows: InboundRow[], result: PullResult): Promise<PullResult> {
  result.warnings.push(
    `Cin7 has no customer ${result.customerId}: nothing written (the nightly reconciliation unlinks it)`,
  );
  await finishInbound(deps.store.db, rows);
  return result;
}

/** Cin7 refused the PUT (a 400): retrying the same write cannot help. Recorded as an event and `record.failed`. */
async function refused(
  deps: GhlToCin7Deps,
  rows: InboundRow[],
  result: PullResult,
  customerId: string,
  e: ApiError,
): Promise<PullResult> {
  const message = `Cin7 refused the GHL → Cin7 write of customer ${customerId} (${e.status}: ${e.messages.join('; ')}). Check the customer and the mapping's profile fields; the next GHL change of this customer tries again.`;
  result.warnings.push(message);
  await deps.store.transaction(async (trx) => {
    await recordEvent(trx, {
      kind: 'sync.ghl_to_cin7.refused',
      severity: 'warning',
      subject: customerId,
      message,
      details: { status: e.status, messages: e.messages, operation: e.operation },
    });
    // No failure row on this side: the record fails alone, reported here (the next change retries).
    const contacts = [...new Set(rows.map((r) => r.ghlContactId))];
    await emitRecordFailed(
      trx,
      {
        cin7CustomerId: customerId,
        cin7ContactId: null,
        ghlContactId: contacts.length === 1 ? contacts[0] : null,
        stage: 'update',
        code: 'cin7_rejected',
        error: message,
        runId: null,
      },
      null,
      deps.now?.() ?? new Date(),
    );
    await finishInbound(trx, rows);
  });
  deps.logger.warn({ customerId, status: e.status, messages: e.messages }, 'Cin7 refused a GHL → Cin7 write');
  return result;
}

function dateOf(v: unknown): Date | null {
  const ms = parseCin7Date(v);
  return ms === null ? null : new Date(ms);
}
