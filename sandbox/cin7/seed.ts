import { Rng } from '../shared/rng.js';
import { tenantDay, toSqlDatetime } from './clock.js';
import { CURRENCY_RATES, INDUSTRIES, LIFECYCLE_STAGES, LOCATIONS, TENANT, taxPercent } from './reference.js';
import {
  COMPANY_WORDS,
  COUNTRIES,
  type CountryProfile,
  EMAIL_DOMAINS,
  FIRST_NAMES,
  INVALID_EMAILS,
  INVALID_PHONES,
  JOB_TITLES,
  LAST_NAMES,
  PRODUCTS,
  SALES_REPS,
  SOURCE_CHANNELS,
  TAGS,
} from './seed-data.js';
import { round2 } from './sale-model.js';
import type { Cin7Address, Cin7Contact, Cin7Customer, SaleLine, SaleRecord, SaleStatus } from './types.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface SeedOptions {
  seed: number;
  customers: number;
  salesPerCustomer: number;
  /** Seeded times lie before this instant (default: the start of the current UTC day). */
  epochMs: number;
}

export interface SeedResult {
  customers: { data: Cin7Customer; modifiedMs: number }[];
  sales: SaleRecord[];
}

function weighted<T>(rng: Rng, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let x = rng.next() * total;
  for (const [item, w] of items) {
    x -= w;
    if (x < 0) return item;
  }
  return (items[items.length - 1] as readonly [T, number])[0];
}

const SALE_STATUS_WEIGHTS: readonly (readonly [SaleStatus, number])[] = [
  ['COMPLETED', 35],
  ['INVOICED', 14],
  ['ORDERED', 9],
  ['DRAFT', 8],
  ['VOIDED', 8],
  ['CREDITED', 4],
  ['ESTIMATED', 4],
  ['ESTIMATING', 3],
  ['BACKORDERED', 4],
  ['PICKED', 3],
  ['PACKED', 3],
  ['SHIPPING', 2],
  ['ORDERING', 3],
];

const INVOICED_BEFORE_VOID: SaleStatus[] = ['INVOICED', 'COMPLETED', 'ORDERED', 'DRAFT'];

/**
 * Builds the seeded tenant: `customers` customers (1–3 contacts with exactly one `Default`; most
 * with email and phone, some with neither, some with invalid ones; addresses with country names;
 * a mix of price tiers, tags and attribute values; about 5% deprecated; a few sharing a bulk-import
 * timestamp) and `salesPerCustomer` sales each, spread over the two years before `epochMs`.
 * The same options always give the same data.
 *
 * @example
 * const { customers, sales } = seedTenant({ seed: 42, customers: 100, salesPerCustomer: 3, epochMs });
 */
export function seedTenant(o: SeedOptions): SeedResult {
  const rng = new Rng(o.seed);
  const names = new Set<string>();
  const suffixes = new Map<string, number>();
  const importTimes = Array.from({ length: 3 }, () =>
    toSqlDatetime(o.epochMs - rng.int(30, 600) * DAY - rng.int(0, 86_399_999)),
  );
  const customers: { data: Cin7Customer; modifiedMs: number }[] = [];
  const sharedEmails: string[] = [];
  const numbers = new NumberCounter();
  for (let i = 0; i < o.customers; i++) {
    const country = weighted(
      rng,
      COUNTRIES.map((c) => [c, c.weight] as const),
    );
    const c = seedCustomer(rng, i, country, names, suffixes, sharedEmails, numbers);
    const modifiedMs = rng.chance(0.05)
      ? rng.pick(importTimes)
      : toSqlDatetime(o.epochMs - HOUR - Math.floor(rng.next() * 729 * DAY));
    customers.push({ data: c, modifiedMs });
  }
  const sales = o.salesPerCustomer > 0 ? seedSales(rng, customers, o) : [];
  return { customers, sales };
}

/** The next phone number index of each country, so that seeded contacts never share a number. */
class NumberCounter {
  private readonly next = new Map<string, number>();
  nextIndex(country: string): number {
    const n = this.next.get(country) ?? 0;
    this.next.set(country, n + 1);
    return n;
  }
}

/** `base`, or `base 2`, `base 3`… when taken (`next` remembers where each base got to). */
function uniqueName(base: string, names: Set<string>, next: Map<string, number>): string {
  let name = base;
  let k = next.get(base) ?? 2;
  if (names.has(name.toLowerCase())) {
    do name = `${base} ${k++}`;
    while (names.has(name.toLowerCase()));
  }
  next.set(base, k);
  names.add(name.toLowerCase());
  return name;
}

