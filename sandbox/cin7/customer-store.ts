import type { SandboxClock } from './clock.js';
import { formatUtc } from './clock.js';
import { badRequest } from './responses.js';
import { TimeIndex } from './time-index.js';
import type { Cin7Address, Cin7Contact, Cin7Customer } from './types.js';

/** One stored customer: the API-shaped object plus what the indexes need. */
export interface CustomerRecord {
  data: Cin7Customer;
  modifiedMs: number;
  version: number;
}

export interface CustomerFilter {
  id?: string;
  /** Case-insensitive prefix of `Name`. */
  name?: string;
  /** A contact's name starts with it (case-insensitive) or a contact's email equals it. */
  contactFilter?: string;
  /** Inclusive: `LastModifiedOn >= modifiedSince`. */
  modifiedSince?: number;
  includeDeprecated: boolean;
}

export interface CustomerChange {
  record: CustomerRecord;
  /** True when `LastModifiedOn` moved. */
  bumped: boolean;
}

/**
 * Customers in memory, ordered by ID (the order list answers use: not modification time, and
 * unaffected by edits), with a modification-time index and a unique-name index.
 */
export class CustomerStore {
  private readonly byId = new Map<string, CustomerRecord>();
  /** Sorted by `data.ID`. */
  private ordered: CustomerRecord[] = [];
  private readonly names = new Map<string, string>();
  private readonly children = new Map<string, Set<string>>();
  private readonly timeIndex = new TimeIndex<CustomerRecord>((r) => r.version);

  constructor(private readonly clock: SandboxClock) {}

  get size(): number {
    return this.byId.size;
  }

  /** Loads seeded customers at once (sorting once, not per insert). */
  load(customers: { data: Cin7Customer; modifiedMs: number }[]): void {
    const records = customers.map((c) => ({
      data: canonical({ ...c.data, ID: c.data.ID.toLowerCase(), LastModifiedOn: formatUtc(c.modifiedMs) }),
      modifiedMs: c.modifiedMs,
      version: 1,
    }));
    for (const r of records) {
      const key = nameKey(r.data.Name);
      if (this.names.has(key)) throw new Error(`seed produced a duplicate customer name: ${r.data.Name}`);
      this.names.set(key, r.data.ID);
      this.byId.set(r.data.ID, r);
    }
    this.ordered = [...this.byId.values()].sort((a, b) => compareIds(a.data.ID, b.data.ID));
    this.timeIndex.load(records.map((r) => ({ item: r, time: r.modifiedMs })));
  }

  get(id: string): CustomerRecord | undefined {
    return this.byId.get(id.toLowerCase());
  }

  all(): CustomerRecord[] {
    return this.ordered;
  }

  /** Throws Cin7's 400 when `name` belongs to another customer (names are unique, case-insensitively). */
  assertNameFree(name: string, selfId?: string): void {
    const owner = this.names.get(nameKey(name));
    if (owner && owner !== selfId) throw badRequest(`Customer with name '${name.trim()}' already exists.`);
  }

  assertParent(parentId: string | null | undefined, selfId?: string): void {
    if (parentId === null || parentId === undefined) return;
    if (parentId === selfId) throw badRequest('CustomerParentID cannot be the customer itself.');
    if (!this.byId.has(parentId)) throw badRequest(`CustomerParentID ${parentId} not found.`);
  }

  /** Adds a new customer; its `LastModifiedOn` is the sandbox's now. */
  create(
    data: Omit<Cin7Customer, 'LastModifiedOn' | 'ChildCustomers'>,
    parentId: string | null,
  ): CustomerRecord {
    this.assertNameFree(data.Name);
    this.assertParent(parentId);
    const modifiedMs = this.clock.now();
    const full: Cin7Customer = canonical({
      ...data,
      CustomerParentID: parentId,
      CustomerParentName: parentId ? (this.byId.get(parentId)?.data.Name ?? null) : null,
      LastModifiedOn: formatUtc(modifiedMs),
      ChildCustomers: [],
    });
    const record: CustomerRecord = { data: full, modifiedMs, version: 1 };
    this.byId.set(full.ID, record);
    this.names.set(nameKey(full.Name), full.ID);
    this.ordered.splice(this.insertAt(full.ID), 0, record);
    this.timeIndex.add(record, modifiedMs, false);
    this.linkParent(full.ID, null, parentId);
    return record;
  }

