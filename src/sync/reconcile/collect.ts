/**
 * Reading both sides page by page into the run's tables (memory bounded by the page size), with the
 * checkpoint saved in the transaction of each page:
 * - every Cin7 customer, deprecated ones included (`GET /customer`, 1,000 a page);
 * - every GHL contact (`POST /contacts/search`, 500 a page, by `searchAfter`, oldest first so contacts
 *   created during the pass come last and are seen); when search is not available (a 404 or a
 *   refused body on the first page), `GET /contacts/` pages (100, `startAfter`/`startAfterId`);
 * - with business association on, the members of every business the links name
 *   (`GET /contacts/business/:businessId`).
 */
import { sql } from 'kysely';
import { parseCin7Date } from '../../cin7/normalize.js';
import { nextListCursor } from '../../ghl/read.js';
import { ApiError, NotFoundError, ValidationError } from '../../http/errors.js';
import type { Json } from '../../store/schema.js';
import { ghlEmail, ghlPhone } from '../engine/matcher.js';
import { mapCustomer } from '../mapping/index.js';
import { type RunContext, checkStop } from './context.js';
import { type GhlRow, putBusinessMembers, putCustomers, putGhlContacts } from './store.js';

/** The GHL search page size (GHL's maximum). */
export const GHL_PAGE = 500;
/** `GET /contacts/` page size (its maximum). */
export const GHL_LIST_PAGE = 100;
/** `GET /contacts/business/:id` page size. */
export const BUSINESS_PAGE = 100;

/** Search-hit keys the reconciliation never needs (kept out of the run's tables). */
const HEAVY_KEYS = ['opportunities', 'followers', 'additionalEmails', 'additionalPhones', 'attributions'];

/**
 * Reads every Cin7 customer into `reconcile_customers` (and the mapped identities).
 *
 * @example
 * await collectCin7(ctx);
 */
export async function collectCin7(ctx: RunContext): Promise<void> {
  const st = ctx.state.cin7;
  if (st.done) return;
  ctx.tell({ phase: 'cin7', done: st.pages, total: null });
  const pages = ctx.deps.cin7.customerPages(
    { IncludeDeprecated: true },
    { startPage: st.page, ...(st.limit ? { limit: st.limit } : {}), signal: ctx.signal },
  );
  for await (const page of pages) {
    const rows = page.rows.map((customer) => {
      const ms = parseCin7Date(customer.LastModifiedOn);
      const mapped = mapCustomer(customer, ctx.mapping);
      return {
        customer,
        modifiedAt: ms === null ? null : new Date(ms),
        contacts: mapped.contacts.map((c) => ({
          contactId: c.cin7ContactId,
          email: c.identity.email,
          phone: c.identity.phone,
        })),
      };
    });
    await ctx.deps.store.transaction(async (trx) => {
      await putCustomers(trx, ctx.runId, rows);
      st.page = page.page + 1;
      st.limit = page.limit;
      st.pages++;
      st.records += rows.length;
      await ctx.save(trx);
    });
    ctx.tell({
      phase: 'cin7',
      done: st.pages,
      total: page.limit > 0 ? Math.ceil(page.total / page.limit) : null,
    });
    checkStop(ctx);
  }
  st.done = true;
  await ctx.save();
}

/** True when search itself is unavailable (not a transient failure): then `GET /contacts/` is used. */
function searchUnavailable(e: unknown): boolean {
  if (e instanceof NotFoundError || e instanceof ValidationError) return true;
  return e instanceof ApiError && (e.status === 404 || e.status === 405 || e.status === 501);
}

/**
 * Reads every GHL contact into `reconcile_ghl`. Answers false when the daily budget's headroom
 * stopped it (scheduled runs).
 *
 * @example
 * if (!(await collectGhl(ctx))) return; // deferred: the budget is short
 */
