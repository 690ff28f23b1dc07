/**
 * The unified customer profile, stored per customer (`customers.profile`): the Cin7 customer with
 * its contacts and addresses, purchase aggregates and rule tags, each linked GHL contact as last
 * read back (with its notes and tasks, appointments and business when enabled), and the last change
 * seen on each side. Built by the engine after each sync of the customer; contacts that were not
 * read again keep what the previous profile had.
 */
import type { Cin7Customer } from '../../cin7/schemas.js';
import type { GhlAppointment, GhlNote, GhlTask } from '../../ghl/types.js';
import type { Json } from '../../store/schema.js';
import type { GhlContactLike, SkippedContact } from '../mapping/index.js';
import type { PurchaseAggregates } from '../rules/index.js';

/** One Cin7 contact's side of GHL in the profile. */
export interface ProfileContact {
  cin7ContactId: string;
  contactName: string;
  ghlContactId: string | null;
  linkState: string;
  /** The GHL contact as last read (read-back, upsert answer, or search hit when it was matched). */
  ghl: GhlContactLike | null;
  /** Null when not read yet (a contact matched without a write; a contact just created has none). */
  notes: GhlNote[] | null;
  tasks: GhlTask[] | null;
  appointments?: GhlAppointment[] | null;
  businessId?: string | null;
  /** ISO time the GHL side was read. */
  readAt: string | null;
  /** Why some of its values are not in GHL (e.g. a phone held by another contact). */
  warnings: string[];
}

export interface CustomerProfile {
  cin7CustomerId: string;
  name: string;
  /** The Cin7 customer as last read from the feed: contacts and addresses included. */
  cin7: Cin7Customer;
  aggregates: PurchaseAggregates | null;
  ruleTags: string[];
  ruleReasons: Array<{ tag: string; rule: string; why: string }>;
  contacts: ProfileContact[];
  business: { id: string; name: string } | null;
  skipped: SkippedContact[];
  lastChange: { cin7: string | null; ghl: string | null };
  updatedAt: string;
}

/**
 * A new profile from the customer and the contacts read in this sync; contacts not read keep the
 * previous profile's GHL data.
 *
 * @example
 * const profile = buildProfile({ customer, aggregates, ruleTags, ruleReasons, contacts, previous, skipped, business: null, cin7ChangedAt });
 */
export function buildProfile(input: {
  customer: Cin7Customer;
  aggregates: PurchaseAggregates | null;
  ruleTags: string[];
  ruleReasons: Array<{ tag: string; rule: string; why: string }>;
  contacts: ProfileContact[];
  previous: Json | null;
  skipped: SkippedContact[];
  business: { id: string; name: string } | null;
  cin7ChangedAt: Date | null;
  now: Date;
}): CustomerProfile {
  const prev = readProfile(input.previous);
  const prevContacts = new Map((prev?.contacts ?? []).map((c) => [c.cin7ContactId, c]));
  const contacts = input.contacts.map((c) => {
    const old = prevContacts.get(c.cin7ContactId);
    if (!old || old.ghlContactId !== c.ghlContactId) return c;
    return {
      ...c,
      ghl: c.ghl ?? old.ghl,
      notes: c.notes ?? old.notes,
      tasks: c.tasks ?? old.tasks,
      ...(c.appointments !== undefined || old.appointments !== undefined
        ? { appointments: c.appointments ?? old.appointments ?? null }
        : {}),
      readAt: c.readAt ?? old.readAt,
    };
  });
  const ghlTimes = contacts
    .map((c) => (typeof c.ghl?.dateUpdated === 'string' ? Date.parse(c.ghl.dateUpdated) : Number.NaN))
    .filter((t) => !Number.isNaN(t));
  return {
    cin7CustomerId: input.customer.ID,
    name: input.customer.Name,
    cin7: input.customer,
    aggregates: input.aggregates,
    ruleTags: input.ruleTags,
    ruleReasons: input.ruleReasons,
    contacts,
    business: input.business ?? prev?.business ?? null,
    skipped: input.skipped,
    lastChange: {
      cin7: input.cin7ChangedAt?.toISOString() ?? input.customer.LastModifiedOn ?? null,
      ghl:
        ghlTimes.length > 0 ? new Date(Math.max(...ghlTimes)).toISOString() : (prev?.lastChange.ghl ?? null),
    },
    updatedAt: input.now.toISOString(),
  };
}

/** A stored profile, or null when there is none (or it is not one). */
export function readProfile(value: Json | null | undefined): CustomerProfile | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const v = value as { cin7CustomerId?: unknown; contacts?: unknown };
  if (typeof v.cin7CustomerId !== 'string' || !Array.isArray(v.contacts)) return null;
  return value as unknown as CustomerProfile;
}
