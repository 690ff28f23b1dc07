/**
 * The apply phase: each planned record under its customer's lock (the engine takes the same one),
 * confirmed before any write, written by `applyFix`, its item marked in the same transaction as its
 * link and audit — the item state is the apply's checkpoint. A record the engine synced since the
 * plan (its link hashes moved) is left for the next run. Then business associations are mended,
 * and — only after a fully successful pass — orphans are tagged (or deleted) and unlinked.
 */
import type { Json } from '../../store/schema.js';
import { isAppError } from '../../errors/index.js';
import { ApiError, NotFoundError, ValidationError } from '../../http/errors.js';
import { recordConflict } from '../conflicts/repo.js';
import { RecordError, isFatal } from '../engine/errors.js';
import { emitRecordFailed } from '../engine/record-events.js';
import { type GhlContactLike, hashValue, mapCustomer, normalizeTags } from '../mapping/index.js';
import { recordAudit } from '../repo/audit.js';
import { markDirty, upsertSnapshots } from '../repo/customers.js';
import { desiredTagsOf } from '../engine/rule-tags.js';
import type { Cin7Customer } from '../../cin7/schemas.js';
import { recordFailure } from '../repo/failures.js';
import { linkById, updateLink } from '../repo/links.js';
import { classifyRecord } from './classify.js';
import { type RunContext, checkStop } from './context.js';
import {
  type SeenContact,
  readSeen,
  seenFromRow,
  staleRead,
  tagChange,
  unknownFields,
  writableSides,
} from './plan.js';
import {
  type ItemRecord,
  confirmItem,
  customersOf,
  deferItems,
  deferPending,
  ghlContactsOf,
  otherPhoneHolders,
  pendingItems,
  setItemState,
} from './store.js';
import { type RecordFix, type WriteContext, applyFix } from './write.js';

/** Consecutive transient errors (5xx after retries, network) after which the apply stops. */
const STORM = 5;

/** What one item cost against the budget formula (stored in its result). */
interface ItemMinimum {
  ghl: number;
  cin7: number;
}

/** The apply stopped: a fatal error, or a storm of transient ones. */
export class ApplyStopped extends Error {}

function writeContext(ctx: RunContext, details: Record<string, Json>): WriteContext {
  return {
    store: ctx.deps.store,
    ghl: ctx.deps.ghl,
    cin7: ctx.deps.cin7,
    locationId: ctx.deps.locationId,
    mapping: ctx.mapping,
    rules: ctx.rules,
    runId: ctx.runId,
    cause: 'reconcile',
    signal: ctx.signal,
    phoneHolders: (phone, exceptId) => otherPhoneHolders(ctx.db, ctx.runId, phone, exceptId),
    ...(ctx.deps.afterWrite ? { afterWrite: ctx.deps.afterWrite } : {}),
    details,
  };
}

/**
 * Applies every planned `fields` item, `concurrency` at a time. Throws a fatal error (credentials,
 * scopes); a storm of transient errors stops it with the rest deferred.
 *
 * @example
 * await applyFieldItems(ctx, 4);
 */
