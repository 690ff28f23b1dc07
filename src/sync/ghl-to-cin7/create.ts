/**
 * Cin7 customers made from new GHL contacts (`createCustomers.enabled` in the mapping; off by
 * default, so a new GHL contact changes nothing in Cin7). A contact is created only when nothing
 * already stands for it: no link claims its email or phone (the engine may be creating it from
 * Cin7 right now — its intent is recorded before its GHL write), and no Cin7 customer has its email.
 *
 * Names stay unique by this rule: the GHL company name, else the contact's full name (else its email,
 * else its phone); when Cin7 has that name, `Name (email)` (or `Name (phone)`), then `Name (email) 2`,
 * `… 3` up to 9. The required fields come from `createCustomers.defaults`, else `/me` (Currency,
 * TaxRule) and the tenant's default payment term. The names tried are recorded before each POST, so
 * a retry after a lost answer finds the customer by name instead of making a second one.
 */
import { parseCin7Date } from '../../cin7/normalize.js';
import type { Cin7Customer } from '../../cin7/schemas.js';
import type { GhlContact } from '../../ghl/types.js';
import { NotFoundError, ValidationError } from '../../http/errors.js';
import type { Json } from '../../store/schema.js';
import {
  type GhlContactValues,
  type MappingConfig,
  cin7TagsFromGhl,
  mapCustomer,
  readGhlContact,
  reverse,
} from '../mapping/index.js';
import { emitRecordFailed, emitRecordSynced } from '../engine/record-events.js';
import { recordAudit } from '../repo/audit.js';
import { customerIdsByEmail } from '../repo/customers.js';
import { uniqueViolation } from '../repo/db-errors.js';
import { identityHolder, insertFoundLink, updateLink } from '../repo/links.js';
import {
  type InboundRow,
  createIntent,
  finishInbound,
  saveCreateIntent,
  storeCreatedCustomer,
} from './repo.js';
import type { GhlToCin7Deps } from './types.js';

/** What happened to a new GHL contact. */
export interface CreateOutcome {
  outcome: 'created' | 'found' | 'skipped';
  cin7CustomerId: string | null;
  name: string | null;
  reason: string | null;
}

/** Cin7 fields never taken from GHL on create (set by the rule, computed, or Cin7's own). */
const NOT_FROM_GHL = new Set([
  'customer.ID',
  'customer.Name',
  'customer.CompanyName',
  'customer.Status',
  'customer.Tags',
  'contact.ID',
]);

const defaultsCache = new WeakMap<object, Promise<Record<string, string>>>();

/**
 * The required fields of a new customer: `createCustomers.defaults`, completed from `/me` (Currency,
 * TaxRule) and the default payment term (read once per process and client).
 *
 * @example
 * const d = await customerDefaults(deps); // { Currency: 'USD', PaymentTerm: '30 days', … }
 */
export async function customerDefaults(
  deps: Pick<GhlToCin7Deps, 'cin7' | 'mapping'>,
): Promise<Record<string, string>> {
  const given = deps.mapping.createCustomers.defaults;
  const need = ['Currency', 'TaxRule', 'PaymentTerm'].filter((k) => !given[k]);
  if (need.length === 0) return { ...given };
  let cached = defaultsCache.get(deps.cin7);
  if (!cached) {
    cached = (async () => {
      const out: Record<string, string> = {};
      const me = await deps.cin7.me();
      if (me.Currency) out.Currency = me.Currency;
      if (me.DefaultSaleTaxRuleName) out.TaxRule = me.DefaultSaleTaxRuleName;
      const terms = await deps.cin7.paymentTerms();
      const term =
        terms.find((t) => t.IsDefault === true && t.IsActive !== false) ??
        terms.find((t) => t.IsActive !== false);
      if (term && typeof term.Name === 'string') out.PaymentTerm = term.Name;
      return out;
    })();
    cached.catch(() => defaultsCache.delete(deps.cin7));
    defaultsCache.set(deps.cin7, cached);
  }
  return { ...(await cached), ...given };
}

/**
 * The names tried for a new customer, in order (the documented rule).
 *
 * @example
 * candidateNames('Acme', 'jo@acme.test'); // ['Acme', 'Acme (jo@acme.test)', 'Acme (jo@acme.test) 2', …]
 */
export function candidateNames(base: string, identity: string | null): string[] {
  const out = [base];
  if (identity) {
    const withId = `${base} (${identity})`;
    out.push(withId);
    for (let n = 2; n <= 9; n++) out.push(`${withId} ${n}`);
  } else for (let n = 2; n <= 10; n++) out.push(`${base} ${n}`);
  return out.map((n) => n.slice(0, 256));
}

