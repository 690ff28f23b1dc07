import { Rng } from '../shared/rng.js';
import { type SandboxClock, tenantDay } from './clock.js';
import {
  type Json,
  readAddressPatch,
  readContactPatch,
  readCustomerWrite,
  readNewContact,
} from './customer-input.js';
import { type CustomerRecord, CustomerStore } from './customer-store.js';
import type { Cin7Knobs } from './options.js';
import { CURRENCY_RATES, LOCATIONS, TENANT, taxPercent } from './reference.js';
import { badRequest } from './responses.js';
import { isInvoiced, paidAmount, round2, totals } from './sale-model.js';
import { SaleStore } from './sale-store.js';
import { PRODUCTS } from './seed-data.js';
import type { SeedResult } from './seed.js';
import { SALE_STATUSES, type Cin7Customer, type SaleRecord, type SaleStatus } from './types.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { customerDetails, salePayload } from './webhook-payloads.js';
import { WebhookRegistry } from './webhook-registry.js';
import { RETRY_MINUTES } from './webhook-types.js';

const DAY = 86_400_000;

/** Which webhook a sale reaching a status sends. */
const STATUS_EVENTS: Partial<Record<SaleStatus, string>> = {
  ESTIMATED: 'Sale/QuoteAuthorised',
  ORDERED: 'Sale/OrderAuthorised',
  BACKORDERED: 'Sale/Backordered',
  PICKED: 'Sale/PickAuthorised',
  PACKED: 'Sale/PackAuthorised',
  SHIPPING: 'Sale/ShipmentAuthorised',
  INVOICED: 'Sale/InvoiceAuthorised',
  CREDITED: 'Sale/CreditNoteAuthorised',
  VOIDED: 'Sale/Voided',
};

const STATUS_ORDER: SaleStatus[] = SALE_STATUSES.filter((s) => s !== 'VOIDED');

export interface SaleInput {
  CustomerID: string;
  Status?: string;
  /** Lines as `{ SKU, Quantity, Price? }`; default one random product line. */
  Lines?: { SKU?: string; Quantity?: number; Price?: number }[];
  CustomerReference?: string;
  ExternalID?: string | null;
}

export interface SaleUpdate {
  Status?: string;
  CustomerReference?: string;
  ExternalID?: string | null;
}

/**
 * The emulated Cin7 tenant: customers, sales, webhooks and what changes them, both through the API
 * and "as a Cin7 user" (control actions). Routes and control call into it; it knows nothing of HTTP.
 */
export class Cin7Tenant {
  readonly customers: CustomerStore;
  readonly sales = new SaleStore();
  readonly webhooks: WebhookRegistry;
  readonly dispatcher: WebhookDispatcher;
  /** IDs of runtime-created things: a separate stream so faults and seeding never shift it. */
  private readonly idRng: Rng;

  constructor(
    readonly clock: SandboxClock,
    readonly knobs: Cin7Knobs,
    readonly accountId: string,
    seed: number,
    seeded: SeedResult,
    webhookTimeoutMs: number,
    log: (line: string) => void,
  ) {
    this.idRng = new Rng((seed ^ 0x5bd1e995) >>> 0);
    this.customers = new CustomerStore(clock);
    this.customers.load(seeded.customers);
    this.sales.load(seeded.sales);
    this.webhooks = new WebhookRegistry(() => this.newId());
    this.dispatcher = new WebhookDispatcher({
      registry: this.webhooks,
      firstDelayMs: () => this.knobs.webhookDelayMs / this.knobs.timeScale,
      retryDelaysMs: () => RETRY_MINUTES.map((m) => (m * 60_000) / this.knobs.timeScale),
      timeoutMs: webhookTimeoutMs,
      customerBatchMax: () => this.knobs.customerBatchMax,
      allowNonLoopback: () => this.knobs.allowNonLoopbackWebhooks,
      log,
    });
  }

  newId(): string {
    return this.idRng.guid();
  }

  // ---- customers --------------------------------------------------------------------------