export async function applyFieldItems(ctx: RunContext, concurrency: number): Promise<void> {
  let fatal: unknown = null;
  let stop: string | null = null;
  let consecutive = 0;
  let done = 0;
  for (;;) {
    checkStop(ctx);
    if (fatal !== null || stop !== null) break;
    const items = await pendingItems(ctx.db, ctx.runId, ['fields'], 200);
    if (items.length === 0) break;
    let next = 0;
    const worker = async () => {
      while (fatal === null && stop === null && !ctx.signal.aborted) {
        const item = items[next++];
        if (!item) return;
        const cost = item.forecast.ghl;
        if (!ctx.gate.tryReserve(cost)) {
          await setItemState(ctx.db, item.id, 'deferred', {
            error: `deferred to the next run: ${ctx.gate.describe()}`,
          });
          continue;
        }
        try {
          await applyFieldsItem(ctx, item);
          consecutive = 0;
        } catch (e) {
          if (isFatal(e)) {
            fatal ??= e;
            return;
          }
          consecutive++;
          ctx.state.transientErrors++;
          await setItemState(ctx.db, item.id, 'deferred', {
            error: `deferred after an error: ${message(e)}`,
          });
          if (consecutive >= STORM)
            stop = `the apply stopped after ${consecutive} errors in a row (last: ${message(e)})`;
        } finally {
          ctx.gate.release(cost);
        }
        ctx.tell({ phase: 'apply', done: ++done, total: null });
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
    // Every item of the batch has its outcome: a batch that left one pending would loop for ever.
    const left = await deferItems(
      ctx.db,
      items.map((i) => i.id),
      stop ?? 'not applied in this run',
    );
    if (left > 0 && fatal === null && stop === null && !ctx.signal.aborted) break;
  }
  if (fatal !== null) throw fatal;
  if (stop !== null) {
    ctx.note(stop);
    await deferPending(ctx.db, ctx.runId, ['fields'], stop);
    await ctx.save();
  }
}

/** One record: lock, check the plan still holds, confirm, write, book. */
async function applyFieldsItem(ctx: RunContext, item: ItemRecord): Promise<void> {
  const customerId = item.cin7CustomerId as string;
  const r = await ctx.lock.withLock(customerId, () => applyLocked(ctx, item), 30_000);
  if (!r.ok) {
    await setItemState(ctx.db, item.id, 'deferred', {
      error: 'the customer was being synced by another job or process; the next run looks again',
    });
  }
}

async function applyLocked(ctx: RunContext, item: ItemRecord): Promise<void> {
  const link = item.linkId ? await linkById(ctx.db, item.linkId) : null;
  if (link?.state !== 'linked' || link.ghlContactId !== item.ghlContactId) {
    await setItemState(ctx.db, item.id, 'skipped', { error: 'the link changed since the plan' });
    return;
  }
  if (!sameHashes(link.hashes, item.baseHashes ?? {})) {
    await setItemState(ctx.db, item.id, 'skipped', {
      error: 'the record was synced since the plan; the next run compares it again',
    });
    return;
  }
  const customerId = link.cin7CustomerId;
  const stored = (await customersOf(ctx.db, ctx.runId, [customerId])).get(customerId);
  const details = (item.details ?? {}) as {
    confirm?: boolean;
    cin7ModifiedAt?: string | null;
    contact?: Record<string, unknown>;
    ghlUpdatedAt?: string | null;
  };
  const customer = stored?.customer ?? null;
  const c = customer
    ? mapCustomer(customer, ctx.mapping).contacts.find((x) => x.cin7ContactId === link.cin7ContactId)
    : undefined;
  if (!c) {
    await setItemState(ctx.db, item.id, 'skipped', { error: 'the Cin7 contact is no longer mapped' });
    return;
  }
  // The GHL side: read again (search lags) unless the plan already read it fresh.
  let seen: SeenContact;
  let confirmed = 0;
  const ghlId = link.ghlContactId as string;
  if (details.contact) {
    seen = {
      contact: details.contact as GhlContactLike,
      shape: 'contact',
      dateUpdated: dateOrNull(details.ghlUpdatedAt),
    };
  } else if (details.confirm) {
    try {
      const contact = await ctx.deps.ghl.getContact(ghlId, ctx.signal);
      confirmed = 1;
      seen = {
        contact: contact as GhlContactLike,
        shape: 'contact',
        dateUpdated: dateOrNull(contact.dateUpdated),
      };
    } catch (e) {
      if (e instanceof NotFoundError) {
        await setItemState(ctx.db, item.id, 'skipped', {
          error: `GHL contact ${ghlId} was not found when confirming; the next run checks whether it is gone`,
        });
        return;
      }
      throw e;
    }
  } else {
    const row = (await ghlContactsOf(ctx.db, ctx.runId, [ghlId])).get(ghlId);
    if (!row) {
      await setItemState(ctx.db, item.id, 'skipped', { error: 'the GHL contact was not read by this run' });
      return;
    }
    seen = seenFromRow(row);
  }
  const values = readSeen(ctx, seen);
  const ruleTags = ctx.tagsRelevant ? await ruleTagsOf(ctx, customerId) : null;
  const cls = classifyRecord({
    mapping: ctx.mapping,
    policy: ctx.state.policy,
    link,
    c,
    cin7ModifiedAt: stored?.modifiedAt ?? null,
    ghl: values,
    ghlUpdatedAt: seen.dateUpdated,
    ghlUnknown: unknownFields(ctx, seen),
    ghlStale: staleRead(seen, link),
    writable: writableSides(ctx),
    rules: ctx.rules,
    ruleTags,
  });

  // The plan as confirmed by the fresh read replaces the one search gave.
  const confirmedChanges: Json[] = cls.changes.map((x) => x as unknown as Json);
  if (cls.tags) confirmedChanges.push(tagChange(cls.tags));
  const confirmedClass =
    cls.changes.some((x) => x.class === 'conflict') || cls.tags?.changed === 'both' ? 'conflict' : 'drift';
  if (confirmedChanges.length > 0) await confirmItem(ctx.db, item.id, confirmedClass, confirmedChanges);

  // Conflicts are recorded whatever happens to the writes.
  const conflicts = cls.changes.filter((x) => x.class === 'conflict');
  const conflictIds: string[] = [];
  if (conflicts.length > 0) {
    await ctx.deps.store.transaction(async (trx) => {
      for (const x of conflicts) {
        const r = await recordConflict(trx, {
          runId: ctx.runId,
          linkId: link.id,
          locationId: ctx.deps.locationId,
          cin7CustomerId: link.cin7CustomerId,
          cin7ContactId: link.cin7ContactId,
          ghlContactId: ghlId,
          field: x.field,
          baseValue: (link.syncedValues[x.field] ?? null) as Json,
          cin7Value: x.cin7Value as Json,
          ghlValue: x.ghlValue as Json,
          cin7ChangedAt: stored?.modifiedAt ?? null,
          ghlChangedAt: seen.dateUpdated,
          policy: x.policy ?? ctx.state.policy,
          winner: x.winner ?? null,
          note: x.why ?? null,
        });
        conflictIds.push(r.id);
      }
    });
  }

  const fix: RecordFix = {
    link,
    c,
    ghlContact: seen.contact,
    toGhl: cls.changes.filter((x) => x.target === 'ghl').map((x) => ({ field: x.field, value: x.to })),
    toCin7: cls.changes
      .filter((x) => x.target === 'cin7')
      .map((x) => ({ field: x.field, value: x.to, expect: hashValue(x.cin7Value) })),
    tagsToGhl: cls.tags?.target === 'ghl' ? cls.tags.desired : null,
    tagsToCin7: cls.tags?.target === 'cin7',
    keep: cls.changes
      .filter((x) => x.keep)
      .map((x) => ({ field: x.field, cin7Hash: hashValue(x.cin7Value), ghlHash: hashValue(x.ghlValue) })),
    rebase: { ...cls.rebase },
  };
  const nothing =
    fix.toGhl.length === 0 &&
    fix.toCin7.length === 0 &&
    fix.tagsToGhl === null &&
    !fix.tagsToCin7 &&
    fix.keep.length === 0 &&
    Object.keys(fix.rebase).length === 0;
  const manualOpen = conflicts.some((x) => x.winner === null);
  if (nothing) {
    await setItemState(ctx.db, item.id, manualOpen ? 'skipped' : 'done', {
      ...(manualOpen ? { error: 'conflict left for `cin7-ghl conflicts resolve`' } : {}),
      result: { minimum: { ghl: 0, cin7: 0 }, confirmed, wrote: false, conflicts: conflictIds },
    });
    return;
  }
  try {
    const res = await applyFix(writeContext(ctx, { reconcileItem: item.id, conflicts: conflictIds }), fix);
    if (res.ghlWrites > 0 && customer) await refreshSnapshot(ctx, customer, stored?.modifiedAt ?? null);
    const ghlSourced = cls.changes.some((x) => x.target === 'cin7' && x.changed !== 'cin7') || fix.tagsToCin7;
    const minimum: ItemMinimum = {
      ghl: res.ghlWrites + (res.ghlWrites > 0 || (res.cin7Written && ghlSourced) ? confirmed : 0),
      cin7: res.cin7Written ? 2 : 0,
    };
    await setItemState(ctx.db, item.id, manualOpen ? 'skipped' : 'done', {
      ...(manualOpen ? { error: 'conflict left for `cin7-ghl conflicts resolve`' } : {}),
      result: {
        minimum: minimum as unknown as Json,
        confirmed,
        wrote: res.ghlWrites > 0 || res.cin7Written,
        ghl: res.writtenGhl,
        cin7: res.writtenCin7,
        warnings: res.warnings,
        conflicts: conflictIds,
      },
    });
  } catch (e) {
    if (!(e instanceof RecordError)) throw e;
    await ctx.deps.store.transaction(async (trx) => {
      const failure = { ...e.failure, runId: ctx.runId };
      await emitRecordFailed(trx, failure, await recordFailure(trx, failure), ctx.now());
      await setItemState(trx, item.id, 'failed', { error: e.failure.error });
    });
  }
}

/**
 * Stores the Cin7 record this run wrote GHL from as the engine's snapshot (when it is not older than
 * the stored one), so a sync working from an older stored snapshot cannot write older values back.
 */
async function refreshSnapshot(
  ctx: RunContext,
  customer: Cin7Customer,
  modifiedAt: Date | null,
): Promise<void> {
  await ctx.deps.store.transaction(async (trx) => {
    const desired = (await desiredTagsOf(trx, [customer], ctx.rules, ctx.now())).get(customer.ID);
    await upsertSnapshots(trx, [
      {
        customer,
        modifiedAt,
        aggregates: desired?.aggregates ?? null,
        ruleTags: desired?.ruleTags ?? [],
        ruleReasons: desired?.ruleReasons ?? [],
      },
    ]);
  });
}

async function ruleTagsOf(ctx: RunContext, customerId: string): Promise<string[] | null> {
  const row = await ctx.db
    .selectFrom('customers')
    .select('rule_tags')
    .where('cin7_customer_id', '=', customerId)
    .executeTakeFirst();
  return row ? row.rule_tags : null;
}

/**
 * Mends business associations: one `POST /contacts/bulk/business` per business for its linked
 * contacts that `GET /contacts/business/:id` did not list. A business GHL no longer has clears the
 * links' business (the engine finds or creates it again on the customer's next sync).
 *
 * @example
 * await applyBusinessItems(ctx);
 */
export async function applyBusinessItems(ctx: RunContext): Promise<void> {
  for (;;) {
    checkStop(ctx);
    const items = await pendingItems(ctx.db, ctx.runId, ['business'], 1000);
    if (items.length === 0) return;
    const byBusiness = new Map<string, ItemRecord[]>();
    for (const it of items) {
      const b = String((it.details as { businessId?: string } | null)?.businessId ?? '');
      byBusiness.set(b, [...(byBusiness.get(b) ?? []), it]);
    }
    for (const [businessId, group] of byBusiness) {
      if (!ctx.gate.tryReserve(1)) {
        for (const it of group)
          await setItemState(ctx.db, it.id, 'deferred', {
            error: `deferred to the next run: ${ctx.gate.describe()}`,
          });
        continue;
      }
      const ids = group.map((it) => it.ghlContactId as string);
      try {
        await ctx.deps.ghl.bulkBusiness({ ids, businessId }, ctx.signal);
      } catch (e) {
        ctx.gate.release(1);
        if (isFatal(e)) throw e;
        if (e instanceof NotFoundError || e instanceof ValidationError) {
          await forgetBusiness(ctx, group, businessId, message(e));
          continue;
        }
        ctx.state.transientErrors++;
        for (const it of group)
          await setItemState(ctx.db, it.id, 'deferred', { error: `deferred after an error: ${message(e)}` });
        continue;
      }
      ctx.gate.release(1);
      await ctx.deps.afterWrite?.({ kind: 'ghl.business', cin7CustomerId: null, ghlContactId: null });
      await ctx.deps.store.transaction(async (trx) => {
        for (const [i, it] of group.entries()) {
          await recordAudit(trx, {
            direction: 'cin7_to_ghl',
            action: 'business',
            cause: 'reconcile',
            cin7CustomerId: it.cin7CustomerId,
            cin7ContactId: it.cin7ContactId,
            ghlContactId: it.ghlContactId,
            fields: ['businessId'],
            before: null,
            after: businessId,
            runId: ctx.runId,
            details: { mended: true },
          });
          await setItemState(trx, it.id, 'done', {
            result: { minimum: { ghl: i === 0 ? 1 : 0, cin7: 0 }, wrote: true },
          });
        }
      });
    }
  }
}

async function forgetBusiness(
  ctx: RunContext,
  group: ItemRecord[],
  businessId: string,
  why: string,
): Promise<void> {
  await ctx.deps.store.transaction(async (trx) => {
    for (const it of group) {
      if (it.linkId) await updateLink(trx, it.linkId, { businessId: null });
      await setItemState(trx, it.id, 'failed', {
        error: `GHL refused the association with business ${businessId} (${why}): the link forgets it; the next sync of the customer finds or creates the business again`,
      });
    }
  });
  const customers = [...new Set(group.map((it) => it.cin7CustomerId).filter((x): x is string => !!x))];
  await markDirty(ctx.db, customers);
}

/**
 * Orphans, only after a fully successful pass: the GHL contact of a customer gone or deprecated in
 * Cin7 gets `reconcile.orphanTag` (or is deleted with `reconcile.deleteOrphans`), and its link is
 * unlinked; a link whose GHL contact is gone is unlinked. The tag is recorded as being written
 * before it is sent, so a run resumed after a crash checks the contact instead of sending it twice.
 *
 * @example
 * await applyOrphans(ctx, passOk ? null : 'the pass did not complete');
 */
export async function applyOrphans(ctx: RunContext, blocked: string | null): Promise<void> {
  if (blocked !== null) {
    const n = await deferPending(ctx.db, ctx.runId, ['orphan', 'candidate'], blocked);
    if (n > 0) ctx.note(`${n} orphans and candidates deferred: ${blocked}`);
    return;
  }
  ctx.tell({ phase: 'orphans', done: 0, total: null });
  const cfg = ctx.deps.config.reconcile;
  let done = 0;
  for (;;) {
    checkStop(ctx);
    const items = await pendingItems(ctx.db, ctx.runId, ['orphan'], 200);
    if (items.length === 0) break;
    for (const item of items) {
      const cost = item.forecast.ghl;
      if (!ctx.gate.tryReserve(cost)) {
        await setItemState(ctx.db, item.id, 'deferred', {
          error: `deferred to the next run: ${ctx.gate.describe()}`,
        });
        continue;
      }
      try {
        const r = await ctx.lock.withLock(
          item.cin7CustomerId as string,
          () => orphanLocked(ctx, item, cfg),
          30_000,
        );
        if (!r.ok)
          await setItemState(ctx.db, item.id, 'deferred', {
            error: 'the customer was being synced elsewhere',
          });
      } catch (e) {
        if (isFatal(e)) throw e;
        ctx.state.transientErrors++;
        await setItemState(ctx.db, item.id, 'deferred', { error: `deferred after an error: ${message(e)}` });
      } finally {
        ctx.gate.release(cost);
      }
      ctx.tell({ phase: 'orphans', done: ++done, total: null });
    }
  }
  // Candidates: the customers are marked for the engine, whose matching links them without duplicates.
  for (;;) {
    const candidates = await pendingItems(ctx.db, ctx.runId, ['candidate'], 1000);
    if (candidates.length === 0) break;
    const ids = [...new Set(candidates.map((c) => c.cin7CustomerId).filter((x): x is string => !!x))];
    await ctx.deps.store.transaction(async (trx) => {
      await markDirty(trx, ids);
      for (const c of candidates) {
        await setItemState(trx, c.id, 'done', {
          result: { minimum: { ghl: 0, cin7: 0 }, markedForSync: true },
        });
      }
    });
  }
}

async function orphanLocked(
  ctx: RunContext,
  item: ItemRecord,
  cfg: { orphanTag: string; deleteOrphans: boolean },
): Promise<void> {
  const link = item.linkId ? await linkById(ctx.db, item.linkId) : null;
  if (link?.state !== 'linked' || link.ghlContactId !== item.ghlContactId) {
    await setItemState(ctx.db, item.id, 'skipped', { error: 'the link changed since the plan' });
    return;
  }
  const details = (item.details ?? {}) as { reason?: string; hasTag?: boolean; tag?: string };
  const ghlId = link.ghlContactId as string;
  const tag = details.tag ?? cfg.orphanTag.trim().toLowerCase();
  let writes = 0;
  let tags: string[] | null = null;
  let action: 'orphan' | 'delete' | 'unlink' = 'unlink';
  if (details.reason !== 'ghl_gone' && ctx.deps.config.sync.cin7ToGhl) {
    if (cfg.deleteOrphans) {
      action = 'delete';
      await setItemState(ctx.db, item.id, 'writing');
      try {
        await ctx.deps.ghl.deleteContact(ghlId, ctx.signal);
        writes = 1;
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
      }
      await ctx.deps.afterWrite?.({
        kind: 'ghl.delete',
        cin7CustomerId: link.cin7CustomerId,
        ghlContactId: ghlId,
      });
    } else {
      action = 'orphan';
      let present = details.hasTag === true;
      if (item.state === 'writing') {
        // A crash may have come after the tag was sent: look before sending it again.
        try {
          const contact = await ctx.deps.ghl.getContact(ghlId, ctx.signal);
          present = normalizeTags(Array.isArray(contact.tags) ? contact.tags : []).includes(tag);
        } catch (e) {
          if (!(e instanceof NotFoundError)) throw e;
          present = true;
        }
      }
      if (!present) {
        await setItemState(ctx.db, item.id, 'writing');
        try {
          tags = normalizeTags(await ctx.deps.ghl.addTags(ghlId, [tag], ctx.signal));
          writes = 1;
        } catch (e) {
          if (!(e instanceof NotFoundError)) throw e;
        }
        await ctx.deps.afterWrite?.({
          kind: 'ghl.tags',
          cin7CustomerId: link.cin7CustomerId,
          ghlContactId: ghlId,
        });
      }
    }
  }
  await ctx.deps.store.transaction(async (trx) => {
    await updateLink(trx, link.id, { state: 'unlinked', ...(tags !== null ? { ghlTags: tags } : {}) });
    await recordAudit(trx, {
      direction: 'cin7_to_ghl',
      action,
      cause: 'reconcile',
      cin7CustomerId: link.cin7CustomerId,
      cin7ContactId: link.cin7ContactId,
      ghlContactId: ghlId,
      fields: action === 'orphan' ? ['tags', 'link'] : action === 'delete' ? ['contact', 'link'] : ['link'],
      before: { link: ghlId, ...(action === 'orphan' ? { tags: link.ghlTags } : {}) },
      after: { link: null, ...(action === 'orphan' ? { tags: tags ?? [...link.ghlTags, tag] } : {}) },
      runId: ctx.runId,
      details: { reason: details.reason ?? null, unlinked: true },
    });
    await setItemState(trx, item.id, 'done', {
      result: { minimum: { ghl: writes, cin7: 0 }, wrote: writes > 0, action },
    });
  });
}

function sameHashes(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => a[k] === b[k]);
}

function dateOrNull(v: unknown): Date | null {
  if (typeof v !== 'string') return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

function message(e: unknown): string {
  if (e instanceof ApiError || isAppError(e)) return e.message;
  return e instanceof Error ? e.message : String(e);
}
