/**
 * The classification phase: every live link, 500 at a time in id order, compared through its
 * per-field hashes with what the pass read on both sides; what is not in sync becomes an item (the
 * plan). A linked record missing from a side's pages is read once more before anything is
 * concluded: a GHL contact search did not show (its index lags) is read with `GET /contacts/:id`,
 * and "gone" takes two not-founds (a 404 or an explicit "not found", never a bare 400); a Cin7
 * customer missing from the listing is asked for by ID. Unlinked candidates (a mapped Cin7 contact
 * and an unlinked GHL contact with the same email or phone) come from one query after the links.
 */
import { sql } from 'kysely';
import { parseCin7Date } from '../../cin7/normalize.js';
import type { Cin7Customer } from '../../cin7/schemas.js';
import { NotFoundError, ValidationError } from '../../http/errors.js';
import type { Json } from '../../store/schema.js';
import { supersede } from '../conflicts/repo.js';
import {
  type GhlContactLike,
  type GhlContactValues,
  MappingError,
  hashValue,
  isCin7OwnedTag,
  mapCustomer,
  normalizeTags,
  readGhlContact,
} from '../mapping/index.js';
import { type LinkRecord, linkedAfter, updateLink } from '../repo/links.js';
import { tagDelta } from '../rules/index.js';
import { type TagPlan, classifyRecord } from './classify.js';
import { type RunContext, checkStop } from './context.js';
import {
  type NewItem,
  customersOf,
  deferredLinkIds,
  ghlContactsOf,
  membersFound,
  putItems,
} from './store.js';
import type { FieldChange } from './types.js';

const BATCH = 500;

/** Why a linked record is an orphan. */
export type OrphanReason = 'cin7_gone' | 'cin7_deprecated' | 'cin7_contact_gone' | 'ghl_gone';

/** A GHL contact as the plan saw it: where it came from and what its read leaves out. */
export interface SeenContact {
  contact: GhlContactLike;
  /** `search` hit, `list` item (fewer fields), or `contact` (a fresh `GET /contacts/:id`). */
  shape: 'search' | 'list' | 'contact';
  dateUpdated: Date | null;
}

/**
 * The fields a read of `shape` does not carry: search hits have no website; `GET /contacts/` items
 * only the keys they hold.
 */
export function unknownFields(ctx: Pick<RunContext, 'mapping'>, seen: SeenContact): Set<string> {
  if (seen.shape !== 'list') return new Set();
  const present = new Set(Object.keys(seen.contact));
  return new Set(
    ctx.mapping.fields
      .filter((f) => (f.customField ? !present.has('customFields') : !present.has(f.name)))
      .map((f) => f.name),
  );
}

/** Which sides this install writes (`sync.cin7ToGhl`, `sync.ghlToCin7`). */
export function writableSides(ctx: Pick<RunContext, 'deps'>): { ghl: boolean; cin7: boolean } {
  return { ghl: ctx.deps.config.sync.cin7ToGhl, cin7: ctx.deps.config.sync.ghlToCin7 };
}

/**
 * True when a search (or list) read is not newer than the state the link was synced from: the
 * index shows an older version of the contact, so its differences are not GHL changes.
 */
export function staleRead(seen: SeenContact, link: Pick<LinkRecord, 'ghlChangedAt'>): boolean {
  if (seen.shape === 'contact' || seen.dateUpdated === null || link.ghlChangedAt === null) return false;
  return seen.dateUpdated.getTime() <= link.ghlChangedAt.getTime();
}

/** Reads a GHL contact the way the plan compares it. */
export function readSeen(ctx: Pick<RunContext, 'mapping'>, seen: SeenContact): GhlContactValues {
  return readGhlContact(seen.contact, ctx.mapping, { shape: seen.shape === 'search' ? 'search' : 'contact' });
}

/** The contact search showed (or the list read), with its shape. */
export function seenFromRow(row: {
  contact: Record<string, unknown>;
  dateUpdated: Date | null;
}): SeenContact {
  const shape =
    row.contact._shape === 'list' ? 'list' : Array.isArray(row.contact.searchAfter) ? 'search' : 'contact';
  return { contact: row.contact as GhlContactLike, shape, dateUpdated: row.dateUpdated };
}