const asciiCache = new Map<string, string>();

/** `José` → `jose`, `O'Brien` → `obrien` (names repeat, so the result is cached). */
function asciiLocal(s: string): string {
  let out = asciiCache.get(s);
  if (out === undefined) {
    out = s
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z]/g, '')
      .toLowerCase();
    asciiCache.set(s, out);
  }
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex8(rng: Rng): string {
  const n = Math.floor(rng.next() * 0x100000000);
  return (
    (HEX[(n >>> 24) & 255] as string) +
    (HEX[(n >>> 16) & 255] as string) +
    (HEX[(n >>> 8) & 255] as string) +
    (HEX[n & 255] as string)
  );
}

/** A lower-case version-4-shaped GUID from four draws (the shared `Rng.guid` makes 32, too slow for 100k records). */
function guid(rng: Rng): string {
  const a = hex8(rng);
  const b = hex8(rng);
  const c = hex8(rng);
  const d = hex8(rng);
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-a${c.slice(1, 4)}-${c.slice(4, 8)}${d}`;
}

function seedCustomer(
  rng: Rng,
  i: number,
  country: CountryProfile,
  names: Set<string>,
  suffixes: Map<string, number>,
  sharedEmails: string[],
  numbers: NumberCounter,
): Cin7Customer {
  const id = guid(rng);
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  const isCompany = rng.chance(0.65);
  const name = uniqueName(
    isCompany
      ? `${last} ${rng.pick(COMPANY_WORDS)} ${rng.pick(country.companySuffixes)}`
      : `${first} ${last}`,
    names,
    suffixes,
  );
  const contactCount = weighted(rng, [
    [1, 55],
    [2, 30],
    [3, 15],
  ] as const);
  const defaultIndex = rng.int(0, contactCount - 1);
  const contacts: Cin7Contact[] = [];
  for (let k = 0; k < contactCount; k++) {
    const cf = k === 0 && !isCompany ? first : rng.pick(FIRST_NAMES);
    const cl = k === 0 && !isCompany ? last : rng.pick(LAST_NAMES);
    const local = `${asciiLocal(cf)}.${asciiLocal(cl)}${i}${k > 0 ? `.${k}` : ''}`;
    const kind = weighted(rng, [
      ['both', 70],
      ['emailOnly', 10],
      ['phoneOnly', 8],
      ['neither', 6],
      ['badEmail', 3],
      ['badPhone', 3],
    ] as const);
    let email: string | null = `${local}@${rng.pick(EMAIL_DOMAINS)}`;
    if (rng.chance(0.1)) email = email.replace(/^./, (ch) => ch.toUpperCase());
    // The draws stay (they keep the rest of the seeded data as it was); the numbers come from the
    // contact's position so that no two seeded contacts share one.
    rng.int(0, 9999);
    const numberIndex = numbers.nextIndex(country.name);
    let phone: string | null = country.phone(numberIndex);
    let mobile: string | null = null;
    if (rng.chance(0.5)) {
      rng.int(0, 9999);
      mobile = country.mobile(numberIndex);
    }
    if (kind === 'emailOnly' || kind === 'neither') {
      phone = null;
      mobile = null;
    }
    if (kind === 'phoneOnly' || kind === 'neither') email = null;
    if (kind === 'badEmail') email = rng.pick(INVALID_EMAILS(local));
    if (kind === 'badPhone') phone = rng.pick(INVALID_PHONES);
    if (email && kind === 'both' && rng.chance(0.01) && sharedEmails.length > 0)
      email = rng.pick(sharedEmails);
    else if (email && kind === 'both' && sharedEmails.length < 50 && rng.chance(0.01))
      sharedEmails.push(email);
    contacts.push({
      ID: guid(rng),
      Name: `${cf} ${cl}`,
      JobTitle: isCompany && rng.chance(0.5) ? rng.pick(JOB_TITLES) : null,
      Phone: phone,
      MobilePhone: mobile,
      Fax: null,
      Email: email,
      Website: isCompany && rng.chance(0.2) ? `https://www.${asciiLocal(last)}${i}.example.com` : null,
      Default: k === defaultIndex,
      Comment: null,
      IncludeInEmail: rng.chance(0.3),
      MarketingConsent: weighted(rng, [
        [1, 50],
        [2, 35],
        [3, 15],
      ] as const),
    });
  }
  const place = rng.pick(country.cities);
  const line1 = `${rng.int(1, 999)} ${rng.pick(country.streets)}`;
  const addresses: Cin7Address[] = [
    {
      ID: guid(rng),
      Line1: line1,
      Line2: rng.chance(0.2) ? `Suite ${rng.int(1, 40)}` : null,
      City: place.city,
      State: place.state,
      Postcode: place.postcode(),
      Country: country.name,
      Type: 'Billing',
      DefaultForType: true,
    },
  ];
  if (rng.chance(0.45)) {
    const other = rng.pick(country.cities);
    addresses.push({
      ID: guid(rng),
      Line1: rng.chance(0.5) ? line1 : `${rng.int(1, 999)} ${rng.pick(country.streets)}`,
      Line2: null,
      City: other.city,
      State: other.state,
      Postcode: other.postcode(),
      Country: country.name,
      Type: rng.chance(0.8) ? 'Shipping' : 'Business',
      DefaultForType: true,
    });
  }
  const hasProfile = rng.chance(0.4);
  const attr = (v: string) => (hasProfile ? v : rng.chance(0.5) ? '' : null);
  const tagCount = weighted(rng, [
    [0, 50],
    [1, 30],
    [2, 15],
    [3, 5],
  ] as const);
  const tags = new Set<string>();
  while (tags.size < tagCount) tags.add(rng.pick(TAGS));
  const currency = country.currency !== 'USD' && rng.chance(0.5) ? country.currency : 'USD';
  return {
    ID: id,
    Name: name,
    Currency: currency,
    PaymentTerm: weighted(rng, [
      ['30 days', 80],
      ['7 days', 12],
      ['20th of next month', 8],
    ] as const),
    Discount: weighted(rng, [
      [0, 85],
      [5, 10],
      [10, 5],
    ] as const),
    TaxRule: country.name === 'United States' && rng.chance(0.25) ? 'Sales Tax' : 'Tax Exempt',
    Carrier: weighted(rng, [
      ['DEFAULT Carrier', 50],
      ['UPS Ground', 20],
      [null, 30],
    ] as const),
    SalesRepresentative: rng.chance(0.4) ? rng.pick(SALES_REPS) : null,
    Location: rng.chance(0.8) ? 'Main Warehouse' : 'West Coast DC',
    Comments: rng.chance(0.2) ? 'Prefers delivery before noon.' : rng.chance(0.5) ? '' : null,
    AccountReceivable: '610',
    RevenueAccount: '200',
    PriceTier: weighted(rng, [
      ['Tier 1', 70],
      ['Wholesale', 15],
      ['Retail', 15],
    ] as const),
    TaxNumber: isCompany && rng.chance(0.5) ? `${rng.int(10, 99)}-${rng.int(1000000, 9999999)}` : '',
    AdditionalAttribute1: attr(rng.pick(LIFECYCLE_STAGES)),
    AdditionalAttribute2: attr(rng.chance(0.5) ? 'True' : 'False'),
    AdditionalAttribute3: attr(rng.pick(SALES_REPS)),
    AdditionalAttribute4: attr(rng.pick(INDUSTRIES)),
    AdditionalAttribute5: attr(''),
    AdditionalAttribute6: attr(''),
    AdditionalAttribute7: attr(''),
    AdditionalAttribute8: attr(''),
    AdditionalAttribute9: attr(''),
    AdditionalAttribute10: attr(''),
    AttributeSet: hasProfile ? 'Customer Profile' : null,
    Tags: tags.size > 0 ? [...tags].join(',') : rng.chance(0.5) ? '' : null,
    Status: rng.chance(0.05) ? 'Deprecated' : 'Active',
    CreditLimit: rng.chance(0.3) ? rng.pick([1000, 5000, 20000]) : 0,
    IsOnCreditHold: rng.chance(0.03),
    LastModifiedOn: '',
    DisplayName: isCompany && rng.chance(0.2) ? name.split(' ').slice(0, 2).join(' ') : null,
    IsLegalEntity: isCompany,
    CustomerParentID: null,
    CustomerParentName: null,
    IsBillParent: false,
    ChildCustomers: [],
    Addresses: addresses,
    Contacts: contacts,
  };
}