  /** `POST /customer` (and a user creating one): IDs in the body are ignored, as Cin7's example shows. */
  createCustomer(body: Json): CustomerRecord {
    const w = readCustomerWrite(body, undefined, { newId: () => this.newId(), omitted: 'default' });
    this.customers.assertNameFree(w.fields.Name ?? '');
    const data = {
      ...(w.fields as Omit<Cin7Customer, 'LastModifiedOn' | 'ChildCustomers' | 'Contacts' | 'Addresses'>),
      ID: this.newId(),
      DisplayName: w.fields.DisplayName ?? null,
      Contacts: w.contacts ?? [],
      Addresses: w.addresses ?? [],
    } as Omit<Cin7Customer, 'LastModifiedOn' | 'ChildCustomers'>;
    const record = this.customers.create(data, w.parentId ?? null);
    if (this.knobs.customerCreateFiresWebhook) this.customerChanged(record);
    return record;
  }

  /** `PUT /customer`: a full-record update by `ID` (see README for omitted fields). */
  updateCustomer(body: Json): CustomerRecord {
    const id = body.ID;
    if (typeof id !== 'string' || id.trim() === '')
      throw badRequest('Required attribute ID is not provided.');
    const existing = this.customers.get(id.trim());
    if (!existing) throw badRequest(`Customer with ID ${id} not found.`);
    const w = readCustomerWrite(body, existing.data, {
      newId: () => this.newId(),
      omitted: this.knobs.putOmitted,
    });
    const change = this.customers.update(
      existing.data.ID,
      { fields: w.fields, contacts: w.contacts, addresses: w.addresses, parentId: w.parentId },
      this.knobs.bumpOnContactEdit,
    );
    this.customerChanged(change.record);
    return change.record;
  }

  /** A user edits top-level fields in the Cin7 UI: only the given fields change; always bumps. */
  userEditCustomer(id: string, patch: Json): CustomerRecord {
    const existing = this.mustCustomer(id);
    const w = readCustomerWrite({ ...patch, ID: existing.data.ID }, existing.data, {
      newId: () => this.newId(),
      omitted: 'keep',
    });
    const change = this.customers.update(existing.data.ID, { fields: w.fields, parentId: w.parentId }, true);
    this.customerChanged(change.record);
    return change.record;
  }

  /** A user edits one contact only: bumps `LastModifiedOn` only with `bumpOnContactEdit`. */
  userEditContact(customerId: string, contactId: string, patch: Json): CustomerRecord {
    const existing = this.mustCustomer(customerId);
    const i = existing.data.Contacts.findIndex((c) => c.ID === contactId.toLowerCase());
    if (i < 0) throw badRequest(`Contact ${contactId} not found on customer ${customerId}.`);
    const contacts = [...existing.data.Contacts];
    contacts[i] = readContactPatch(patch, contacts[i] as (typeof contacts)[number]);
    return this.nestedEdit(existing, { contacts });
  }

  userAddContact(customerId: string, body: Json): CustomerRecord {
    const existing = this.mustCustomer(customerId);
    return this.nestedEdit(existing, {
      contacts: [...existing.data.Contacts, readNewContact(body, () => this.newId())],
    });
  }

  userEditAddress(customerId: string, addressId: string, patch: Json): CustomerRecord {
    const existing = this.mustCustomer(customerId);
    const i = existing.data.Addresses.findIndex((a) => a.ID === addressId.toLowerCase());
    if (i < 0) throw badRequest(`Address ${addressId} not found on customer ${customerId}.`);
    const addresses = [...existing.data.Addresses];
    addresses[i] = readAddressPatch(patch, addresses[i] as (typeof addresses)[number]);
    return this.nestedEdit(existing, { addresses });
  }

  userDeprecateCustomer(id: string): CustomerRecord {
    return this.userEditCustomer(id, { Status: 'Deprecated' });
  }

  /**
   * `count` random edits by users: mostly a top-level field, a share touching only a contact.
   * Returns what was edited, so a test can check each change is seen.
   */
  randomEdits(count: number, contactOnlyShare = 0.2): { id: string; kind: 'customer' | 'contact' }[] {
    const all = this.customers.all();
    const out: { id: string; kind: 'customer' | 'contact' }[] = [];
    if (all.length === 0) return out;
    for (let n = 0; n < count; n++) {
      const r = all[Math.floor(this.idRng.next() * all.length)] as CustomerRecord;
      const contact = r.data.Contacts[0];
      if (contact && this.idRng.chance(contactOnlyShare)) {
        this.userEditContact(r.data.ID, contact.ID, { JobTitle: `Buyer ${this.idRng.int(1, 9999)}` });
        out.push({ id: r.data.ID, kind: 'contact' });
      } else {
        this.userEditCustomer(r.data.ID, { Comments: `Edited by a user (${this.idRng.int(1, 1_000_000)})` });
        out.push({ id: r.data.ID, kind: 'customer' });
      }
    }
    return out;
  }

