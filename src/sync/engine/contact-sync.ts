/**
 * One mapped Cin7 contact → its GHL contact, without ever making a second one:
 *
 * 1. linked → write only what changed since the last sync (per-field hashes): a PUT for the fields
 *    it can carry, an upsert for the company name (after the PUT, with the contact's current email
 *    and phone, checking it answered the linked contact), tags as add/remove deltas of owned tags;
 *    then read back the contact, its notes and tasks into the profile;
 * 2. pending (a create whose outcome is unknown: a crash or a lost answer) → the upsert again, with
 *    the identity recorded in the intent, never a search (it would lag);
 * 3. unlinked → the matcher (prefetched search pages, or the duplicate lookup): found → link it and
 *    write what differs (1); not found → record the intent (claiming its email and phone in the
 *    links table, which refuses a second holder), create through upsert with the tags in the body,
 *    then record the link, hashes and audit in one transaction.
 *
 * An identity another link holds is never written: a shared email fails the record alone; a phone
 * held by another GHL contact is left out (and remembered as withheld) or, for a contact with no
 * email, fails it alone.
 */
import { randomUUID } from 'node:crypto';
import { parseCin7Date } from '../../cin7/normalize.js';
import { ValidationError } from '../../http/errors.js';
import type { GhlContact } from '../../ghl/types.js';
import type { Json } from '../../store/schema.js';
import {
  type FieldValue,
  type GhlContactLike,
  type MappedContact,
  changedFields,
  createBody,
  hashValue,
  isCin7OwnedTag,
  normalizeTags,
  planWrites,
  readGhlContact,
  upsertBody,
} from '../mapping/index.js';
import { recordAudit } from '../repo/audit.js';
import type { CustomerRecord } from '../repo/customers.js';
import type { FailureStage } from '../repo/failures.js';
import {
  LINK_INDEXES,
  type LinkRecord,
  identityHolder,
  insertFoundLink,
  linkByGhlContact,
  recordIntent,
  updateLink,
} from '../repo/links.js';
import { uniqueViolation } from '../repo/db-errors.js';
import { tagDelta } from '../rules/index.js';
import type { ProfileContact } from '../profile/profile.js';
import { RecordError, failureFromError } from './errors.js';
import { type FoundContact, asContact } from './matcher.js';
import { emitRecordSynced } from './record-events.js';
import type { EngineDeps, GhlWriteEvent, SyncCustomerOptions } from './types.js';

/** One contact to sync, with what its customer gives it. */
export interface ContactTask {
  deps: EngineDeps;
  options: SyncCustomerOptions;
  customer: CustomerRecord;
  c: MappedContact;
  /** The contact's link in this location, if any. */
  link: LinkRecord | null;
  /** Owned tags the contact should carry: rule tags and the Cin7 `Tags` mapping's. */
  desiredTags: string[];
}

export interface ContactResult {
  outcome: 'created' | 'updated' | 'unchanged';
  link: LinkRecord;
  profile: ProfileContact;
}

interface DiffInfo {
  outcome: 'created' | 'unchanged';
  /** The GHL contact as last seen in this sync (upsert answer, search hit or lookup). */
  known: GhlContactLike | null;
  /** A GHL contact (not this one) known to hold the Cin7 contact's phone. */
  phoneHeldBy?: string | null;
}

/**
 * Syncs one contact; throws `RecordError` when the record fails alone, and any other error when the
 * work has to be retried (network, rate limit, 5xx) or stopped (credentials).
 *
 * @example
 * const { outcome, link } = await syncContact({ deps, options, customer, c, link, desiredTags });
 */
export async function syncContact(task: ContactTask): Promise<ContactResult> {
  const { link } = task;
  if (link && link.state === 'linked' && link.ghlContactId) {
    return applyDiffs(task, link, { outcome: 'unchanged', known: null });
  }
  if (link && link.state === 'pending' && link.intent) {
    const created = await upsertCreate(task, link, link.intent);
    return applyDiffs(task, created.link, { outcome: 'created', known: created.contact });
  }
  const match = await task.options.matcher.find(task.c, task.options.signal);
  if (match.candidate) {
    const linked = await linkFound(task, match.candidate, match.by ?? 'email');
    return applyDiffs(task, linked, {
      outcome: 'unchanged',
      known: match.candidate,
      phoneHeldBy: match.phoneHeldBy,
    });
  }
  const intent = await recordCreateIntent(task, match.phoneHeldBy);
  const created = await upsertCreate(task, intent, intent.intent ?? { email: null, phone: null });
  return applyDiffs(task, created.link, { outcome: 'created', known: created.contact });
}