  /**
   * Replaces a customer's fields, contacts and addresses. `LastModifiedOn` moves when a top-level
   * field changed, or when only contacts/addresses changed and `bumpNested` is on (the
   * `bumpOnContactEdit` knob), or on a save that changed nothing (Cin7 still saves the record).
   */
  update(
    id: string,
    next: {
      fields: Partial<Cin7Customer>;
      contacts?: Cin7Contact[];
      addresses?: Cin7Address[];
      parentId?: string | null;
    },
    bumpNested: boolean,
  ): CustomerChange {
    const record = this.byId.get(id);
    if (!record) throw badRequest(`Customer with ID ${id} not found.`);
    const before = record.data;
    if (next.fields.Name !== undefined) this.assertNameFree(next.fields.Name, id);
    if (next.parentId !== undefined) this.assertParent(next.parentId, id);
    const parentId = next.parentId === undefined ? before.CustomerParentID : next.parentId;
    const after: Cin7Customer = canonical({
      ...before,
      ...next.fields,
      ID: before.ID,
      CustomerParentID: parentId,
      CustomerParentName: parentId ? (this.byId.get(parentId)?.data.Name ?? null) : null,
      LastModifiedOn: before.LastModifiedOn,
      ChildCustomers: before.ChildCustomers,
      Contacts: next.contacts ?? before.Contacts,
      Addresses: next.addresses ?? before.Addresses,
    });
    const topChanged = topLevelKey(before) !== topLevelKey(after);
    const nestedChanged =
      JSON.stringify([before.Contacts, before.Addresses]) !==
      JSON.stringify([after.Contacts, after.Addresses]);
    const bump = topChanged || (nestedChanged && bumpNested) || (!topChanged && !nestedChanged);
    if (nameKey(before.Name) !== nameKey(after.Name)) {
      this.names.delete(nameKey(before.Name));
      this.names.set(nameKey(after.Name), id);
    }
    if (before.Name !== after.Name) this.renameInChildren(id, after.Name);
    this.linkParent(id, before.CustomerParentID, parentId);
    record.data = after;
    if (bump) {
      const modifiedMs = Math.max(this.clock.now(), record.modifiedMs);
      record.modifiedMs = modifiedMs;
      after.LastModifiedOn = formatUtc(modifiedMs);
      record.version++;
      this.timeIndex.add(record, modifiedMs, true);
    }
    return { record, bumped: bump };
  }

  /**
   * One page of matching customers in ID order, with the count of all matches. A `ModifiedSince`
   * that selects few records is answered from the time index (O(log N + k log k)); a wide one scans
   * the ID-ordered list once (O(N), keeping only the page), never sorting everything.
   */
  query(
    f: CustomerFilter,
    page: { offset: number; limit: number },
  ): { total: number; items: CustomerRecord[] } {
    const end = page.offset + page.limit;
    if (f.id !== undefined) {
      const r = this.byId.get(f.id);
      const all = r && this.matches(r, f) ? [r] : [];
      return { total: all.length, items: all.slice(page.offset, end) };
    }
    if (
      f.modifiedSince !== undefined &&
      this.timeIndex.countFrom(f.modifiedSince) * 8 < this.ordered.length
    ) {
      const hits: CustomerRecord[] = [];
      for (const r of this.timeIndex.from(f.modifiedSince)) if (this.matches(r, f)) hits.push(r);
      hits.sort((a, b) => compareIds(a.data.ID, b.data.ID));
      return { total: hits.length, items: hits.slice(page.offset, end) };
    }
    const items: CustomerRecord[] = [];
    let total = 0;
    for (const r of this.ordered) {
      if (!this.matches(r, f)) continue;
      if (total >= page.offset && total < end) items.push(r);
      total++;
    }
    return { total, items };
  }