  private nestedEdit(
    existing: CustomerRecord,
    next: { contacts?: Cin7Customer['Contacts']; addresses?: Cin7Customer['Addresses'] },
  ): CustomerRecord {
    const change = this.customers.update(
      existing.data.ID,
      { fields: {}, ...next },
      this.knobs.bumpOnContactEdit,
    );
    this.customerChanged(change.record);
    return change.record;
  }

  private mustCustomer(id: string): CustomerRecord {
    const r = this.customers.get(id);
    if (!r) throw badRequest(`Customer with ID ${id} not found.`);
    return r;
  }

  private customerChanged(r: CustomerRecord): void {
    this.dispatcher.emit('Customer/Updated', customerDetails(r.data, r.modifiedMs), r.data.ID);
  }

  // ---- sales ------------------------------------------------------------------------------

  customerName(id: string): string {
    return this.customers.get(id)?.data.Name ?? '';
  }

  /** A user creates a sale (default status DRAFT); sends Sale/Created and the status's own event. */
  userCreateSale(input: SaleInput): SaleRecord {
    const customer = this.mustCustomer(String(input.CustomerID ?? ''));
    const status = parseStatus(input.Status ?? 'DRAFT');
    const c = customer.data;
    const rate = CURRENCY_RATES[c.Currency] ?? 1;
    const lines = (input.Lines && input.Lines.length > 0 ? input.Lines : [{}]).map((l, i) => {
      const p =
        PRODUCTS.find((x) => x.SKU === l.SKU) ??
        PRODUCTS[(this.idRng.int(0, PRODUCTS.length - 1) + i) % PRODUCTS.length];
      if (!p) throw badRequest(`Unknown SKU ${l.SKU}.`);
      return {
        ProductID: p.ProductID,
        SKU: p.SKU,
        Name: p.Name,
        Quantity: l.Quantity ?? 1,
        Price: l.Price ?? round2(p.Price / rate),
      };
    });
    const now = this.clock.now();
    const sale: SaleRecord = {
      id: this.newId(),
      orderNumber: this.sales.nextOrderNumber(),
      customerId: c.ID,
      status: 'DRAFT',
      statusBeforeVoid: null,
      orderDateMs: tenantDay(now, TENANT.TimeZone),
      invoiceDateMs: null,
      shipByMs: null,
      createdMs: now,
      updatedMs: now,
      lines,
      taxRate: taxPercent(c.TaxRule),
      currency: c.Currency,
      currencyRate: rate,
      invoiceNumber: null,
      creditNoteNumber: null,
      creditedAmount: 0,
      payments: [],
      customerReference: input.CustomerReference ?? '',
      externalId: input.ExternalID ?? null,
      locationId: LOCATIONS[0]?.ID ?? '',
      invoiceTaskId: null,
      type: 'Simple Sale',
      sourceChannel: null,
      trackingNumber: '',
    };
    this.sales.add(sale);
    this.emitSale('Sale/Created', sale);
    if (status !== 'DRAFT') this.userUpdateSale(sale.id, { Status: status });
    return sale;
  }

