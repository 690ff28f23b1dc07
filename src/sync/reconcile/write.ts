/**
 * Writing one record's fixes, for the reconciliation and for conflict resolutions:
 * - GHL: one `PUT /contacts/:id` for the fields it can carry, the company name through an upsert
 *   (with the contact's current email, or its phone when no other contact holds it; the answer must
 *   be the linked contact), owned tags through the add/remove endpoints;
 * - Cin7: a read-modify-write full-record PUT (`mergeCustomer`) of the GHL-side values the mapping
 *   lets flow to Cin7; the read is also the check: a field Cin7 already holds is not written again
 *   (a run resumed after a crash between the write and its bookkeeping writes nothing twice), and a
 *   field Cin7 changed since the plan is left for the next run.
 * Each side's writes are audited and the link's hashes updated in one transaction with the audit
 * and the side's `record.synced` event (action `updated`, the fields written, the run).
 */
import type { Cin7Client } from '../../cin7/client.js';
import { mergeCustomer } from '../../cin7/customer-merge.js';
import { parseCin7Date } from '../../cin7/normalize.js';
import { customerListSchema, customerSchema } from '../../cin7/schemas.js';
import type { GhlClient } from '../../ghl/client.js';
import type { GhlContact } from '../../ghl/types.js';
import { ApiError, BadResponseError, NotFoundError, ValidationError } from '../../http/errors.js';
import type { Store } from '../../store/open.js';
import type { Json } from '../../store/schema.js';
import { RecordError, failureFromError, isFatal } from '../engine/errors.js';
import { ghlEmail, ghlPhone } from '../engine/matcher.js';
import { emitRecordSynced } from '../engine/record-events.js';
import {
  type FieldValue,
  type GhlContactLike,
  type MappedContact,
  type MappingConfig,
  cin7Patch,
  hashValue,
  isCin7OwnedTag,
  mapCustomer,
  normalizeTags,
  planWrites,
  readGhlContact,
  upsertBody,
} from '../mapping/index.js';
import { type Cause, recordAudit } from '../repo/audit.js';
import { uniqueViolation } from '../repo/db-errors.js';
import { type LinkPatch, type LinkRecord, identityHolder, updateLink } from '../repo/links.js';
import { type TagRules, tagDelta } from '../rules/index.js';

export interface WriteContext {
  store: Store;
  ghl: GhlClient;
  cin7: Cin7Client;
  locationId: string;
  mapping: MappingConfig;
  rules: TagRules;
  runId: string | null;
  cause: Cause;
  signal?: AbortSignal;
  /** Other GHL contacts known to hold `phone` (a company upsert by phone alone could land on them). */
  phoneHolders?: (phone: string, exceptId: string) => Promise<string[]>;
  afterWrite?: (event: {
    kind: string;
    cin7CustomerId: string | null;
    ghlContactId: string | null;
  }) => void | Promise<void>;
  /** Extra audit details (run class, conflict id). */
  details?: Record<string, Json>;
}

/** What to write for one linked record. */
export interface RecordFix {
  link: LinkRecord;
  /** The Cin7 contact as mapped (from the page read, or fresh). */
  c: MappedContact;
  /** The GHL contact as just read (`GET /contacts/:id`). */
  ghlContact: GhlContactLike;
  toGhl: Array<{ field: string; value: FieldValue }>;
  /** `expect`: the Cin7 hash the plan saw; a different one now means Cin7 changed since (not written). */
  toCin7: Array<{ field: string; value: FieldValue; expect?: string }>;
  /** The owned tags GHL should carry (adds and removes of owned tags only). */
  tagsToGhl: string[] | null;
  /** Write GHL's prefixed tags to the Cin7 `Tags` string. */
  tagsToCin7: boolean;
  /** Fields whose destination keeps its value (nothing written): the link remembers both hashes. */
  keep: Array<{ field: string; cin7Hash: string; ghlHash: string }>;
  /** Fields both sides already agree on: the link hash only. */
  rebase: Record<string, string>;
}