/**
 * Classifies every live link into items. Answers when done (resumable per batch).
 *
 * @example
 * await classifyLinks(ctx);
 */
export async function classifyLinks(ctx: RunContext): Promise<void> {
  const st = ctx.state.classify;
  while (!st.done) {
    checkStop(ctx);
    const links = await linkedAfter(ctx.db, ctx.deps.locationId, st.after, BATCH);
    if (links.length === 0) {
      st.done = true;
      await ctx.save();
      break;
    }
    const batch = await classifyBatch(ctx, links);
    await ctx.deps.store.transaction(async (trx) => {
      await putItems(trx, ctx.runId, batch.items);
      if (ctx.state.mode === 'apply') {
        for (const r of batch.rebase) {
          await updateLink(trx, r.link.id, { hashes: { ...r.link.hashes, ...r.hashes } });
        }
        for (const s of batch.settled) await supersede(trx, s.linkId, s.field, 'both sides agree again');
      }
      st.after = (links[links.length - 1] as LinkRecord).id;
      st.links += links.length;
      await ctx.save(trx);
    });
    ctx.tell({ phase: 'classify', done: st.links, total: null });
  }
}

interface BatchOutcome {
  items: NewItem[];
  rebase: Array<{ link: LinkRecord; hashes: Record<string, string> }>;
  /** Open conflicts whose field is no longer in conflict. */
  settled: Array<{ linkId: string; field: string }>;
}

