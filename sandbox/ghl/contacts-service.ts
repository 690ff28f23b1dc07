import type { SandboxResponse } from '../shared/server.js';
import { type ContactPatch, applyPatch, changeEvents } from './contact-input.js';
import type { GhlContext } from './context.js';
import { badRequest } from './errors.js';
import { contactWebhookPayload } from './serialize.js';
import type { ContactRecord } from './types.js';

/**
 * Contact writes shared by the API routes and the control "user" actions: the duplicate rule, the
 * primary store, the lagged search index and the webhooks each write fires.
 */
export interface Duplicate {
  contact: ContactRecord;
  field: 'email' | 'phone';
}

/** The contact a new email / phone would duplicate (email first, then phone), from the primary store. */
export function findDuplicate(
  ctx: GhlContext,
  email: string | null | undefined,
  phone: string | null | undefined,
  exceptId?: string,
): Duplicate | null {
  if (email) {
    const hit = ctx.store.findByEmail(email).find((c) => c.id !== exceptId);
    if (hit) return { contact: hit, field: 'email' };
  }
  if (phone) {
    const hit = ctx.store.findByPhone(phone).find((c) => c.id !== exceptId);
    if (hit) return { contact: hit, field: 'phone' };
  }
  return null;
}

/** GHL's refusal: a 400 naming the existing contact and the field that matched. */
export function duplicateAnswer(dup: Duplicate): SandboxResponse {
  const name = [dup.contact.firstName, dup.contact.lastName].filter((x) => x).join(' ');
  return badRequest('This location does not allow duplicated contacts.', {
    meta: { contactName: name, contactId: dup.contact.id, matchingField: dup.field },
  });
}

export function emptyContact(ctx: GhlContext, id: string, now: number): ContactRecord {
  return {
    id,
    locationId: ctx.locationId,
    type: 'lead',
    dnd: false,
    tags: [],
    customFields: [],
    followers: [],
    dateAdded: now,
    dateUpdated: now,
  };
}

export function createContact(ctx: GhlContext, patch: ContactPatch, emit = true): ContactRecord {
  const now = ctx.now();
  const rec = applyPatch(emptyContact(ctx, ctx.ids.ghlId(), now), patch, now);
  ctx.store.putContact(rec, ctx.visibleAt());
  if (emit) ctx.webhooks.emit(contactWebhookPayload('ContactCreate', rec));
  return rec;
}

export function updateContact(ctx: GhlContext, before: ContactRecord, patch: ContactPatch): ContactRecord {
  const after = applyPatch(before, patch, ctx.now());
  ctx.store.putContact(after, ctx.visibleAt());
  for (const type of changeEvents(before, after)) ctx.webhooks.emit(contactWebhookPayload(type, after));
  return after;
}

export function deleteContact(ctx: GhlContext, id: string): ContactRecord | undefined {
  const old = ctx.store.deleteContact(id, ctx.visibleAt());
  if (old) ctx.webhooks.emit(contactWebhookPayload('ContactDelete', old));
  return old;
}