/** The new customer's body (without Name): contact, address and fields the mapping reverses. */
export function newCustomerBody(
  values: GhlContactValues,
  mapping: MappingConfig,
  defaults: Record<string, string>,
  contactName: string,
): Record<string, unknown> {
  const top: Record<string, unknown> = {};
  const contact: Record<string, unknown> = { Name: contactName, Default: true };
  const address: Record<string, unknown> = {};
  for (const spec of mapping.fields) {
    const target = spec.from[0];
    if (!target || NOT_FROM_GHL.has(target.path)) continue;
    if (spec.transform === 'firstName' || spec.transform === 'lastName') continue;
    const v = values.fields[spec.name] ?? null;
    if (v === null || v === '') continue;
    // An unknown consent never becomes an opt-in: only DND on is written (opt-out).
    if (spec.transform === 'consentToDnd' && v !== true) continue;
    const value = reverse(spec.transform, v);
    if (value === undefined || value === null || value === '') continue;
    const into = target.scope === 'customer' ? top : target.scope === 'contact' ? contact : address;
    if (!(target.field in into)) into[target.field] = value;
  }
  const body: Record<string, unknown> = { Status: 'Active', ...defaults, ...top, Contacts: [contact] };
  if (address.Line1 && address.Country) {
    const type = mapping.defaults.address === 'first' ? 'Billing' : cap(mapping.defaults.address);
    body.Addresses = [{ ...address, Type: type, DefaultForType: true }];
  }
  const tags = cin7TagsFromGhl(values.tags, mapping);
  if (tags) body.Tags = tags;
  return body;
}

/**
 * Handles the waiting work of a GHL contact no Cin7 customer is linked to: creates (and links) a
 * customer when switched on and nothing stands for the contact yet; otherwise drops the work.
 *
 * @example
 * await createFromContact(deps, row); // { outcome: 'created', cin7CustomerId, name }
 */
