import { jsonBody } from '../body.js';
import { readContactInput } from '../contact-input.js';
import {
  createContact,
  deleteContact,
  duplicateAnswer,
  findDuplicate,
  updateContact,
} from '../contacts-service.js';
import type { GhlContext } from '../context.js';
import { badRequest, traceId, unprocessable } from '../errors.js';
import { contactOut, createdContactOut, listItemOut } from '../serialize.js';
import type { ContactRecord } from '../types.js';
import { normalizePhone } from '../validate.js';
import {
  type Handlers,
  checkLocation,
  contactParam,
  isAnswer,
  matchesQuery,
  ok,
  queryNumber,
} from './common.js';

/** Contact CRUD, upsert, the duplicate lookup and the two list endpoints. */
export function contactRoutes(ctx: GhlContext): Handlers {
  return {
    'ghl.contacts.get': (req) => {
      const c = contactParam(ctx, req);
      return isAnswer(c) ? c : ok({ contact: contactOut(c) });
    },

    'ghl.contacts.create': (req) => {
      const parsed = jsonBody(req);
      if ('error' in parsed) return parsed.error;
      const input = readContactInput(parsed.body, 'create', ctx.store);
      if (input.errors.length > 0 || !('patch' in input)) return unprocessable(input.errors);
      const denied = checkLocation(ctx, parsed.body.locationId);
      if (denied) return denied;
      if (!ctx.settings.allowDuplicates) {
        const dup = findDuplicate(ctx, input.patch.email, input.patch.phone);
        if (dup) return duplicateAnswer(dup);
      }
      return ok({ contact: createdContactOut(createContact(ctx, input.patch)) }, 201);
    },

    'ghl.contacts.update': (req) => {
      const c = contactParam(ctx, req);
      if (isAnswer(c)) return c;
      const parsed = jsonBody(req);
      if ('error' in parsed) return parsed.error;
      const input = readContactInput(parsed.body, 'update', ctx.store);
      if (input.errors.length > 0 || !('patch' in input)) return unprocessable(input.errors);
      if (!ctx.settings.allowDuplicates) {
        const email =
          input.patch.email !== undefined && input.patch.email?.toLowerCase() !== c.email?.toLowerCase();
        const phone = input.patch.phone !== undefined && input.patch.phone !== c.phone;
        const dup = findDuplicate(
          ctx,
          email ? input.patch.email : null,
          phone ? input.patch.phone : null,
          c.id,
        );
        if (dup) return duplicateAnswer(dup);
      }
      return ok({ succeded: true, contact: contactOut(updateContact(ctx, c, input.patch)) });
    },

    'ghl.contacts.delete': (req) => {
      const c = contactParam(ctx, req);
      if (isAnswer(c)) return c;
      deleteContact(ctx, c.id);
      return ok({ succeded: true });
    },

    'ghl.contacts.upsert': (req) => {
      const parsed = jsonBody(req);
      if ('error' in parsed) return parsed.error;
      const input = readContactInput(parsed.body, 'upsert', ctx.store);
      if (input.errors.length > 0 || !('patch' in input)) return unprocessable(input.errors);
      const denied = checkLocation(ctx, parsed.body.locationId);
      if (denied) return denied;
      const alwaysCreate = ctx.settings.allowDuplicates && parsed.body.createNewIfDuplicateAllowed === true;
      // Upsert matches on the primary store: no search lag. Email first, then phone; a second
      // contact matching the other field is ignored, as the spec describes.
      const match = alwaysCreate ? null : findDuplicate(ctx, input.patch.email, input.patch.phone);
      if (match) {
        const updated = updateContact(ctx, match.contact, input.patch);
        return ok({ new: false, contact: contactOut(updated), traceId: traceId() });
      }
      return ok({ new: true, contact: contactOut(createContact(ctx, input.patch)), traceId: traceId() });
    },

    'ghl.contacts.duplicate': (req) => {
      // The spec documents 200/400/401 here (no 422): bad parameters are bare 400s.
      const locationId = req.query.get('locationId');
      if (!locationId) return badRequest('locationId should not be empty');
      const denied = checkLocation(ctx, locationId);
      if (denied) return denied;
      const email = req.query.get('email');
      const number = req.query.get('number');
      if (!email && !number) return badRequest('email or number should not be empty');
      // The duplicate lookup reads the search index, so it lags writes like search does.
      const index = ctx.store.search;
      index.catchUp(ctx.now());
      const oldest = (ids: ReadonlySet<string>): ContactRecord | undefined =>
        [...ids]
          .map((id) => index.docs.get(id) as ContactRecord)
          .sort((a, b) => a.dateAdded - b.dateAdded || (a.id < b.id ? -1 : 1))[0];
      let hit = email ? oldest(index.byEmail.get(email.trim().toLowerCase())) : undefined;
      if (!hit && number) hit = oldest(index.byPhone.get(normalizePhone(number) ?? number.trim()));
      return ok({ contact: hit ? contactOut(hit) : null });
    },

    'ghl.contacts.list': (req) => {
      const q = req.query;
      const errors: string[] = [];
      const locationId = q.get('locationId');
      if (!locationId) errors.push('locationId should not be empty', 'locationId must be a string');
      const limit = queryNumber(q, 'limit', { default: 20, min: 1, max: 100 });
      if (Array.isArray(limit)) errors.push(...limit);
      const startAfterRaw = q.get('startAfter');
      const startAfter = startAfterRaw ? Number(startAfterRaw) : undefined;
      if (startAfter !== undefined && !Number.isFinite(startAfter))
        errors.push('startAfter must be a number conforming to the specified constraints');
      if (errors.length > 0 || typeof limit !== 'number') return unprocessable(errors);
      const denied = checkLocation(ctx, locationId);
      if (denied) return denied;
      const startAfterId = q.get('startAfterId') ?? undefined;
      const query = q.get('query') ?? '';
      const store = ctx.store;
      const entries = store.byDateAdded.entries;
      let startKey = startAfter;
      if (startKey === undefined && startAfterId) startKey = store.contacts.get(startAfterId)?.dateAdded;
      // The cursor is a position (dateAdded, id), so it stays valid when that contact is deleted.
      const start =
        startKey === undefined ? 0 : store.byDateAdded.upperBound(startKey, startAfterId ?? '\uffff');
      const matches = (id: string): ContactRecord | undefined => {
        const c = store.contacts.get(id) as ContactRecord;
        return !query || matchesQuery(c, query) ? c : undefined;
      };
      let before = start;
      let total = entries.length;
      if (query) {
        before = 0;
        total = 0;
        for (let i = 0; i < entries.length; i++) {
          if (matches((entries[i] as { id: string }).id)) {
            total++;
            if (i < start) before++;
          }
        }
      }
      const page: ContactRecord[] = [];
      let more = false;
      for (let i = start; i < entries.length; i++) {
        const c = matches((entries[i] as { id: string }).id);
        if (!c) continue;
        if (page.length === limit) {
          more = true;
          break;
        }
        page.push(c);
      }
      const currentPage = Math.floor(before / limit) + 1;
      const last = page[page.length - 1];
      const meta: Record<string, unknown> = {
        total,
        currentPage,
        prevPage: currentPage > 1 ? currentPage - 1 : null,
      };
      if (last) {
        meta.startAfter = last.dateAdded;
        meta.startAfterId = last.id;
      }
      if (more && last) {
        meta.nextPage = currentPage + 1;
        const next = new URLSearchParams({
          locationId: ctx.locationId,
          startAfter: String(last.dateAdded),
          startAfterId: last.id,
        });
        if (q.get('limit')) next.set('limit', String(limit));
        if (query) next.set('query', query);
        meta.nextPageUrl = `${ctx.baseUrl}/contacts/?${next}`;
      }
      return ok({ contacts: page.map(listItemOut), count: total, meta });
    },

    'ghl.contacts.listByBusiness': (req) => {
      const q = req.query;
      const errors: string[] = [];
      const locationId = q.get('locationId');
      if (!locationId) errors.push('locationId should not be empty', 'locationId must be a string');
      const limit = queryNumber(q, 'limit', { default: 25, min: 1, max: 100 });
      const skip = queryNumber(q, 'skip', { default: 0, min: 0 });
      if (Array.isArray(limit)) errors.push(...limit);
      if (Array.isArray(skip)) errors.push(...skip);
      if (errors.length > 0 || typeof limit !== 'number' || typeof skip !== 'number')
        return unprocessable(errors);
      const denied = checkLocation(ctx, locationId);
      if (denied) return denied;
      const query = q.get('query') ?? '';
      // An unknown business id is not an error: it has no contacts.
      const all = [...ctx.store.byBusiness.get(req.params.businessId)]
        .map((id) => ctx.store.contacts.get(id) as ContactRecord)
        .filter((c) => !query || matchesQuery(c, query))
        .sort((a, b) => a.dateAdded - b.dateAdded || (a.id < b.id ? -1 : 1));
      return ok({ contacts: all.slice(skip, skip + limit).map(listItemOut), count: all.length });
    },
  };
}
