/**
 * GHL events in: the inbox handlers (webhooks, already verified and deduplicated on `webhookId` by
 * the intake) and what the polls find both come here. Nothing of the partial payload is trusted:
 * an event only records which GHL contact to re-read (the contact, its notes, its tasks) and queues
 * the debounced job of its Cin7 customer. Events of contacts that are not linked change nothing in
 * Cin7 (unless creating customers is switched on).
 */
import type { GhlWebhookPayload } from '../../ghl/events.js';
import type { GhlWebhookEventName } from '../../ghl/triggers.js';
import type { InboxEvent, InboxHandlers } from '../inbox/processor.js';
import type { Cause } from '../repo/audit.js';
import { linkByGhlContact } from '../repo/links.js';
import { contactKey, customerKey, ghlInboundJob } from './jobs.js';
import { type InboundEvent, type InboundNeeds, recordInbound } from './repo.js';
import { resolveTaskContact } from './tasks.js';
import type { GhlToCin7Deps } from './types.js';

/** What each GHL event asks to re-read. */
export const EVENT_NEEDS: Partial<Record<GhlWebhookEventName, InboundNeeds>> = {
  ContactCreate: { contact: true },
  ContactUpdate: { contact: true },
  ContactTagUpdate: { contact: true },
  ContactDndUpdate: { contact: true },
  ContactDelete: { contact: true, deleted: true },
  NoteCreate: { notes: true },
  NoteUpdate: { notes: true },
  NoteDelete: { notes: true },
  TaskCreate: { tasks: true },
  TaskComplete: { tasks: true },
  TaskDelete: { tasks: true },
};

/** True when a contact change can matter to Cin7: a field or tag flows GHL → Cin7. */
export function contactFlows(mapping: GhlToCin7Deps['mapping']): boolean {
  return (
    mapping.fields.some((f) => f.direction !== 'cin7_to_ghl') ||
    (mapping.tags.enabled && mapping.tags.direction === 'both')
  );
}

/** True when notes and tasks matter to Cin7 (the profile is written). */
export function profileFlows(mapping: GhlToCin7Deps['mapping']): boolean {
  const p = mapping.profile;
  return p.enabled && (p.summary.field !== null || Object.values(p.values).some((v) => v !== null));
}

/**
 * Records that a GHL contact changed and queues its job (debounced per customer). Answers
 * `ignored` when nothing in Cin7 can follow from it.
 *
 * @example
 * await noteGhlChange(deps, contactId, { notes: true }, 'webhook', { name: 'NoteCreate', at });
 */
export async function noteGhlChange(
  deps: GhlToCin7Deps,
  ghlContactId: string,
  needs: InboundNeeds,
  cause: Cause,
  event: InboundEvent,
): Promise<'queued' | 'ignored'> {
  const { mapping } = deps;
  const wanted: InboundNeeds = {
    contact: needs.contact === true && (contactFlows(mapping) || needs.deleted === true),
    notes: needs.notes === true && profileFlows(mapping),
    tasks: needs.tasks === true && profileFlows(mapping),
    deleted: needs.deleted === true,
  };
  const link = await linkByGhlContact(deps.store.db, deps.locationId, ghlContactId);
  const customerId = link?.state === 'linked' ? link.cin7CustomerId : null;
  const creating =
    customerId === null && mapping.createCustomers.enabled && needs.contact === true && !needs.deleted;
  if (creating) wanted.contact = true;
  if (customerId === null && !creating) return 'ignored';
  if (!wanted.contact && !wanted.notes && !wanted.tasks && !wanted.deleted) return 'ignored';
  const key = customerId ? customerKey(customerId) : contactKey(ghlContactId);
  const debounce = Math.max(0, deps.debounceMs ?? 2000);
  await deps.store.transaction(async (trx) => {
    await recordInbound(
      trx,
      { locationId: deps.locationId, ghlContactId, cin7CustomerId: customerId },
      wanted,
      cause,
      event,
    );
    if (deps.queue) {
      await deps.queue.send(
        ghlInboundJob,
        { key },
        { trx, ...(debounce > 0 ? { startAfterSeconds: debounce / 1000 } : {}) },
      );
    }
  });
  return 'queued';
}

/** The GHL contact a payload is about (`contactId` for notes and tasks, `id` for contacts). */
function contactOf(name: GhlWebhookEventName, p: GhlWebhookPayload): string | null {
  const v = name.startsWith('Contact') ? p.id : p.contactId;
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

/**
 * The inbox handlers of GHL → Cin7, one per contact, note and task event; merge them into the
 * engine's (`startSyncService({ inboxHandlers })`).
 *
 * @example
 * const handlers = { ghl: { ...defaultInboxHandlers().ghl, ...ghlToCin7Handlers(deps) } };
 */
export function ghlToCin7Handlers(deps: GhlToCin7Deps): NonNullable<InboxHandlers['ghl']> {
  const handle = async (name: GhlWebhookEventName, payload: GhlWebhookPayload, event: InboxEvent) => {
    if (payload.locationId && payload.locationId !== deps.locationId) {
      deps.logger.debug({ name, locationId: payload.locationId }, 'GHL event of another location ignored');
      return;
    }
    let contactId = contactOf(name, payload);
    if (!contactId && name === 'TaskCreate' && typeof payload.id === 'string') {
      // GHL's known bug: TaskCreate without contactId. The location's task search knows it.
      contactId = await resolveTaskContact(
        deps,
        payload.id,
        typeof payload.title === 'string' ? payload.title : null,
      );
      if (!contactId) {
        deps.logger.warn(
          { taskId: payload.id },
          'TaskCreate without contactId: the task search does not know the task (deleted since?); the task poll catches it if it comes back',
        );
        return;
      }
    }
    if (!contactId) {
      deps.logger.warn({ name, inboxId: event.inboxId }, 'GHL event without a contact id ignored');
      return;
    }
    const at = typeof payload.timestamp === 'string' ? payload.timestamp : event.receivedAt.toISOString();
    await noteGhlChange(deps, contactId, EVENT_NEEDS[name] ?? {}, 'webhook', {
      name,
      at,
      inboxId: event.inboxId,
    });
  };
  const out: NonNullable<InboxHandlers['ghl']> = {};
  for (const name of Object.keys(EVENT_NEEDS) as GhlWebhookEventName[]) {
    out[name] = (payload, event) => handle(name, payload, event);
  }
  return out;
}