async function classifyBatch(ctx: RunContext, links: LinkRecord[]): Promise<BatchOutcome> {
  const out: BatchOutcome = { items: [], rebase: [], settled: [] };
  const customerIds = [...new Set(links.map((l) => l.cin7CustomerId))];
  const customers = await customersOf(ctx.db, ctx.runId, customerIds);
  const ghlRows = await ghlContactsOf(
    ctx.db,
    ctx.runId,
    links.map((l) => l.ghlContactId as string),
  );
  const ruleTags = ctx.tagsRelevant ? await ruleTagsOf(ctx, customerIds) : new Map<string, string[]>();
  const members = ctx.businessesEnabled
    ? await membersFound(
        ctx.db,
        ctx.runId,
        links
          .filter((l) => l.businessId !== null)
          .map((l) => ({ businessId: l.businessId as string, ghlId: l.ghlContactId as string })),
      )
    : new Set<string>();
  const deferredBefore = await deferredLinkIds(
    ctx.db,
    ctx.state.prevRunId,
    links.map((l) => l.id),
  );
  const open = await openConflictsOf(
    ctx,
    links.map((l) => l.id),
  );

  for (const link of links) {
    const priority = deferredBefore.has(link.id) ? 1 : 0;
    const ghlId = link.ghlContactId as string;
    const common = {
      linkId: link.id,
      cin7CustomerId: link.cin7CustomerId,
      cin7ContactId: link.cin7ContactId,
      ghlContactId: ghlId,
      priority,
    };
    // Cin7 side.
    let found = customers.get(link.cin7CustomerId) ?? null;
    if (found === null) {
      const fresh = await ctx.deps.cin7.getCustomer(link.cin7CustomerId, ctx.signal);
      ctx.state.reads.cin7++;
      if (fresh === null) {
        out.items.push(await orphanItem(ctx, link, 'cin7_gone', ghlRows.get(ghlId) ?? null, priority));
        continue;
      }
      const ms = parseCin7Date(fresh.LastModifiedOn);
      found = { customer: fresh, modifiedAt: ms === null ? null : new Date(ms) };
    }
    const customer: Cin7Customer = found.customer;
    if (isDeprecated(customer) && !ctx.mapping.contacts.includeDeprecated) {
      out.items.push(await orphanItem(ctx, link, 'cin7_deprecated', ghlRows.get(ghlId) ?? null, priority));
      continue;
    }
    const mapped = mapCustomer(customer, ctx.mapping);
    const c = mapped.contacts.find((x) => x.cin7ContactId === link.cin7ContactId);
    if (!c) {
      if (!customer.Contacts.some((x) => x.ID === link.cin7ContactId)) {
        out.items.push(
          await orphanItem(ctx, link, 'cin7_contact_gone', ghlRows.get(ghlId) ?? null, priority),
        );
      } else {
        const why =
          mapped.skipped.find((s) => s.cin7ContactId === link.cin7ContactId)?.reason ??
          'not selected by the mapping';
        ctx.note(
          `Cin7 contact ${link.cin7ContactId} of customer ${link.cin7CustomerId} is linked but no longer mapped (${why}): left as it is`,
        );
      }
      continue;
    }

    // GHL side.
    let seen: SeenContact | null = null;
    const row = ghlRows.get(ghlId);
    if (row) seen = seenFromRow(row);
    else {
      const read = await readMissing(ctx, ghlId);
      if (read === 'gone') {
        out.items.push(await orphanItem(ctx, link, 'ghl_gone', null, priority));
        continue;
      }
      if (read === 'unreadable') continue;
      seen = read;
    }
    let values: GhlContactValues;
    try {
      values = readSeen(ctx, seen);
    } catch (e) {
      if (!(e instanceof MappingError)) throw e;
      ctx.note(`GHL contact ${ghlId}: ${e.message}`);
      continue;
    }
    const cls = classifyRecord({
      mapping: ctx.mapping,
      policy: ctx.state.policy,
      link,
      c,
      cin7ModifiedAt: found.modifiedAt,
      ghl: values,
      ghlUpdatedAt: seen.dateUpdated,
      ghlUnknown: unknownFields(ctx, seen),
      ghlStale: staleRead(seen, link),
      writable: writableSides(ctx),
      rules: ctx.rules,
      ruleTags: ctx.tagsRelevant ? (ruleTags.get(link.cin7CustomerId) ?? null) : null,
    });
    if (Object.keys(cls.rebase).length > 0) out.rebase.push({ link, hashes: cls.rebase });
    // An open conflict is settled when both sides now agree on its field (as far as this read can tell).
    const unknown = unknownFields(ctx, seen);
    const stale = staleRead(seen, link);
    const differing = new Set(cls.changes.map((x) => x.field));
    for (const f of open.get(link.id) ?? []) {
      const readable =
        seen.shape === 'contact' || (!unknown.has(f) && !(f === 'website' && seen.shape === 'search'));
      if (!differing.has(f) && readable && !stale) out.settled.push({ linkId: link.id, field: f });
    }

    const changes: Json[] = cls.changes.map((x) => x as unknown as Json);
    let tagWrites = 0;
    if (cls.tags) {
      changes.push(tagChange(cls.tags));
      if (cls.tags.target === 'ghl') {
        const delta = tagDelta(normalizeTags(values.tags), cls.tags.desired, ctx.rules, {
          alsoOwned: (t) => isCin7OwnedTag(t, ctx.mapping),
        });
        tagWrites = (delta.add.length > 0 ? 1 : 0) + (delta.remove.length > 0 ? 1 : 0);
      }
    }
    if (changes.length > 0) {
      const fresh = seen.shape === 'contact';
      const toGhl = cls.changes.filter((x) => x.target === 'ghl');
      const put = toGhl.some((x) => x.field !== 'companyName') ? 1 : 0;
      const company = toGhl.some((x) => x.field === 'companyName') ? 1 : 0;
      const cin7 = cls.changes.some((x) => x.target === 'cin7') || cls.tags?.target === 'cin7' ? 2 : 0;
      const confirm = fresh ? 0 : needsConfirm(cls.changes, cls.tags !== null) ? 1 : 0;
      const isConflict = cls.changes.some((x) => x.class === 'conflict') || cls.tags?.changed === 'both';
      out.items.push({
        ...common,
        kind: 'fields',
        key: `link:${link.id}`,
        class: isConflict ? 'conflict' : 'drift',
        changes,
        baseHashes: { ...link.hashes, ...cls.rebase },
        forecast: { ghl: confirm + put + company + tagWrites, cin7 },
        details: {
          confirm: confirm === 1,
          cin7ModifiedAt: found.modifiedAt?.toISOString() ?? null,
          ...(fresh
            ? { contact: seen.contact as Json, ghlUpdatedAt: seen.dateUpdated?.toISOString() ?? null }
            : {}),
        },
      });
    }
    if (
      link.businessId !== null &&
      ctx.businessesEnabled &&
      ctx.deps.config.sync.cin7ToGhl &&
      !members.has(`${link.businessId}\u0000${ghlId}`)
    ) {
      out.items.push({
        ...common,
        kind: 'business',
        key: `link:${link.id}`,
        class: 'drift',
        changes: [
          {
            field: 'businessId',
            class: 'drift',
            changed: 'ghl',
            from: typeof seen.contact.businessId === 'string' ? seen.contact.businessId : null,
            to: link.businessId,
            target: 'ghl',
          },
        ],
        baseHashes: null,
        forecast: { ghl: 0, cin7: 0 },
        details: { businessId: link.businessId },
      });
    }
  }
  return out;
}