// ---------------------------------------------------------------------------------------------
// Matching and creating

async function linkFound(task: ContactTask, found: FoundContact, by: 'email' | 'phone'): Promise<LinkRecord> {
  const { deps, c } = task;
  const db = deps.store.db;
  const holder = await linkByGhlContact(db, deps.locationId, found.id);
  if (holder && holder.cin7ContactId !== c.cin7ContactId) {
    throw new RecordError({
      stage: 'match',
      code: 'identity_conflict',
      cin7CustomerId: c.cin7CustomerId,
      cin7ContactId: c.cin7ContactId,
      ghlContactId: found.id,
      error: `${who(task)} matches GHL contact ${found.id} by ${by} (${by === 'email' ? c.identity.email : c.identity.phone}), which is already linked to ${await describeLink(task, holder)}. Two Cin7 contacts cannot share one GHL contact: give one of them its own ${by} in Cin7, then run \`cin7-ghl failures retry\`.`,
      record: contactRecord(c),
    });
  }
  const values = ghlValues(task, found);
  let email = values.email;
  let phone = values.phone;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await deps.store.transaction(async (trx) => {
        const link = await insertFoundLink(
          trx,
          { locationId: deps.locationId, cin7CustomerId: c.cin7CustomerId, cin7ContactId: c.cin7ContactId },
          {
            ghlContactId: found.id,
            email,
            phone,
            hashes: values.hashes,
            ghlTags: normalizeTags(Array.isArray(found.tags) ? found.tags : []),
            ghlChangedAt: dateOf(found.dateUpdated),
          },
        );
        await recordAudit(trx, {
          direction: 'cin7_to_ghl',
          action: 'link',
          cause: task.options.cause,
          cin7CustomerId: c.cin7CustomerId,
          cin7ContactId: c.cin7ContactId,
          ghlContactId: found.id,
          fields: [],
          runId: task.options.runId ?? null,
          details: { by },
        });
        return link;
      });
    } catch (e) {
      const index = uniqueViolation(e);
      if (index === LINK_INDEXES.email) email = null;
      else if (index === LINK_INDEXES.phone) phone = null;
      else if (index === LINK_INDEXES.contact) {
        const other = await linkByGhlContact(db, deps.locationId, found.id);
        throw new RecordError({
          stage: 'match',
          code: 'identity_conflict',
          cin7CustomerId: c.cin7CustomerId,
          cin7ContactId: c.cin7ContactId,
          ghlContactId: found.id,
          error: `${who(task)} matches GHL contact ${found.id}, which was just linked to ${other ? await describeLink(task, other) : 'another Cin7 contact'}. Give one of them its own email or phone in Cin7, then run \`cin7-ghl failures retry\`.`,
          record: contactRecord(c),
        });
      } else throw e;
    }
  }
  throw new Error(`could not link contact ${c.cin7ContactId} to GHL contact ${found.id}`);
}

/**
 * Decides the identity of a new contact and records the intent (claiming it) before any write.
 * The claim is tried first — the links table's unique indexes refuse an email or phone another link
 * holds — and holders are looked up only to say who, when it is refused.
 */