export async function createFromContact(
  deps: GhlToCin7Deps,
  row: InboundRow,
  signal?: AbortSignal,
): Promise<CreateOutcome> {
  const db = deps.store.db;
  const id = row.ghlContactId;
  const done = async (o: CreateOutcome, save = true): Promise<CreateOutcome> => {
    await deps.store.transaction(async (trx) => {
      if (save && o.outcome === 'skipped') {
        await saveCreateIntent(trx, deps.locationId, id, {
          state: 'skipped',
          names: [],
          cin7CustomerId: null,
          reason: o.reason,
        });
      }
      await finishInbound(trx, [row]);
    });
    if (o.outcome === 'skipped')
      deps.logger.info({ ghlContactId: id, reason: o.reason }, 'new GHL contact: no Cin7 customer created');
    return o;
  };
  const skip = (reason: string, save = true) =>
    done({ outcome: 'skipped', cin7CustomerId: null, name: null, reason }, save);

  const intent = await createIntent(db, deps.locationId, id);
  if (intent && intent.state !== 'pending') return skip(`already handled (${intent.state})`, false);
  let contact: GhlContact;
  try {
    contact = await deps.ghl.getContact(id, signal);
  } catch (e) {
    if (e instanceof NotFoundError) return skip('the GHL contact no longer exists', false);
    throw e;
  }
  const values = readGhlContact(contact, deps.mapping, { shape: 'contact' });
  const email = text(values.fields.email);
  const phone = text(values.fields.phone);
  if (!email && !phone) return skip('it has neither email nor phone, so it cannot be matched safely later');
  // A lost answer of an earlier attempt: the customer exists under a name tried then.
  for (const n of intent?.names ?? []) {
    const found = await findByName(deps, n, email, phone, signal);
    if (found) {
      await linkCreated(deps, row, found, contact, values, intent?.names ?? [], 'found');
      return { outcome: 'found', cin7CustomerId: found.ID, name: found.Name, reason: null };
    }
  }
  for (const [field, value] of [
    ['email', email],
    ['phone', phone],
  ] as const) {
    if (!value) continue;
    const holder = await identityHolder(db, deps.locationId, field, value);
    if (holder)
      return skip(
        `Cin7 customer ${holder.cin7CustomerId} already syncs with GHL under this ${field}`,
        holder.state !== 'pending',
      );
  }
  if (email) {
    const local = await customerIdsByEmail(db, email);
    if (local.length > 0)
      return skip(`Cin7 customer ${local[0]} already has the email ${email} (the sync links them)`);
    for await (const c of deps.cin7.customers(
      { ContactFilter: email, IncludeDeprecated: true },
      signal ? { signal } : {},
    )) {
      if (c.Contacts.some((x) => x.Email?.trim().toLowerCase() === email)) {
        return skip(`Cin7 customer ${c.ID} already has the email ${email} (the sync links them)`);
      }
    }
  }

  const fullName = [text(values.fields.firstName), text(values.fields.lastName)].filter(Boolean).join(' ');
  const company =
    text(values.fields.companyName) ??
    (typeof contact.companyName === 'string' ? contact.companyName.trim() || null : null);
  const base = company ?? (fullName || email || phone) ?? id;
  const names = candidateNames(base, email ?? phone);
  const defaults = await customerDefaults(deps);
  const body = newCustomerBody(values, deps.mapping, defaults, fullName || base);
  if (company) body.IsLegalEntity = true;

  const tried = [...(intent?.names ?? [])];
  let created: Cin7Customer | null = null;
  {
    const taken = await takenNames(deps, names);
    for (const name of names) {
      if (taken.has(name.trim().toLowerCase())) continue;
      tried.push(name);
      await saveCreateIntent(db, deps.locationId, id, {
        state: 'pending',
        names: tried,
        cin7CustomerId: null,
        reason: null,
      });
      try {
        created = await deps.cin7.createCustomer({ ...body, Name: name }, signal);
        break;
      } catch (e) {
        if (e instanceof ValidationError && e.messages.some((m) => /already exists/i.test(m))) continue;
        if (e instanceof ValidationError) {
          await deps.store.transaction(async (trx) => {
            await saveCreateIntent(trx, deps.locationId, id, {
              state: 'failed',
              names: tried,
              cin7CustomerId: null,
              reason: e.messages.join('; '),
            });
            // No failure row on this side (they are per Cin7 contact): the event reports it.
            await emitRecordFailed(
              trx,
              {
                cin7CustomerId: null,
                cin7ContactId: null,
                ghlContactId: id,
                stage: 'create',
                code: 'cin7_rejected',
                error: `Cin7 refused to create a customer named ${name} for GHL contact ${id}: ${e.messages.join('; ')}. Check the contact and createCustomers.defaults in the mapping.`,
              },
              null,
              deps.now?.() ?? new Date(),
            );
          });
          return done(
            {
              outcome: 'skipped',
              cin7CustomerId: null,
              name,
              reason: `Cin7 refused the new customer: ${e.messages.join('; ')}`,
            },
            false,
          );
        }
        throw e;
      }
    }
  }
  if (!created) return skip(`every name the rule gives is taken in Cin7 (${names[0]} …)`);
  await deps.hooks?.afterCin7Write?.({ kind: 'create', cin7CustomerId: created.ID, ghlContactIds: [id] });
  await linkCreated(deps, row, created, contact, values, tried, 'created');
  return { outcome: 'created', cin7CustomerId: created.ID, name: created.Name, reason: null };
}

/** Records the new customer, links its contact (hashes of what each side holds), audits. */
async function linkCreated(
  deps: GhlToCin7Deps,
  row: InboundRow,
  created: Cin7Customer,
  contact: GhlContact,
  values: GhlContactValues,
  names: string[],
  outcome: 'created' | 'found',
): Promise<void> {
  const id = row.ghlContactId;
  const modified = parseCin7Date(created.LastModifiedOn);
  const c = mapCustomer(created, deps.mapping).contacts[0] ?? null;
  const hashes: Record<string, string> = { ...values.hashes };
  const withheld: Record<string, string> = {};
  if (c) {
    // Where Cin7 holds another value (the name made unique), GHL keeps its own: the link records
    // Cin7's as withheld, so neither side is written until it changes.
    for (const f of Object.keys(c.fields)) {
      const h = c.hashes[f];
      if (h !== undefined && h !== values.hashes[f]) withheld[f] = h;
    }
  }
  const email = text(values.fields.email);
  const phone = text(values.fields.phone);
  await deps.store.transaction(async (trx) => {
    await storeCreatedCustomer(trx, created, modified === null ? null : new Date(modified));
    if (c) {
      try {
        const link = await insertFoundLink(
          trx,
          { locationId: deps.locationId, cin7CustomerId: created.ID, cin7ContactId: c.cin7ContactId },
          {
            ghlContactId: id,
            email,
            phone,
            hashes,
            ghlTags: values.tags,
            ghlChangedAt: contact.dateUpdated ? new Date(contact.dateUpdated) : null,
          },
        );
        if (Object.keys(withheld).length > 0) await updateLink(trx, link.id, { withheld });
      } catch (e) {
        if (uniqueViolation(e) === null) throw e;
        deps.logger.warn(
          { ghlContactId: id, cin7CustomerId: created.ID },
          'created Cin7 customer not linked: its GHL contact or identity was claimed meanwhile',
        );
      }
    }
    const fields = ['Name', 'Contacts', ...(created.Addresses.length > 0 ? ['Addresses'] : [])];
    await recordAudit(trx, {
      direction: 'ghl_to_cin7',
      action: 'create',
      cause: row.cause,
      cin7CustomerId: created.ID,
      cin7ContactId: c?.cin7ContactId ?? null,
      ghlContactId: id,
      fields,
      after: {
        Name: created.Name,
        Contacts: created.Contacts as unknown as Json,
        Addresses: created.Addresses as unknown as Json,
      },
      details: {
        names,
        found: outcome === 'found',
        ...(Object.keys(withheld).length ? { withheld: Object.keys(withheld) } : {}),
      },
    });
    await emitRecordSynced(trx, {
      cin7CustomerId: created.ID,
      cin7ContactId: c?.cin7ContactId ?? null,
      ghlContactId: id,
      locationId: deps.locationId,
      action: 'created',
      fields,
      direction: 'ghl_to_cin7',
      runId: null,
      at: deps.now?.() ?? new Date(),
    });
    await saveCreateIntent(trx, deps.locationId, id, {
      state: 'created',
      names,
      cin7CustomerId: created.ID,
      reason: null,
    });
    await finishInbound(trx, [row]);
  });
}