/** The tag plan as one change of the item (field `tags`). */
export function tagChange(tags: TagPlan): Json {
  return {
    field: 'tags',
    class: tags.changed === 'both' ? 'conflict' : 'drift',
    changed: tags.changed,
    from: tags.target === 'ghl' ? tags.current : null,
    to: tags.target === 'ghl' ? tags.desired : tags.current,
    target: tags.target,
    cin7Value: tags.desired,
    ghlValue: tags.current,
  };
}

/** Whether applying these changes needs the GHL contact read first (its search hit may lag). */
function needsConfirm(changes: FieldChange[], tags: boolean): boolean {
  return tags || changes.some((x) => x.target === 'ghl' || x.changed !== 'cin7' || x.class === 'conflict');
}

function isDeprecated(customer: Cin7Customer): boolean {
  return customer.Status?.trim().toLowerCase() === 'deprecated';
}

/**
 * A linked GHL contact search did not show: read it; a not-found is read once more before it counts
 * as gone. A bare 400 is not a not-found: the record is left alone (and noted).
 */
async function readMissing(ctx: RunContext, ghlId: string): Promise<SeenContact | 'gone' | 'unreadable'> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const contact = await ctx.deps.ghl.getContact(ghlId, ctx.signal);
      ctx.state.reads.ghl++;
      const ms = typeof contact.dateUpdated === 'string' ? parseCin7Date(contact.dateUpdated) : null;
      return {
        contact: contact as GhlContactLike,
        shape: 'contact',
        dateUpdated: ms === null ? null : new Date(ms),
      };
    } catch (e) {
      if (e instanceof NotFoundError) {
        ctx.state.reads.ghl++;
        continue;
      }
      if (e instanceof ValidationError) {
        ctx.state.reads.ghl++;
        ctx.note(
          `GHL contact ${ghlId} could not be read (${e.message}); a bare 400 is not taken as "gone": left as it is`,
        );
        return 'unreadable';
      }
      throw e;
    }
  }
  return 'gone';
}

async function orphanItem(
  ctx: RunContext,
  link: LinkRecord,
  reason: OrphanReason,
  ghlRow: { contact: Record<string, unknown> } | null,
  priority: number,
): Promise<NewItem> {
  const ghlId = link.ghlContactId as string;
  const cfg = ctx.deps.config.reconcile;
  const tags = ghlRow ? normalizeTags(Array.isArray(ghlRow.contact.tags) ? ghlRow.contact.tags : []) : null;
  const tag = cfg.orphanTag.trim().toLowerCase();
  const hasTag = tags?.includes(tag) ?? false;
  const changes: Json[] = [];
  let ghl = 0;
  if (reason !== 'ghl_gone' && ctx.deps.config.sync.cin7ToGhl) {
    if (cfg.deleteOrphans) {
      changes.push({ field: 'contact', from: ghlId, to: null, target: 'ghl' });
      ghl = 1;
    } else if (!hasTag) {
      changes.push({ field: 'tags', from: null, to: tag, target: 'ghl' });
      ghl = 1;
    }
  }
  changes.push({ field: 'link', from: ghlId, to: null, target: null });
  return {
    kind: 'orphan',
    key: `link:${link.id}`,
    class: 'orphan',
    linkId: link.id,
    cin7CustomerId: link.cin7CustomerId,
    cin7ContactId: link.cin7ContactId,
    ghlContactId: ghlId,
    changes,
    baseHashes: null,
    forecast: { ghl, cin7: 0 },
    details: { reason, hasTag, tag },
    priority,
  };
}