function seedSales(rng: Rng, customers: { data: Cin7Customer }[], o: SeedOptions): SaleRecord[] {
  const sales: SaleRecord[] = [];
  for (const { data: c } of customers) {
    for (let k = 0; k < o.salesPerCustomer; k++) {
      const orderDay = tenantDay(o.epochMs - rng.int(1, 729) * DAY, TENANT.TimeZone);
      const createdMs = toSqlDatetime(orderDay + rng.int(13, 23) * HOUR + rng.int(0, HOUR - 1));
      const span = Math.max(0, Math.min(60 * DAY, o.epochMs - 60_000 - createdMs));
      const updatedMs = toSqlDatetime(createdMs + Math.floor(rng.next() * span));
      let status = weighted(rng, SALE_STATUS_WEIGHTS);
      const before = status === 'VOIDED' ? rng.pick(INVOICED_BEFORE_VOID) : null;
      const rate = CURRENCY_RATES[c.Currency] ?? 1;
      const lines: SaleLine[] = Array.from({ length: rng.int(1, 3) }, () => {
        const p = rng.pick(PRODUCTS);
        return {
          ProductID: p.ProductID,
          SKU: p.SKU,
          Name: p.Name,
          Quantity: rng.int(1, 12),
          Price: round2(p.Price / rate),
        };
      });
      const sale: SaleRecord = {
        id: guid(rng),
        orderNumber: '',
        customerId: c.ID,
        status,
        statusBeforeVoid: before,
        orderDateMs: orderDay,
        invoiceDateMs: null,
        shipByMs: null,
        createdMs,
        updatedMs,
        lines,
        taxRate: taxPercent(c.TaxRule),
        currency: c.Currency,
        currencyRate: rate,
        invoiceNumber: null,
        creditNoteNumber: null,
        creditedAmount: 0,
        payments: [],
        customerReference: rng.chance(0.3) ? `PO-${rng.int(1000, 99999)}` : '',
        externalId: rng.chance(0.1) ? `EXT-${rng.int(100000, 999999)}` : null,
        locationId: rng.chance(0.8) ? (LOCATIONS[0]?.ID ?? '') : (LOCATIONS[1]?.ID ?? ''),
        invoiceTaskId: null,
        type: rng.chance(0.85) ? 'Simple Sale' : 'Advanced Sale',
        sourceChannel: rng.chance(0.25) ? rng.pick(SOURCE_CHANNELS) : null,
        trackingNumber: '',
      };
      status = before ?? status;
      if (['ORDERED', 'BACKORDERED', 'PICKING', 'PICKED', 'PACKING', 'PACKED', 'SHIPPING'].includes(status))
        sale.shipByMs = orderDay + 7 * DAY;
      if (['INVOICED', 'CREDITED', 'COMPLETED'].includes(status)) {
        sale.invoiceDateMs = Math.min(orderDay + rng.int(0, 10) * DAY, tenantDay(updatedMs, TENANT.TimeZone));
        sale.invoiceTaskId = guid(rng);
        sale.trackingNumber = rng.chance(0.5) ? `1Z999AA1${rng.int(10000000, 99999999)}` : '';
        const total = round2(lines.reduce((s, l) => s + l.Quantity * l.Price, 0) * (1 + sale.taxRate / 100));
        if (status === 'COMPLETED' || (status === 'INVOICED' && rng.chance(0.3))) {
          const amount = status === 'COMPLETED' ? total : round2(total / 2);
          sale.payments.push({
            ID: guid(rng),
            Amount: amount,
            datePaidMs: sale.invoiceDateMs,
            createdMs: updatedMs,
          });
        }
        if (status === 'CREDITED') sale.creditedAmount = round2(total * rng.pick([0.2, 0.5, 1]));
      }
      sales.push(sale);
    }
  }
  // Numbers follow creation order, as Cin7 assigns them.
  const byCreation = [...sales].sort((a, b) => a.createdMs - b.createdMs);
  let inv = 0;
  let cr = 0;
  byCreation.forEach((s, i) => {
    s.orderNumber = `SO-${String(i + 1).padStart(5, '0')}`;
    if (s.invoiceTaskId) s.invoiceNumber = `INV-${String(++inv).padStart(5, '0')}`;
    if (s.creditedAmount > 0) s.creditNoteNumber = `CR-${String(++cr).padStart(5, '0')}`;
  });
  return sales;
}