  /** `ChildCustomers` is computed on output from the parent index. */
  childrenOf(id: string): { CustomerID: string; CustomerName: string }[] {
    const set = this.children.get(id);
    if (!set || set.size === 0) return [];
    return [...set].map((c) => ({ CustomerID: c, CustomerName: this.byId.get(c)?.data.Name ?? '' }));
  }

  private matches(r: CustomerRecord, f: CustomerFilter): boolean {
    const c = r.data;
    if (!f.includeDeprecated && c.Status !== 'Active') return false;
    if (f.modifiedSince !== undefined && r.modifiedMs < f.modifiedSince) return false;
    if (f.name !== undefined && !c.Name.toLowerCase().startsWith(f.name.toLowerCase())) return false;
    if (f.contactFilter !== undefined) {
      const v = f.contactFilter.toLowerCase();
      if (!c.Contacts.some((k) => k.Name.toLowerCase().startsWith(v) || (k.Email ?? '').toLowerCase() === v))
        return false;
    }
    return true;
  }

  private insertAt(id: string): number {
    let lo = 0;
    let hi = this.ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds((this.ordered[mid] as CustomerRecord).data.ID, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private linkParent(id: string, from: string | null, to: string | null): void {
    if (from === to) return;
    if (from) this.children.get(from)?.delete(id);
    if (to) {
      let set = this.children.get(to);
      if (!set) {
        set = new Set();
        this.children.set(to, set);
      }
      set.add(id);
    }
  }

  private renameInChildren(parentId: string, name: string): void {
    for (const child of this.children.get(parentId) ?? []) {
      const r = this.byId.get(child);
      if (r) r.data = { ...r.data, CustomerParentName: name };
    }
  }
}

export function nameKey(name: string): string {
  return name.trim().toLowerCase();
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function topLevelKey(c: Cin7Customer): string {
  const { Contacts: _c, Addresses: _a, LastModifiedOn: _l, ChildCustomers: _k, ...rest } = c;
  return JSON.stringify(rest);
}

/** The customer's keys in the order of Cin7's `GET /customer` example (newer fields before the arrays). */
const KEY_ORDER: (keyof Cin7Customer)[] = [
  'ID',
  'Name',
  'Currency',
  'PaymentTerm',
  'Discount',
  'TaxRule',
  'Carrier',
  'SalesRepresentative',
  'Location',
  'Comments',
  'AccountReceivable',
  'RevenueAccount',
  'PriceTier',
  'TaxNumber',
  'AdditionalAttribute1',
  'AdditionalAttribute2',
  'AdditionalAttribute3',
  'AdditionalAttribute4',
  'AdditionalAttribute5',
  'AdditionalAttribute6',
  'AdditionalAttribute7',
  'AdditionalAttribute8',
  'AdditionalAttribute9',
  'AdditionalAttribute10',
  'AttributeSet',
  'Tags',
  'Status',
  'CreditLimit',
  'IsOnCreditHold',
  'LastModifiedOn',
  'DisplayName',
  'IsLegalEntity',
  'CustomerParentID',
  'CustomerParentName',
  'IsBillParent',
  'ChildCustomers',
  'Addresses',
  'Contacts',
];

/** Lays a customer out in Cin7's key order, dropping anything that is not a customer field. */
export function canonical(c: Cin7Customer): Cin7Customer {
  const out: Record<string, unknown> = {};
  for (const k of KEY_ORDER) out[k] = c[k];
  return out as unknown as Cin7Customer;
}