async function recordCreateIntent(task: ContactTask, phoneHeldBy: string | null): Promise<LinkRecord> {
  const { deps, c } = task;
  const db = deps.store.db;
  const email = c.identity.email;
  let phone = phoneHeldBy ? null : c.identity.phone;
  let phoneHolder: string | null = phoneHeldBy ? `GHL contact ${phoneHeldBy}` : null;
  for (let attempt = 0; attempt < 4; attempt++) {
    if (!email && !phone) {
      throw new RecordError({
        stage: 'match',
        code: 'identity_conflict',
        cin7CustomerId: c.cin7CustomerId,
        cin7ContactId: c.cin7ContactId,
        error: `${who(task)} has no email, and its phone ${c.identity.phone ?? ''} is already on ${phoneHolder ?? 'another GHL contact'}: it cannot be created without duplicating or writing over that contact. Give it an email or its own phone in Cin7, then run \`cin7-ghl failures retry\`.`,
        record: contactRecord(c),
      });
    }
    try {
      return await deps.store.transaction((trx) =>
        recordIntent(
          trx,
          { locationId: deps.locationId, cin7CustomerId: c.cin7CustomerId, cin7ContactId: c.cin7ContactId },
          { id: randomUUID(), email, phone },
        ),
      );
    } catch (e) {
      const index = uniqueViolation(e);
      if (index === LINK_INDEXES.email && email) {
        const holder = await identityHolder(db, deps.locationId, 'email', email, task.link?.id);
        if (!holder) continue; // released meanwhile: try again
        throw new RecordError({
          stage: 'match',
          code: 'identity_conflict',
          cin7CustomerId: c.cin7CustomerId,
          cin7ContactId: c.cin7ContactId,
          ghlContactId: holder.ghlContactId,
          error: `${who(task)} has the email ${email}, which ${await describeLink(task, holder)} already has in GHL (contact ${holder.ghlContactId ?? 'being created'}). Two Cin7 contacts cannot share one GHL contact: change the email of one of them in Cin7, then run \`cin7-ghl failures retry\`.`,
          record: contactRecord(c),
        });
      }
      if (index === LINK_INDEXES.phone && phone) {
        // The phone is another contact's in GHL: the new contact is created without it.
        const holder = await identityHolder(db, deps.locationId, 'phone', phone, task.link?.id);
        if (!holder) continue;
        phoneHolder = `GHL contact ${holder.ghlContactId ?? '(being created)'} of ${await describeLink(task, holder)}`;
        phone = null;
        continue;
      }
      throw e;
    }
  }
  throw new RecordError({
    stage: 'match',
    code: 'identity_conflict',
    cin7CustomerId: c.cin7CustomerId,
    cin7ContactId: c.cin7ContactId,
    error: `${who(task)}: its email or phone kept being claimed by other contacts being synced at the same time. Run \`cin7-ghl failures retry\`.`,
    record: contactRecord(c),
  });
}

/**
 * The create (or its repetition for a pending intent): an upsert carrying the intent's identity,
 * so GHL matches the contact a lost answer created instead of making a second one.
 */