async function ruleTagsOf(ctx: RunContext, ids: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await ctx.db
      .selectFrom('customers')
      .select(['cin7_customer_id', 'rule_tags'])
      .where('cin7_customer_id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.cin7_customer_id, r.rule_tags);
  }
  return out;
}

async function openConflictsOf(ctx: RunContext, linkIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (linkIds.length === 0) return out;
  const rows = await ctx.db
    .selectFrom('conflicts')
    .select(['link_id', 'field'])
    .where('status', '=', 'open')
    .where('link_id', 'in', linkIds)
    .execute();
  for (const r of rows) out.set(r.link_id, [...(out.get(r.link_id) ?? []), r.field]);
  return out;
}

/**
 * Unlinked candidates: a mapped Cin7 contact without a live link and a GHL contact without one that
 * share an email, or else a phone. Inserted as items by one query (no memory per record).
 *
 * @example
 * await findCandidates(ctx);
 */
export async function findCandidates(ctx: RunContext): Promise<void> {
  if (ctx.state.candidates.done) return;
  ctx.tell({ phase: 'candidates', done: 0, total: null });
  const run = ctx.runId;
  const loc = ctx.deps.locationId;
  await ctx.deps.store.transaction(async (trx) => {
    await sql`
      insert into reconcile_items (run_id, kind, key, class, cin7_customer_id, cin7_contact_id, ghl_contact_id, changes, forecast, details)
      select ${run}::bigint, 'candidate', m.cin7_customer_id || ':' || m.cin7_contact_id || ':' || m.ghl_contact_id, 'unlinked',
             m.cin7_customer_id, m.cin7_contact_id, m.ghl_contact_id,
             jsonb_build_array(jsonb_build_object('field', 'link', 'from', null, 'to', m.ghl_contact_id, 'target', null)),
             '{"ghl":0,"cin7":0}'::jsonb, jsonb_build_object('by', m.by)
      from (
        select distinct on (c.cin7_customer_id, c.cin7_contact_id, g.ghl_contact_id)
               c.cin7_customer_id, c.cin7_contact_id, g.ghl_contact_id, m.by
        from (
          select c.run_id, c.cin7_customer_id, c.cin7_contact_id, g.ghl_contact_id, 'email' as by
          from reconcile_contacts c join reconcile_ghl g on g.run_id = c.run_id and g.email = c.email
          where c.run_id = ${run}::bigint and c.email is not null
          union all
          select c.run_id, c.cin7_customer_id, c.cin7_contact_id, g.ghl_contact_id, 'phone' as by
          from reconcile_contacts c join reconcile_ghl g on g.run_id = c.run_id and g.phone = c.phone
          where c.run_id = ${run}::bigint and c.phone is not null
        ) m
        join reconcile_contacts c on c.run_id = m.run_id and c.cin7_customer_id = m.cin7_customer_id and c.cin7_contact_id = m.cin7_contact_id
        join reconcile_ghl g on g.run_id = m.run_id and g.ghl_contact_id = m.ghl_contact_id
        where not exists (select 1 from links l where l.ghl_location_id = ${loc} and l.state <> 'unlinked'
                            and l.cin7_customer_id = m.cin7_customer_id and l.cin7_contact_id = m.cin7_contact_id)
          and not exists (select 1 from links l where l.ghl_location_id = ${loc} and l.state <> 'unlinked'
                            and l.ghl_contact_id = m.ghl_contact_id)
          and not exists (select 1 from reconcile_customers rc where rc.run_id = m.run_id
                            and rc.cin7_customer_id = m.cin7_customer_id and lower(coalesce(rc.status, '')) = 'deprecated')
        order by c.cin7_customer_id, c.cin7_contact_id, g.ghl_contact_id, m.by
      ) m
      on conflict (run_id, kind, key) do nothing`.execute(trx);
    ctx.state.candidates.done = true;
    await ctx.save(trx);
  });
}

/** The hash a plan recorded as Cin7's value of a change (what a Cin7 write expects to find). */
export function cin7HashOf(change: FieldChange): string {
  return hashValue(change.cin7Value);
}