export async function collectGhl(ctx: RunContext): Promise<boolean> {
  const st = ctx.state.ghl;
  const region = ctx.mapping.defaults.phoneRegion;
  while (!st.done) {
    checkStop(ctx);
    if (!ctx.gate.tryReserve(1)) {
      ctx.state.budgetStopped = `the GHL read stopped after ${st.pages} pages at the daily headroom (${ctx.gate.describe()})`;
      await ctx.save();
      return false;
    }
    let hits: Array<Record<string, unknown>>;
    let next: Json | null = null;
    let last = false;
    try {
      if (st.mode === 'search') {
        let page: Awaited<ReturnType<typeof ctx.deps.ghl.searchContacts>>;
        try {
          page = await ctx.deps.ghl.searchContacts(
            {
              pageLimit: GHL_PAGE,
              sort: [{ field: 'dateAdded', direction: 'asc' }],
              ...(Array.isArray(st.cursor) ? { searchAfter: st.cursor as Array<string | number> } : {}),
            },
            ctx.signal,
          );
        } catch (e) {
          if (st.pages === 0 && searchUnavailable(e)) {
            st.mode = 'list';
            st.cursor = null;
            ctx.note(
              `GHL search is not available (${e instanceof Error ? e.message : String(e)}): contacts were read with GET /contacts/ (100 a page), which carries fewer fields, so GHL-side changes are seen only for the fields it returns`,
            );
            await ctx.save();
            continue;
          }
          throw e;
        }
        hits = page.contacts as unknown as Array<Record<string, unknown>>;
        const lastHit = hits[hits.length - 1];
        const cursor = lastHit && Array.isArray(lastHit.searchAfter) ? (lastHit.searchAfter as Json) : null;
        last = hits.length < GHL_PAGE || cursor === null || st.records + hits.length >= page.total;
        next = cursor;
      } else {
        const cursor = st.cursor as { startAfter: number; startAfterId: string } | null;
        const page = await ctx.deps.ghl.listContacts({ limit: GHL_LIST_PAGE, ...(cursor ?? {}) }, ctx.signal);
        hits = page.contacts.map((c) => ({ ...(c as Record<string, unknown>), _shape: 'list' }));
        const n = nextListCursor(page, GHL_LIST_PAGE);
        last = n === null || hits.length === 0;
        next = n as unknown as Json;
      }
    } finally {
      ctx.gate.release(1);
    }
    const rows: GhlRow[] = [];
    for (const hit of hits) {
      if (typeof hit.id !== 'string') continue;
      const contact: Record<string, unknown> = { ...hit };
      for (const k of HEAVY_KEYS) delete contact[k];
      if (typeof contact.address === 'string' && contact.address1 === undefined)
        contact.address1 = contact.address;
      const updated = typeof hit.dateUpdated === 'string' ? parseCin7Date(hit.dateUpdated) : null;
      rows.push({
        id: hit.id,
        email: ghlEmail(contact),
        phone: ghlPhone(contact, region),
        dateUpdated: updated === null ? null : new Date(updated),
        contact: contact as Json,
      });
    }
    await ctx.deps.store.transaction(async (trx) => {
      await putGhlContacts(trx, ctx.runId, rows);
      st.pages++;
      st.records += rows.length;
      st.cursor = next;
      if (last) st.done = true;
      await ctx.save(trx);
    });
    ctx.tell({ phase: 'ghl', done: st.records, total: null });
  }
  return true;
}

/**
 * Reads the members of every business the links name into `reconcile_business`.
 *
 * @example
 * if (ctx.businessesEnabled) await collectBusinesses(ctx);
 */
export async function collectBusinesses(ctx: RunContext): Promise<boolean> {
  const st = ctx.state.business;
  if (st.done || !ctx.businessesEnabled) return true;
  ctx.tell({ phase: 'business', done: st.businesses, total: null });
  for (;;) {
    checkStop(ctx);
    let q = ctx.db
      .selectFrom('links')
      .select('business_id')
      .distinct()
      .where('ghl_location_id', '=', ctx.deps.locationId)
      .where('state', '=', 'linked')
      .where('business_id', 'is not', null);
    if (st.after !== null) q = q.where(sql<boolean>`business_id > ${st.after}`);
    const ids = (await q.orderBy('business_id').limit(50).execute()).map((r) => r.business_id as string);
    if (ids.length === 0) break;
    for (const businessId of ids) {
      const members: string[] = [];
      let pages = 0;
      for (;;) {
        if (!ctx.gate.tryReserve(1)) {
          ctx.state.budgetStopped = `the business check stopped at the daily headroom (${ctx.gate.describe()})`;
          await ctx.save();
          return false;
        }
        let page: Awaited<ReturnType<typeof ctx.deps.ghl.listContactsByBusiness>>;
        try {
          page = await ctx.deps.ghl.listContactsByBusiness(
            businessId,
            { limit: BUSINESS_PAGE, skip: members.length },
            ctx.signal,
          );
        } finally {
          ctx.gate.release(1);
        }
        pages++;
        for (const c of page.contacts) if (typeof c.id === 'string') members.push(c.id);
        if (
          page.contacts.length < BUSINESS_PAGE ||
          (page.count !== undefined && members.length >= page.count)
        )
          break;
      }
      await ctx.deps.store.transaction(async (trx) => {
        await putBusinessMembers(trx, ctx.runId, businessId, members);
        st.after = businessId;
        st.pages += pages;
        st.businesses++;
        await ctx.save(trx);
      });
      ctx.tell({ phase: 'business', done: st.businesses, total: null });
    }
  }
  st.done = true;
  await ctx.save();
  return true;
}