  /** A user moves a sale on (or back: Sale/Undo) or edits its reference fields. */
  userUpdateSale(id: string, patch: SaleUpdate): SaleRecord {
    const sale = this.sales.get(id);
    if (!sale) throw badRequest(`Sale with ID ${id} not found.`);
    if (patch.CustomerReference !== undefined) sale.customerReference = String(patch.CustomerReference);
    if (patch.ExternalID !== undefined) sale.externalId = patch.ExternalID;
    let event: string | undefined;
    if (patch.Status !== undefined) {
      const next = parseStatus(patch.Status);
      const prev = sale.status;
      if (prev === 'VOIDED' && next !== 'VOIDED') throw badRequest('A voided sale cannot change status.');
      if (next === 'VOIDED') {
        if (prev !== 'VOIDED') sale.statusBeforeVoid = prev;
      } else {
        if (isInvoiced(next) && !sale.invoiceNumber) {
          sale.invoiceNumber = this.sales.nextInvoiceNumber();
          sale.invoiceTaskId = this.newId();
          sale.invoiceDateMs = tenantDay(this.clock.now(), TENANT.TimeZone);
        }
        if (next === 'CREDITED' && !sale.creditNoteNumber) {
          sale.creditNoteNumber = this.sales.nextCreditNoteNumber();
          sale.creditedAmount = totals(sale).total;
        }
        if (STATUS_ORDER.indexOf(next) >= STATUS_ORDER.indexOf('ORDERED') && sale.shipByMs === null)
          sale.shipByMs = sale.orderDateMs + 7 * DAY;
      }
      sale.status = next;
      if (next !== prev)
        event =
          next !== 'VOIDED' && prev !== 'VOIDED' && STATUS_ORDER.indexOf(next) < STATUS_ORDER.indexOf(prev)
            ? 'Sale/Undo'
            : STATUS_EVENTS[next];
    }
    this.touchSale(sale);
    if (event) this.emitSale(event, sale);
    return sale;
  }

  userVoidSale(id: string): SaleRecord {
    return this.userUpdateSale(id, { Status: 'VOIDED' });
  }

  /** A user records a payment against the invoice (default: the amount still owed). */
  userAddPayment(id: string, input: { Amount?: number; DatePaid?: string }): SaleRecord {
    const sale = this.sales.get(id);
    if (!sale) throw badRequest(`Sale with ID ${id} not found.`);
    if (!isInvoiced(sale.status) || sale.status === 'VOIDED')
      throw badRequest(`Sale ${sale.orderNumber} has no authorised invoice to pay (status ${sale.status}).`);
    const owed = round2(totals(sale).total - sale.creditedAmount - paidAmount(sale));
    const amount = input.Amount ?? owed;
    if (!(amount > 0)) throw badRequest('Amount must be above 0.');
    const now = this.clock.now();
    const datePaid = input.DatePaid
      ? Date.parse(`${input.DatePaid.slice(0, 10)}T00:00:00Z`)
      : tenantDay(now, TENANT.TimeZone);
    if (Number.isNaN(datePaid)) throw badRequest(`DatePaid '${input.DatePaid}' is not a date (yyyy-MM-dd).`);
    sale.payments.push({ ID: this.newId(), Amount: round2(amount), datePaidMs: datePaid, createdMs: now });
    const full = paidAmount(sale) + 0.005 >= totals(sale).total - sale.creditedAmount;
    if (full && sale.status === 'INVOICED') sale.status = 'COMPLETED';
    this.touchSale(sale);
    const percent = (paidAmount(sale) / Math.max(0.01, totals(sale).total)) * 100;
    this.emitSale(full ? 'Sale/FullPaymentReceived' : 'Sale/PartialPaymentReceived', sale, {
      amountPercent: percent,
      documentDateMs: datePaid,
    });
    return sale;
  }

  private touchSale(sale: SaleRecord): void {
    sale.updatedMs = Math.max(this.clock.now(), sale.updatedMs);
    this.sales.touched(sale);
  }

  private emitSale(
    type: string,
    sale: SaleRecord,
    extra: { amountPercent?: number; documentDateMs?: number } = {},
  ): void {
    const c = this.customers.get(sale.customerId)?.data;
    const contact = c?.Contacts.find((k) => k.Default) ?? c?.Contacts[0];
    this.dispatcher.emit(
      type,
      salePayload(
        type,
        sale,
        {
          customerName: c?.Name ?? '',
          contactName: contact?.Name ?? null,
          contactEmail: contact?.Email ?? null,
          salesRepEmail: null,
        },
        this.accountId,
        extra,
      ),
    );
  }
}

function parseStatus(value: string): SaleStatus {
  const s = SALE_STATUSES.find((x) => x === String(value).toUpperCase());
  if (!s) throw badRequest(`Status '${value}' is not a sale status. Use one of ${SALE_STATUSES.join(', ')}.`);
  return s;
}