export interface FixResult {
  /** GHL write calls made (PUT, upsert, tag add/remove). */
  ghlWrites: number;
  /** Whether the Cin7 record was written (a read and a PUT). */
  cin7Written: boolean;
  /** Whether the Cin7 record was read (the read-modify-write's read). */
  cin7Read: boolean;
  writtenGhl: string[];
  writtenCin7: string[];
  warnings: string[];
  link: LinkRecord;
}

/**
 * Applies `fix`. Throws `RecordError` when the record fails alone (stored as a failure by the
 * caller), and any other error when the work must be retried or stopped.
 *
 * @example
 * const r = await applyFix(ctx, { link, c, ghlContact: await ghl.getContact(id), toGhl: [{ field: 'city', value: 'Austin' }], toCin7: [], tagsToGhl: null, tagsToCin7: false, keep: [], rebase: {} });
 */
export async function applyFix(ctx: WriteContext, fix: RecordFix): Promise<FixResult> {
  const result: FixResult = {
    ghlWrites: 0,
    cin7Written: false,
    cin7Read: false,
    writtenGhl: [],
    writtenCin7: [],
    warnings: [],
    link: fix.link,
  };
  const ghlPart = await writeGhl(ctx, fix, result);
  result.link = ghlPart;
  if (fix.toCin7.length > 0 || fix.tagsToCin7) {
    result.link = await writeCin7(ctx, { ...fix, link: ghlPart }, result);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// GHL

async function writeGhl(ctx: WriteContext, fix: RecordFix, out: FixResult): Promise<LinkRecord> {
  const { link, c } = fix;
  const db = ctx.store.db;
  const ghlId = link.ghlContactId as string;
  const current = readGhlContact(fix.ghlContact, ctx.mapping, { shape: 'contact' });
  const values: Record<string, FieldValue> = {};
  for (const w of fix.toGhl) values[w.field] = w.value;
  const names = Object.keys(values).filter((f) => current.hashes[f] !== hashValue(values[f] ?? null));
  for (const f of Object.keys(values)) {
    // Already so in GHL (a run resumed after its write): only the link catches up.
    if (!names.includes(f)) fix.rebase[f] = hashValue(values[f] ?? null);
  }
  const withheld = { ...link.withheld };
  for (const k of fix.keep) withheld[k.field] = k.cin7Hash;

  // The identity this contact will hold: claimed in the links table before GHL is asked.
  let email = link.email;
  let phone = link.phone;
  if (names.includes('email')) email = textOf(values.email);
  if (names.includes('phone')) phone = textOf(values.phone);
  for (const [field, value] of [
    ['email', email],
    ['phone', phone],
  ] as const) {
    if (value === null || value === link[field]) continue;
    const holder = await identityHolder(db, ctx.locationId, field, value, link.id);
    if (holder) {
      throw new RecordError({
        stage: 'update',
        code: 'identity_conflict',
        cin7CustomerId: link.cin7CustomerId,
        cin7ContactId: link.cin7ContactId,
        ghlContactId: ghlId,
        error: `The reconciliation would give GHL contact ${ghlId} the ${field} ${value}, which the GHL contact ${holder.ghlContactId ?? '(being created)'} of Cin7 customer ${holder.cin7CustomerId} already has. Two Cin7 contacts cannot share one; change one of them in Cin7.`,
      });
    }
  }
  let claimed = link;
  if (email !== link.email || phone !== link.phone) {
    try {
      claimed = await updateLink(db, link.id, { email, phone });
    } catch (e) {
      if (uniqueViolation(e) === null) throw e;
      throw new RecordError({
        stage: 'update',
        code: 'identity_conflict',
        cin7CustomerId: link.cin7CustomerId,
        cin7ContactId: link.cin7ContactId,
        ghlContactId: ghlId,
        error: `Another Cin7 contact claimed the new email or phone of GHL contact ${ghlId} at the same time; the next run tries again.`,
      });
    }
  }

  const cW: MappedContact = {
    ...c,
    fields: { ...c.fields, ...values },
    identity: { email: email ?? null, phone: phone ?? null },
  };
  const plan = planWrites(cW, names);
  const written: string[] = [];
  let latest: GhlContact | null = null;
  try {
    if (plan.update) {
      const request = { method: 'PUT', path: `/contacts/${ghlId}`, body: plan.update as Json };
      try {
        const answer = await ctx.ghl.updateContact(ghlId, plan.update, ctx.signal);
        latest = (answer.contact as GhlContact | undefined) ?? null;
      } catch (e) {
        throw recordOr(e, fix, 'update', 'reconciliation PUT', request);
      }
      out.ghlWrites++;
      written.push(...names.filter((n) => n !== 'companyName'));
      await ctx.afterWrite?.({
        kind: 'ghl.update',
        cin7CustomerId: link.cin7CustomerId,
        ghlContactId: ghlId,
      });
    }
    if (plan.upsertFields.length > 0) {
      const company = await writeCompany(ctx, fix, cW, plan.upsertFields, ghlId, latest ?? fix.ghlContact);
      if (typeof company !== 'string') {
        out.ghlWrites++;
        written.push(...plan.upsertFields);
        latest = company.contact ?? latest;
      } else {
        for (const f of plan.upsertFields) if (c.hashes[f]) withheld[f] = c.hashes[f] as string;
        out.warnings.push(company);
      }
    }
  } catch (e) {
    if (e instanceof RecordError && written.length === 0 && (email !== link.email || phone !== link.phone)) {
      // Nothing was written: release the identity claimed for it.
      await updateLink(db, link.id, { email: link.email, phone: link.phone }).catch(() => {});
    }
    if (e instanceof RecordError && written.length > 0)
      await bookGhl(ctx, fix, claimed, written, values, withheld, null, latest);
    throw e;
  }

  let tags: string[] | null = null;
  if (fix.tagsToGhl !== null) {
    const now = normalizeTags(Array.isArray(fix.ghlContact.tags) ? fix.ghlContact.tags : []);
    const delta = tagDelta(now, fix.tagsToGhl, ctx.rules, {
      alsoOwned: (t) => isCin7OwnedTag(t, ctx.mapping),
    });
    tags = now;
    if (delta.add.length > 0) {
      try {
        tags = normalizeTags(await ctx.ghl.addTags(ghlId, delta.add, ctx.signal));
      } catch (e) {
        throw recordOr(e, fix, 'tags', 'tag add', {
          method: 'POST',
          path: `/contacts/${ghlId}/tags`,
          body: { tags: delta.add },
        });
      }
      out.ghlWrites++;
      await ctx.afterWrite?.({ kind: 'ghl.tags', cin7CustomerId: link.cin7CustomerId, ghlContactId: ghlId });
    }
    if (delta.remove.length > 0) {
      try {
        tags = normalizeTags(await ctx.ghl.removeTags(ghlId, delta.remove, ctx.signal));
      } catch (e) {
        throw recordOr(e, fix, 'tags', 'tag removal', {
          method: 'DELETE',
          path: `/contacts/${ghlId}/tags`,
          body: { tags: delta.remove },
        });
      }
      out.ghlWrites++;
      await ctx.afterWrite?.({ kind: 'ghl.tags', cin7CustomerId: link.cin7CustomerId, ghlContactId: ghlId });
    }
    if (delta.add.length > 0 || delta.remove.length > 0) written.push('tags');
  }
  out.writtenGhl = written;
  return bookGhl(ctx, fix, claimed, written, values, withheld, tags, latest);
}

/** The link and audit of what was written to GHL (and of the kept and agreed fields), in one transaction. */
async function bookGhl(
  ctx: WriteContext,
  fix: RecordFix,
  link: LinkRecord,
  written: string[],
  values: Record<string, FieldValue>,
  withheld: Record<string, string>,
  tags: string[] | null,
  latest: GhlContact | null,
): Promise<LinkRecord> {
  const hashes = { ...link.hashes, ...fix.rebase };
  const synced: Record<string, Json> = { ...link.syncedValues };
  for (const k of fix.keep) hashes[k.field] = k.ghlHash;
  const fieldsWritten = written.filter((f) => f !== 'tags');
  for (const f of fieldsWritten) {
    hashes[f] = hashValue(values[f] ?? null);
    synced[f] = (values[f] ?? null) as Json;
  }
  const current = readGhlContact(fix.ghlContact, ctx.mapping, { shape: 'contact' });
  const patch: Partial<LinkPatch> = { hashes, syncedValues: synced, withheld };
  if (tags !== null) patch.ghlTags = tags;
  const changedAt =
    dateOf(latest?.dateUpdated) ?? (written.length > 0 ? new Date() : dateOf(fix.ghlContact.dateUpdated));
  if (changedAt) patch.ghlChangedAt = changedAt;
  if (written.length > 0) patch.synced = true;
  return ctx.store.transaction(async (trx) => {
    const saved = await updateLink(trx, link.id, patch);
    const common = {
      direction: 'cin7_to_ghl' as const,
      cause: ctx.cause,
      cin7CustomerId: link.cin7CustomerId,
      cin7ContactId: link.cin7ContactId,
      ghlContactId: link.ghlContactId,
      runId: ctx.runId,
    };
    if (fieldsWritten.length > 0) {
      await recordAudit(trx, {
        ...common,
        action: 'update',
        fields: fieldsWritten,
        before: Object.fromEntries(fieldsWritten.map((f) => [f, (current.fields[f] ?? null) as Json])),
        after: Object.fromEntries(fieldsWritten.map((f) => [f, (values[f] ?? null) as Json])),
        details: { ...(ctx.details ?? {}) },
      });
    }
    if (written.includes('tags') && tags !== null) {
      await recordAudit(trx, {
        ...common,
        action: 'tags',
        fields: ['tags'],
        before: normalizeTags(Array.isArray(fix.ghlContact.tags) ? fix.ghlContact.tags : []),
        after: tags,
        details: { ...(ctx.details ?? {}) },
      });
    }
    if (written.length > 0 && link.ghlContactId) {
      await emitRecordSynced(trx, {
        cin7CustomerId: link.cin7CustomerId,
        cin7ContactId: link.cin7ContactId,
        ghlContactId: link.ghlContactId,
        locationId: ctx.locationId,
        action: 'updated',
        fields: written,
        direction: 'cin7_to_ghl',
        runId: ctx.runId,
        at: new Date(),
      });
    }
    return saved;
  });
}

/**
 * The company name through an upsert (GHL's PUT has no `companyName`), matched by the contact's
 * current email, else its phone when no other GHL contact holds it. Answers the contact as GHL
 * answered it, or why it was not written.
 */
async function writeCompany(
  ctx: WriteContext,
  fix: RecordFix,
  cW: MappedContact,
  fields: string[],
  ghlId: string,
  contact: GhlContactLike,
): Promise<{ contact: GhlContact | null } | string> {
  const email = ghlEmail(contact);
  const phone = ghlPhone(contact, ctx.mapping.defaults.phoneRegion);
  if (!email && !phone)
    return 'company name not written: the GHL contact has neither email nor phone to match an upsert by';
  if (!email && phone) {
    const others = [
      ...((await ctx.phoneHolders?.(phone, ghlId)) ?? []),
      ...((await identityHolder(ctx.store.db, ctx.locationId, 'phone', phone, fix.link.id))?.ghlContactId ??
        []),
    ].filter((id) => id !== ghlId);
    if (others.length > 0) {
      return `company name not written: GHL contact ${others[0]} has the same phone ${phone} and this one has no email, so an upsert could land on it`;
    }
  }
  const body = upsertBody({ ...cW, identity: { email, phone } }, ctx.locationId, fields) as Record<
    string,
    unknown
  >;
  if (email) delete body.phone;
  const request = { method: 'POST', path: '/contacts/upsert', body: body as Json };
  let answer: Awaited<ReturnType<GhlClient['upsertContact']>>;
  try {
    answer = await ctx.ghl.upsertContact(body as Parameters<GhlClient['upsertContact']>[0], ctx.signal);
  } catch (e) {
    throw recordOr(e, fix, 'update', 'company name upsert', request);
  }
  await ctx.afterWrite?.({
    kind: 'ghl.company',
    cin7CustomerId: fix.link.cin7CustomerId,
    ghlContactId: ghlId,
  });
  const answeredContact = (answer.contact as GhlContact | undefined) ?? null;
  const answered = answeredContact?.id ?? null;
  if (answered !== ghlId) {
    await recordAudit(ctx.store.db, {
      direction: 'cin7_to_ghl',
      action: 'company',
      cause: ctx.cause,
      cin7CustomerId: fix.link.cin7CustomerId,
      cin7ContactId: fix.link.cin7ContactId,
      ghlContactId: answered,
      fields,
      after: Object.fromEntries(fields.map((f) => [f, (cW.fields[f] ?? null) as Json])),
      runId: ctx.runId,
      details: { mismatch: true, linkedContact: ghlId },
    });
    throw new RecordError({
      stage: 'update',
      code: 'company_upsert_mismatch',
      cin7CustomerId: fix.link.cin7CustomerId,
      cin7ContactId: fix.link.cin7ContactId,
      ghlContactId: ghlId,
      error: `The company name upsert for GHL contact ${ghlId} was applied by GHL to contact ${answered ?? '(none)'} (same ${email ? 'email' : 'phone'}). Check both contacts in GHL.`,
      request,
    });
  }
  return { contact: answeredContact };
}

// ---------------------------------------------------------------------------------------------
// Cin7

async function writeCin7(ctx: WriteContext, fix: RecordFix, out: FixResult): Promise<LinkRecord> {
  const { link } = fix;
  const customerId = link.cin7CustomerId;
  let raw: Record<string, unknown> | null;
  try {
    raw = await ctx.cin7.getCustomerRaw(customerId, ctx.signal);
  } catch (e) {
    throw cin7RecordOr(e, fix, 'read');
  }
  out.cin7Read = true;
  if (raw === null) {
    throw new RecordError({
      stage: 'update',
      code: 'cin7_customer_missing',
      cin7CustomerId: customerId,
      cin7ContactId: link.cin7ContactId,
      ghlContactId: link.ghlContactId,
      error: `Cin7 has no customer ${customerId} any more; the next reconciliation confirms it and unlinks its GHL contact.`,
    });
  }
  const parsed = customerSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(`Cin7 customer ${customerId} could not be read: ${parsed.error.message}`);
  const fresh = parsed.data;
  const mapped = mapCustomer(fresh, ctx.mapping).contacts.find((x) => x.cin7ContactId === link.cin7ContactId);
  const fields: string[] = [];
  const targets: Record<string, string> = {};
  for (const w of fix.toCin7) {
    const target = hashValue(w.value);
    const now = mapped ? mapped.hashes[w.field] : undefined;
    if (now === target) {
      targets[w.field] = target;
      continue;
    }
    if (w.expect !== undefined && now !== undefined && now !== w.expect) {
      out.warnings.push(
        `${w.field} not written to Cin7: it changed there since the plan (the next run looks again)`,
      );
      continue;
    }
    fields.push(w.field);
    targets[w.field] = target;
  }
  const current = readGhlContact(fix.ghlContact, ctx.mapping, { shape: 'contact' });
  const values = {
    ...current,
    fields: { ...current.fields, ...Object.fromEntries(fix.toCin7.map((w) => [w.field, w.value])) },
  };
  const only = [...fields, ...(fix.tagsToCin7 ? ['tags'] : [])];
  let before: Record<string, Json> = {};
  let after: Record<string, Json> = {};
  if (only.length > 0) {
    const patch = cin7Patch(values, fresh, link.cin7ContactId, ctx.mapping, only);
    out.warnings.push(...patch.warnings);
    if (fix.tagsToCin7 && fresh.Tags === patch.patch.Tags) {
      delete patch.patch.Tags;
    }
    const written = patch.written.filter((f) => only.includes(f) && (f !== 'tags' || 'Tags' in patch.patch));
    if (written.length > 0) {
      const request = { method: 'PUT', path: '/customer', body: null };
      try {
        // The answer is checked by the HTTP layer (`parse`): a malformed one is a retryable error.
        await ctx.cin7.request('cin7.customers.update', {
          body: mergeCustomer(raw, patch.patch),
          parse: (b) => customerListSchema.parse(b),
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        });
      } catch (e) {
        throw cin7RecordOr(e, fix, 'write', request);
      }
      out.cin7Written = true;
      out.writtenCin7 = written;
      before = Object.fromEntries(
        written.map((f) => [f, f === 'tags' ? fresh.Tags : ((mapped ? cin7Field(mapped, f) : null) as Json)]),
      );
      after = Object.fromEntries(
        written.map((f) => [
          f,
          f === 'tags' ? (patch.patch.Tags as Json) : ((values.fields[f] ?? null) as Json),
        ]),
      );
      await ctx.afterWrite?.({
        kind: 'cin7.update',
        cin7CustomerId: customerId,
        ghlContactId: link.ghlContactId,
      });
    }
  }
  return ctx.store.transaction(async (trx) => {
    const hashes = { ...link.hashes, ...targets };
    const patch: Partial<LinkPatch> = { hashes, synced: out.cin7Written };
    if (fix.tagsToCin7) patch.ghlTags = current.tags;
    if (out.cin7Written) patch.cin7ChangedAt = new Date();
    const saved = await updateLink(trx, link.id, patch);
    if (out.cin7Written) {
      await recordAudit(trx, {
        direction: 'ghl_to_cin7',
        action: 'update',
        cause: ctx.cause,
        cin7CustomerId: customerId,
        cin7ContactId: link.cin7ContactId,
        ghlContactId: link.ghlContactId,
        fields: out.writtenCin7,
        before,
        after,
        runId: ctx.runId,
        details: { ...(ctx.details ?? {}) },
      });
    }
    if (out.cin7Written && link.ghlContactId) {
      await emitRecordSynced(trx, {
        cin7CustomerId: customerId,
        cin7ContactId: link.cin7ContactId,
        ghlContactId: link.ghlContactId,
        locationId: ctx.locationId,
        action: 'updated',
        fields: out.writtenCin7,
        direction: 'ghl_to_cin7',
        runId: ctx.runId,
        at: new Date(),
      });
    }
    return saved;
  });
}

function cin7Field(c: MappedContact, f: string): FieldValue {
  return f in c.fields ? (c.fields[f] ?? null) : (c.cin7Only[f] ?? null);
}

// ---------------------------------------------------------------------------------------------

function textOf(v: FieldValue | undefined): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function dateOf(v: unknown): Date | null {
  if (typeof v !== 'string') return null;
  const ms = parseCin7Date(v);
  return ms === null ? null : new Date(ms);
}

function recordOr(
  e: unknown,
  fix: RecordFix,
  stage: 'update' | 'tags',
  what: string,
  request: Json,
): unknown {
  if (isFatal(e)) return e;
  const failure = failureFromError(e, {
    stage,
    cin7CustomerId: fix.link.cin7CustomerId,
    cin7ContactId: fix.link.cin7ContactId,
    customerName: fix.link.cin7CustomerId,
    contactName: fix.c.contactName,
    ghlContactId: fix.link.ghlContactId,
    what,
    request,
  });
  return failure ? new RecordError(failure) : e;
}

/** A Cin7 refusal of this record (400, 404) as its failure; anything else as it is (retried later). */
function cin7RecordOr(e: unknown, fix: RecordFix, what: 'read' | 'write', request?: Json): unknown {
  if (isFatal(e) || !(e instanceof ApiError) || e instanceof BadResponseError) return e;
  if (!(e instanceof ValidationError) && !(e instanceof NotFoundError)) return e;
  return new RecordError({
    stage: 'update',
    code: 'cin7_rejected',
    cin7CustomerId: fix.link.cin7CustomerId,
    cin7ContactId: fix.link.cin7ContactId,
    ghlContactId: fix.link.ghlContactId,
    error: `Cin7 refused the reconciliation's ${what} of customer ${fix.link.cin7CustomerId} (${e.status}: ${e.messages.join('; ')}). Check the customer in Cin7; the next run tries again.`,
    ...(request !== undefined ? { request } : {}),
    details: { operation: e.operation, status: e.status, messages: e.messages },
  });
}