/**
 * A create whose answer was lost, whose customer the engine linked meanwhile (its email matched):
 * the write is still ours, so it is audited, and the intent closed.
 *
 * @example
 * await adoptLinkedCreate(deps, row, customerId);
 */
export async function adoptLinkedCreate(
  deps: GhlToCin7Deps,
  row: InboundRow,
  customerId: string,
): Promise<void> {
  const db = deps.store.db;
  const intent = await createIntent(db, deps.locationId, row.ghlContactId);
  if (intent?.state !== 'pending') return;
  const customer = await db
    .selectFrom('customers')
    .select('name')
    .where('cin7_customer_id', '=', customerId)
    .executeTakeFirst();
  const ours = intent.names.some(
    (n) => n.trim().toLowerCase() === (customer?.name ?? '').trim().toLowerCase(),
  );
  await deps.store.transaction(async (trx) => {
    if (ours) {
      await recordAudit(trx, {
        direction: 'ghl_to_cin7',
        action: 'create',
        cause: row.cause,
        cin7CustomerId: customerId,
        cin7ContactId: null,
        ghlContactId: row.ghlContactId,
        fields: ['Name', 'Contacts'],
        after: { Name: customer?.name ?? null },
        details: { names: intent.names, found: true, linkedBy: 'sync' },
      });
      await emitRecordSynced(trx, {
        cin7CustomerId: customerId,
        cin7ContactId: null,
        ghlContactId: row.ghlContactId,
        locationId: deps.locationId,
        action: 'created',
        fields: ['Name', 'Contacts'],
        direction: 'ghl_to_cin7',
        runId: null,
        at: deps.now?.() ?? new Date(),
      });
    }
    await saveCreateIntent(trx, deps.locationId, row.ghlContactId, {
      state: ours ? 'created' : 'skipped',
      names: intent.names,
      cin7CustomerId: ours ? customerId : null,
      reason: ours ? null : `linked by the sync to Cin7 customer ${customerId}`,
    });
  });
}

/** Names among `names` that Cin7 customers have, as the store knows them (Cin7 refuses the rest). */
async function takenNames(deps: GhlToCin7Deps, names: string[]): Promise<Set<string>> {
  const rows = await deps.store.db
    .selectFrom('customers')
    .select('name')
    .where(
      (eb) => eb.fn('lower', ['name']),
      'in',
      names.map((n) => n.trim().toLowerCase()),
    )
    .execute();
  return new Set(rows.map((r) => (r.name ?? '').trim().toLowerCase()));
}

/** A customer named exactly `name` whose contact has this email or phone (a lost create's answer). */
async function findByName(
  deps: GhlToCin7Deps,
  name: string,
  email: string | null,
  phone: string | null,
  signal?: AbortSignal,
): Promise<Cin7Customer | null> {
  for await (const c of deps.cin7.customers(
    { Name: name, IncludeDeprecated: true },
    signal ? { signal } : {},
  )) {
    if (c.Name.trim().toLowerCase() !== name.trim().toLowerCase()) continue;
    const mapped = mapCustomer(c, deps.mapping).contacts[0];
    if (mapped && ((email && mapped.identity.email === email) || (phone && mapped.identity.phone === phone)))
      return c;
  }
  return null;
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