async function upsertCreate(
  task: ContactTask,
  link: LinkRecord,
  identity: { email: string | null; phone: string | null },
): Promise<{ link: LinkRecord; contact: GhlContact }> {
  const { deps, c, options } = task;
  const body = createBody(c, deps.locationId, task.desiredTags) as Record<string, unknown>;
  if (identity.email) body.email = identity.email;
  else delete body.email;
  if (identity.phone) body.phone = identity.phone;
  else delete body.phone;
  const request = { method: 'POST', path: '/contacts/upsert', body: body as Json };
  let answer: Awaited<ReturnType<typeof deps.ghl.upsertContact>>;
  try {
    answer = await deps.ghl.upsertContact(
      body as Parameters<typeof deps.ghl.upsertContact>[0],
      options.signal,
    );
  } catch (e) {
    const failure = fail(task, e, 'create', 'create', null, request);
    if (failure) {
      // A definite refusal created nothing: release the intent's claims.
      await updateLink(deps.store.db, link.id, { state: 'unlinked' });
      throw new RecordError(failure);
    }
    throw e;
  }
  const contact = answer.contact as GhlContact | undefined;
  if (!contact?.id) throw new Error('the upsert answer has no contact id');
  const contactId = contact.id;
  await hook(task, 'create', contactId);
  if (options.tally) options.tally.ghl.creates++;
  const hashes = { ...c.hashes, ...ghlOwnedHashes(task, contact) };
  if ('email' in c.hashes) hashes.email = hashValue(identity.email);
  if ('phone' in c.hashes) hashes.phone = hashValue(identity.phone);
  const withheld: Record<string, string> = {};
  if (c.identity.phone && identity.phone === null && c.hashes.phone) withheld.phone = c.hashes.phone;
  const synced: Record<string, Json> = {};
  for (const [k, v] of Object.entries(c.fields)) synced[k] = v as Json;
  if ('email' in synced) synced.email = identity.email;
  if ('phone' in synced) synced.phone = identity.phone;
  const { locationId: _location, ...written } = body;
  const finish = () =>
    deps.store.transaction(async (trx) => {
      const saved = await updateLink(trx, link.id, {
        state: 'linked',
        ghlContactId: contactId,
        email: identity.email,
        phone: identity.phone,
        hashes,
        syncedValues: synced,
        withheld,
        ghlTags: normalizeTags(Array.isArray(contact.tags) ? contact.tags : ((body.tags as string[]) ?? [])),
        ghlChangedAt: dateOf(contact.dateUpdated),
        cin7ChangedAt: task.customer.cin7ModifiedAt,
        synced: true,
      });
      await recordAudit(trx, {
        direction: 'cin7_to_ghl',
        action: 'create',
        cause: options.cause,
        cin7CustomerId: c.cin7CustomerId,
        cin7ContactId: c.cin7ContactId,
        ghlContactId: contactId,
        fields: Object.keys(written),
        after: written as Json,
        runId: options.runId ?? null,
        details: {
          new: answer.new === true,
          intentId: link.intentId,
          ...(Object.keys(withheld).length ? { withheld: Object.keys(withheld) } : {}),
        },
      });
      await emitRecordSynced(trx, {
        cin7CustomerId: c.cin7CustomerId,
        cin7ContactId: c.cin7ContactId,
        ghlContactId: contactId,
        locationId: deps.locationId,
        action: 'created',
        fields: Object.keys(written),
        runId: options.runId ?? null,
        at: deps.now?.() ?? new Date(),
      });
      return saved;
    });
  try {
    return { link: await finish(), contact };
  } catch (e) {
    if (uniqueViolation(e) !== LINK_INDEXES.contact) throw e;
    // GHL matched the upsert (by email or phone) to a contact another link holds: link nothing.
    await updateLink(deps.store.db, link.id, { state: 'unlinked' });
    const other = await linkByGhlContact(deps.store.db, deps.locationId, contactId);
    throw new RecordError({
      stage: 'create',
      code: 'identity_conflict',
      cin7CustomerId: c.cin7CustomerId,
      cin7ContactId: c.cin7ContactId,
      ghlContactId: contactId,
      error: `GHL matched the create of ${who(task)} (by its email or phone) to contact ${contactId}, which is linked to ${other ? await describeLink(task, other) : 'another Cin7 contact'}; nothing was linked. Give the two Cin7 contacts their own email and phone, then run \`cin7-ghl failures retry\`.`,
      request,
      record: contactRecord(c),
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Writing what changed

async function applyDiffs(task: ContactTask, start: LinkRecord, info: DiffInfo): Promise<ContactResult> {
  const { deps, c, options } = task;
  const db = deps.store.db;
  const ghlId = start.ghlContactId as string;
  let link = start;
  const warnings: string[] = [];
  const withheld = { ...link.withheld };
  for (const f of Object.keys(withheld)) if (withheld[f] !== c.hashes[f]) delete withheld[f];
  let changed = changedFields(c, link.hashes).filter((f) => withheld[f] === undefined);

  // The identity this contact will hold: claimed in the links table before GHL is asked.
  let email = link.email;
  let phone = link.phone;
  if (changed.includes('email')) {
    const next = text(c.fields.email);
    if (next) {
      const holder = await identityHolder(db, deps.locationId, 'email', next, link.id);
      if (holder) {
        throw new RecordError({
          stage: 'update',
          code: 'identity_conflict',
          cin7CustomerId: c.cin7CustomerId,
          cin7ContactId: c.cin7ContactId,
          ghlContactId: ghlId,
          error: `${who(task)} now has the email ${next}, which ${await describeLink(task, holder)} already has in GHL. Two Cin7 contacts cannot share one GHL contact: change one of them in Cin7, then run \`cin7-ghl failures retry\`.`,
          record: contactRecord(c),
        });
      }
    }
    email = next;
  }
  if (changed.includes('phone')) {
    const next = text(c.fields.phone);
    if (next) {
      const holder = await identityHolder(db, deps.locationId, 'phone', next, link.id);
      const heldBy = holder
        ? `GHL contact ${holder.ghlContactId ?? '(being created)'} of ${await describeLink(task, holder)}`
        : info.phoneHeldBy && info.phoneHeldBy !== ghlId
          ? `GHL contact ${info.phoneHeldBy}`
          : null;
      if (heldBy) {
        changed = changed.filter((f) => f !== 'phone');
        if (c.hashes.phone) withheld.phone = c.hashes.phone;
        warnings.push(`phone ${next} left out: it is already on ${heldBy}`);
      } else phone = next;
    } else phone = null;
  }
  if (email !== link.email || phone !== link.phone) {
    try {
      link = await updateLink(db, link.id, { email, phone });
    } catch (e) {
      const index = uniqueViolation(e);
      if (index === null) throw e;
      throw new RecordError({
        stage: 'update',
        code: 'identity_conflict',
        cin7CustomerId: c.cin7CustomerId,
        cin7ContactId: c.cin7ContactId,
        ghlContactId: ghlId,
        error: `${who(task)}: its new ${index === LINK_INDEXES.phone ? 'phone' : 'email'} was just claimed by another Cin7 contact being synced. Run \`cin7-ghl failures retry\`.`,
        record: contactRecord(c),
      });
    }
  }

  const plan = planWrites(c, changed);
  const delta = tagDelta(link.ghlTags, task.desiredTags, deps.rules, {
    alsoOwned: (t) => isCin7OwnedTag(t, deps.mapping),
  });
  const written: string[] = [];
  let tags = link.ghlTags;
  let wrote = false;

  try {
    if (plan.update) {
      const request = { method: 'PUT', path: `/contacts/${ghlId}`, body: plan.update as Json };
      try {
        await deps.ghl.updateContact(ghlId, plan.update, options.signal);
        if (options.tally) options.tally.ghl.puts++;
        written.push(...putFields(plan.update, changed));
      } catch (e) {
        if (!(isDuplicateRefusal(e) && 'phone' in plan.update)) {
          throw recordOr(task, e, 'update', 'update', ghlId, request);
        }
        // GHL holds the phone on a contact we do not know of: keep it out and write the rest.
        const { phone: refused, ...rest } = plan.update as Record<string, unknown>;
        if (c.hashes.phone) withheld.phone = c.hashes.phone;
        warnings.push(`phone ${String(refused)} left out: GHL says another contact has it`);
        link = await updateLink(db, link.id, { phone: start.phone });
        phone = start.phone;
        changed = changed.filter((f) => f !== 'phone');
        if (Object.keys(rest).length > 0) {
          try {
            await deps.ghl.updateContact(ghlId, rest, options.signal);
          } catch (e2) {
            throw recordOr(task, e2, 'update', 'update', ghlId, { ...request, body: rest as Json });
          }
          if (options.tally) options.tally.ghl.puts++;
          written.push(...putFields(rest, changed));
        }
      }
      wrote = true;
      await hook(task, 'update', ghlId);
    }

    if (plan.upsertFields.length > 0) {
      const company = await writeCompany(task, plan.upsertFields, ghlId, email, phone, warnings);
      if (company === 'withheld') {
        for (const f of plan.upsertFields) if (c.hashes[f]) withheld[f] = c.hashes[f] as string;
      } else if (company === 'written') {
        wrote = true;
        written.push(...plan.upsertFields);
      }
    }

    if (delta.add.length > 0) {
      try {
        tags = normalizeTags(await deps.ghl.addTags(ghlId, delta.add, options.signal));
      } catch (e) {
        throw recordOr(task, e, 'tags', 'tag add', ghlId, {
          method: 'POST',
          path: `/contacts/${ghlId}/tags`,
          body: { tags: delta.add },
        });
      }
      if (options.tally) options.tally.ghl.tagAdds++;
      wrote = true;
      await hook(task, 'tags', ghlId);
    }
    if (delta.remove.length > 0) {
      try {
        tags = normalizeTags(await deps.ghl.removeTags(ghlId, delta.remove, options.signal));
      } catch (e) {
        throw recordOr(task, e, 'tags', 'tag removal', ghlId, {
          method: 'DELETE',
          path: `/contacts/${ghlId}/tags`,
          body: { tags: delta.remove },
        });
      }
      if (options.tally) options.tally.ghl.tagRemoves++;
      wrote = true;
      await hook(task, 'tags', ghlId);
    }
  } catch (e) {
    if (e instanceof RecordError) {
      // What was written stays written: remember it, so a retry does not write it again.
      const hashes = { ...link.hashes };
      const synced: Record<string, Json> = { ...link.syncedValues };
      for (const f of new Set(written)) {
        if (!(f in c.fields)) continue;
        hashes[f] = c.hashes[f] as string;
        synced[f] = c.fields[f] as Json;
      }
      if (e.failure.code === 'company_upsert_mismatch') {
        for (const f of plan.upsertFields) if (c.hashes[f]) withheld[f] = c.hashes[f] as string;
      }
      await updateLink(db, link.id, { hashes, syncedValues: synced, withheld });
    }
    throw e;
  }

  if (!wrote) {
    if (!sameRecord(withheld, link.withheld)) link = await updateLink(db, link.id, { withheld });
    const none = info.outcome === 'created' ? [] : null;
    return {
      outcome: info.outcome,
      link,
      // A contact just created has no notes or tasks yet: nothing to read.
      profile: profileContact(task, link, info.known, none, none, warnings),
    };
  }

  // Read back what the seed asks for: the contact, its notes and tasks (appointments when enabled).
  let readBack: {
    contact: GhlContact;
    notes: Awaited<ReturnType<typeof deps.ghl.listNotes>>;
    tasks: Awaited<ReturnType<typeof deps.ghl.listTasks>>;
    appointments: Awaited<ReturnType<typeof deps.ghl.listAppointments>> | null;
  };
  try {
    const [contact, notes, tasksList, appointments] = await Promise.all([
      deps.ghl.getContact(ghlId, options.signal),
      deps.ghl.listNotes(ghlId, options.signal),
      deps.ghl.listTasks(ghlId, options.signal),
      deps.readAppointments ? deps.ghl.listAppointments(ghlId, options.signal) : Promise.resolve(null),
    ]);
    readBack = { contact, notes, tasks: tasksList, appointments };
  } catch (e) {
    throw recordOr(task, e, 'readback', 'read-back', ghlId, { method: 'GET', path: `/contacts/${ghlId}` });
  }
  if (options.tally) options.tally.ghl.readBacks += deps.readAppointments ? 4 : 3;
  const before = link.syncedValues;
  const hashes = { ...link.hashes, ...ghlOwnedHashes(task, readBack.contact) };
  const synced: Record<string, Json> = { ...link.syncedValues };
  const writtenFields = [...new Set(written)].filter((f) => f in c.fields);
  for (const f of writtenFields) {
    hashes[f] = c.hashes[f] as string;
    synced[f] = c.fields[f] as Json;
  }
  const finalTags = normalizeTags(Array.isArray(readBack.contact.tags) ? readBack.contact.tags : tags);
  const saved = await deps.store.transaction(async (trx) => {
    const next = await updateLink(trx, link.id, {
      hashes,
      syncedValues: synced,
      withheld,
      ghlTags: finalTags,
      ghlChangedAt: dateOf(readBack.contact.dateUpdated),
      cin7ChangedAt: task.customer.cin7ModifiedAt,
      synced: true,
    });
    const common = {
      direction: 'cin7_to_ghl' as const,
      cause: options.cause,
      cin7CustomerId: c.cin7CustomerId,
      cin7ContactId: c.cin7ContactId,
      ghlContactId: ghlId,
      runId: options.runId ?? null,
    };
    if (writtenFields.length > 0) {
      await recordAudit(trx, {
        ...common,
        action: 'update',
        fields: writtenFields,
        before: Object.fromEntries(writtenFields.map((f) => [f, before[f] ?? null])),
        after: Object.fromEntries(writtenFields.map((f) => [f, (c.fields[f] ?? null) as Json])),
        ...(warnings.length > 0 ? { details: { warnings } } : {}),
      });
    }
    if (delta.add.length > 0 || delta.remove.length > 0) {
      await recordAudit(trx, {
        ...common,
        action: 'tags',
        fields: ['tags'],
        before: link.ghlTags,
        after: finalTags,
        details: { added: delta.add, removed: delta.remove },
      });
    }
    // One event per record: a contact created this time was announced by its create.
    const tagsChanged = delta.add.length > 0 || delta.remove.length > 0;
    if (info.outcome !== 'created' && (writtenFields.length > 0 || tagsChanged)) {
      await emitRecordSynced(trx, {
        ...common,
        locationId: deps.locationId,
        action: writtenFields.length > 0 ? 'updated' : 'tags',
        fields: [...writtenFields, ...(tagsChanged ? ['tags'] : [])],
        at: deps.now?.() ?? new Date(),
      });
    }
    return next;
  });
  return {
    outcome: info.outcome === 'created' ? 'created' : 'updated',
    link: saved,
    profile: profileContact(
      task,
      saved,
      readBack.contact,
      readBack.notes,
      readBack.tasks,
      warnings,
      readBack.appointments,
    ),
  };
}

// ---------------------------------------------------------------------------------------------

function text(v: FieldValue | undefined): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function customFieldNames(changed: string[]): string[] {
  return changed.filter((f) => f.startsWith('customField:'));
}

/** The mapped field names a PUT body wrote. */
function putFields(body: object, changed: string[]): string[] {
  return [...Object.keys(body).filter((k) => k !== 'customFields'), ...customFieldNames(changed)];
}

/**
 * The company name (and any field the PUT schema lacks) through an upsert, which GHL matches by
 * email, else phone. It carries only the one identity that points at the linked contact: its email
 * when it has one; its phone only when no other GHL contact is known to hold that phone. Answers
 * `withheld` when it could not be sent safely (a warning says why).
 */
async function writeCompany(
  task: ContactTask,
  fields: string[],
  ghlId: string,
  email: string | null,
  phone: string | null,
  warnings: string[],
): Promise<'written' | 'withheld'> {
  const { deps, c, options } = task;
  const body = upsertBody(c, deps.locationId, fields) as Record<string, unknown>;
  delete body.email;
  delete body.phone;
  if (email) body.email = email;
  else if (phone) {
    const holders = await options.matcher.phoneHolders(phone, options.signal);
    if (holders.some((h) => h !== ghlId)) {
      warnings.push(
        `company name not written: GHL has another contact with the phone ${phone} and this one has no email, so an upsert could land on the other one; set it in GHL, or give the contact an email in Cin7`,
      );
      return 'withheld';
    }
    body.phone = phone;
  } else {
    warnings.push('company name not written: the contact has neither email nor phone to match it by');
    return 'withheld';
  }
  const request = { method: 'POST', path: '/contacts/upsert', body: body as Json };
  let answer: Awaited<ReturnType<typeof deps.ghl.upsertContact>>;
  try {
    answer = await deps.ghl.upsertContact(
      body as Parameters<typeof deps.ghl.upsertContact>[0],
      options.signal,
    );
  } catch (e) {
    throw recordOr(task, e, 'update', 'company name upsert', ghlId, request);
  }
  if (options.tally) options.tally.ghl.companyUpserts++;
  await hook(task, 'company', ghlId);
  const answeredId = (answer.contact as GhlContact | undefined)?.id ?? null;
  if (answeredId !== ghlId) {
    await recordAudit(deps.store.db, {
      direction: 'cin7_to_ghl',
      action: 'company',
      cause: options.cause,
      cin7CustomerId: c.cin7CustomerId,
      cin7ContactId: c.cin7ContactId,
      ghlContactId: answeredId,
      fields,
      after: Object.fromEntries(fields.map((f) => [f, (c.fields[f] ?? null) as Json])),
      runId: options.runId ?? null,
      details: { mismatch: true, linkedContact: ghlId },
    });
    throw new RecordError({
      stage: 'update',
      code: 'company_upsert_mismatch',
      cin7CustomerId: c.cin7CustomerId,
      cin7ContactId: c.cin7ContactId,
      ghlContactId: ghlId,
      error: `The company name of ${who(task)} went through an upsert (GHL's PUT cannot carry it), and GHL applied it to contact ${answeredId ?? '(none)'} instead of the linked contact ${ghlId}: that contact has the same ${email ? 'email' : 'phone'}. Check both contacts in GHL; the company name is not sent again until it changes in Cin7.`,
      request,
      record: contactRecord(c),
    });
  }
  return 'written';
}

/** GHL's refusal of a write that would give the contact another contact's email or phone. */
function isDuplicateRefusal(e: unknown): boolean {
  return e instanceof ValidationError && e.messages.some((m) => /duplicat/i.test(m));
}

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

function dateOf(v: unknown): Date | null {
  if (typeof v !== 'string') return null;
  const ms = parseCin7Date(v);
  return ms === null ? null : new Date(ms);
}

/** Hashes of the GHL-owned fields (e.g. dnd after create) as GHL holds them. */
function ghlOwnedHashes(task: ContactTask, contact: GhlContactLike): Record<string, string> {
  const owned = task.deps.mapping.fields.filter(
    (f) => f.owner === 'ghl' || f.direction === 'ghl_to_cin7' || f.createOnly,
  );
  if (owned.length === 0) return {};
  try {
    const read = readGhlContact(contact, task.deps.mapping);
    return Object.fromEntries(owned.map((f) => [f.name, read.hashes[f.name] as string]));
  } catch {
    return {};
  }
}

/** A found contact's values: its identity and the hashes of every mapped field as GHL holds them. */
function ghlValues(
  task: ContactTask,
  found: FoundContact,
): { email: string | null; phone: string | null; hashes: Record<string, string> } {
  const contact = asContact(found);
  let hashes: Record<string, string>;
  let fields: Record<string, FieldValue> = {};
  try {
    const read = readGhlContact(contact, task.deps.mapping);
    hashes = read.hashes;
    fields = read.fields;
  } catch {
    // Custom field values without known ids: treat every field as unknown (all are written).
    hashes = {};
  }
  return {
    email:
      text(fields.email ?? null) ?? (typeof contact.email === 'string' ? contact.email.toLowerCase() : null),
    phone: text(fields.phone ?? null) ?? (typeof contact.phone === 'string' ? contact.phone : null),
    hashes,
  };
}

function who(task: ContactTask): string {
  const name = task.c.contactName?.trim();
  return `Cin7 contact ${name ? `"${name}"` : task.c.cin7ContactId} of customer "${task.customer.name ?? task.customer.id}"`;
}

async function describeLink(task: ContactTask, link: LinkRecord): Promise<string> {
  const row = await task.deps.store.db
    .selectFrom('customers')
    .select(['name', 'snapshot'])
    .where('cin7_customer_id', '=', link.cin7CustomerId)
    .executeTakeFirst();
  const contacts = (row?.snapshot as { Contacts?: Array<{ ID?: string; Name?: string }> } | undefined)
    ?.Contacts;
  const contactName = contacts?.find((x) => x.ID === link.cin7ContactId)?.Name;
  return `Cin7 contact ${contactName ? `"${contactName}"` : link.cin7ContactId} of customer "${row?.name ?? link.cin7CustomerId}"`;
}

function contactRecord(c: MappedContact): Json {
  return {
    cin7CustomerId: c.cin7CustomerId,
    cin7ContactId: c.cin7ContactId,
    contactName: c.contactName,
    fields: c.fields as Json,
    identity: c.identity,
  };
}

function fail(
  task: ContactTask,
  e: unknown,
  stage: FailureStage,
  what: string,
  ghlContactId: string | null,
  request: Json,
) {
  return failureFromError(e, {
    stage,
    cin7CustomerId: task.c.cin7CustomerId,
    cin7ContactId: task.c.cin7ContactId,
    customerName: task.customer.name ?? task.customer.id,
    contactName: task.c.contactName,
    ghlContactId,
    what,
    request,
    record: contactRecord(task.c),
  });
}

/** The record's failure for `e`, or `e` itself when it is not the record's fault. */
function recordOr(
  task: ContactTask,
  e: unknown,
  stage: FailureStage,
  what: string,
  ghlContactId: string | null,
  request: Json,
): unknown {
  const failure = fail(task, e, stage, what, ghlContactId, request);
  return failure ? new RecordError(failure) : e;
}

async function hook(task: ContactTask, kind: GhlWriteEvent['kind'], ghlContactId: string): Promise<void> {
  await task.deps.hooks?.afterGhlWrite?.({
    kind,
    cin7CustomerId: task.c.cin7CustomerId,
    cin7ContactId: task.c.cin7ContactId,
    ghlContactId,
  });
}

function profileContact(
  task: ContactTask,
  link: LinkRecord,
  ghl: GhlContactLike | null,
  notes: ProfileContact['notes'],
  tasks: ProfileContact['tasks'],
  warnings: string[],
  appointments?: ProfileContact['appointments'],
): ProfileContact {
  const withheldNote = Object.keys(link.withheld).map(
    (f) => `${f} not written to GHL (held by another contact)`,
  );
  return {
    cin7ContactId: task.c.cin7ContactId,
    contactName: task.c.contactName,
    ghlContactId: link.ghlContactId,
    linkState: link.state,
    ghl,
    notes,
    tasks,
    ...(appointments !== undefined && appointments !== null ? { appointments } : {}),
    businessId: link.businessId,
    readAt: ghl ? new Date().toISOString() : null,
    warnings: [...new Set([...warnings, ...withheldNote])],
  };
}
