import { derive } from './sale-model.js';
import { TimeIndex } from './time-index.js';
import type { SaleRecord } from './types.js';

interface SaleEntry {
  sale: SaleRecord;
  version: number;
}

export interface SaleFilter {
  search?: string;
  /** Exclusive: created after. */
  createdSince?: number;
  /** Exclusive: changed after. */
  updatedSince?: number;
  /** Inclusive: changed at or before. */
  updatedUntil?: number;
  /** Inclusive: ShipBy on or before, shipment not authorised. */
  shipBy?: number;
  status?: string;
  quoteStatus?: string;
  orderStatus?: string;
  combinedPickStatus?: string;
  combinedPackStatus?: string;
  combinedShippingStatus?: string;
  combinedInvoiceStatus?: string;
  creditNoteStatus?: string;
  externalId?: string;
  orderLocationId?: string;
  readyForShipping?: boolean;
}

/**
 * Sales in memory, listed newest order first (`OrderDate` then `OrderNumber`, descending, as the
 * Blueprint's example lists them), indexed by `Updated` and creation time.
 */
export class SaleStore {
  private readonly byId = new Map<string, SaleEntry>();
  private ordered: SaleEntry[] = [];
  private readonly updated = new TimeIndex<SaleEntry>((e) => e.version);
  private readonly created = new TimeIndex<SaleEntry>(() => 0);
  private counter = 0;
  private invoiceCounter = 0;
  private creditCounter = 0;

  get size(): number {
    return this.byId.size;
  }

  load(sales: SaleRecord[]): void {
    const entries = sales.map((sale) => ({ sale, version: 1 }));
    for (const e of entries) this.byId.set(e.sale.id, e);
    this.ordered = [...entries].sort((a, b) => compareListOrder(a.sale, b.sale));
    this.updated.load(entries.map((e) => ({ item: e, time: e.sale.updatedMs })));
    this.created.load(entries.map((e) => ({ item: e, time: e.sale.createdMs })));
    this.counter = sales.length;
    this.invoiceCounter = sales.filter((s) => s.invoiceNumber).length;
    this.creditCounter = sales.filter((s) => s.creditNoteNumber).length;
  }

  nextOrderNumber(): string {
    this.counter++;
    return `SO-${String(this.counter).padStart(5, '0')}`;
  }

  nextInvoiceNumber(): string {
    this.invoiceCounter++;
    return `INV-${String(this.invoiceCounter).padStart(5, '0')}`;
  }

  nextCreditNoteNumber(): string {
    this.creditCounter++;
    return `CR-${String(this.creditCounter).padStart(5, '0')}`;
  }

  get(id: string): SaleRecord | undefined {
    return this.byId.get(id.toLowerCase())?.sale;
  }

  add(sale: SaleRecord): void {
    const entry = { sale, version: 1 };
    this.byId.set(sale.id, entry);
    let lo = 0;
    let hi = this.ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareListOrder((this.ordered[mid] as SaleEntry).sale, sale) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.ordered.splice(lo, 0, entry);
    this.updated.add(entry, sale.updatedMs, false);
    this.created.add(entry, sale.createdMs, false);
  }

  /** Records that `sale` changed (the caller already moved `updatedMs`). */
  touched(sale: SaleRecord): void {
    const entry = this.byId.get(sale.id);
    if (!entry) return;
    entry.version++;
    this.updated.add(entry, sale.updatedMs, true);
  }

  query(f: SaleFilter, customerName: (id: string) => string): SaleRecord[] {
    const n = this.ordered.length;
    let candidates: Iterable<SaleEntry> = this.ordered;
    let needsSort = false;
    if (f.updatedSince !== undefined && this.updated.countFrom(f.updatedSince + 1) * 8 < n) {
      candidates = this.updated.from(f.updatedSince + 1);
      needsSort = true;
    } else if (f.createdSince !== undefined && this.created.countFrom(f.createdSince + 1) * 8 < n) {
      candidates = this.created.from(f.createdSince + 1);
      needsSort = true;
    }
    const out: SaleEntry[] = [];
    for (const e of candidates) if (matches(e.sale, f, customerName)) out.push(e);
    if (needsSort) out.sort((a, b) => compareListOrder(a.sale, b.sale));
    return out.map((e) => e.sale);
  }

  all(): SaleRecord[] {
    return this.ordered.map((e) => e.sale);
  }
}

function eq(a: string | null | undefined, b: string | undefined): boolean {
  return b === undefined || (a ?? '').toLowerCase() === b.toLowerCase();
}

function matches(s: SaleRecord, f: SaleFilter, customerName: (id: string) => string): boolean {
  if (f.createdSince !== undefined && !(s.createdMs > f.createdSince)) return false;
  if (f.updatedSince !== undefined && !(s.updatedMs > f.updatedSince)) return false;
  if (f.updatedUntil !== undefined && !(s.updatedMs <= f.updatedUntil)) return false;
  if (!eq(s.status, f.status)) return false;
  if (!eq(s.externalId, f.externalId)) return false;
  if (!eq(s.locationId, f.orderLocationId)) return false;
  if (
    f.quoteStatus !== undefined ||
    f.orderStatus !== undefined ||
    f.combinedPickStatus !== undefined ||
    f.combinedPackStatus !== undefined ||
    f.combinedShippingStatus !== undefined ||
    f.combinedInvoiceStatus !== undefined ||
    f.creditNoteStatus !== undefined ||
    f.shipBy !== undefined ||
    f.readyForShipping !== undefined
  ) {
    const d = derive(s);
    if (!eq(d.QuoteStatus, f.quoteStatus)) return false;
    if (!eq(d.OrderStatus, f.orderStatus)) return false;
    if (!eq(d.CombinedPickingStatus, f.combinedPickStatus)) return false;
    if (!eq(d.CombinedPackingStatus, f.combinedPackStatus)) return false;
    if (!eq(d.CombinedShippingStatus, f.combinedShippingStatus)) return false;
    if (!eq(d.CombinedInvoiceStatus, f.combinedInvoiceStatus)) return false;
    if (!eq(d.CreditNoteStatus, f.creditNoteStatus)) return false;
    if (
      f.shipBy !== undefined &&
      (s.shipByMs === null || s.shipByMs > f.shipBy || d.CombinedShippingStatus === 'SHIPPED')
    )
      return false;
    if (f.readyForShipping !== undefined) {
      const ready = d.CombinedPackingStatus === 'PACKED' && d.CombinedShippingStatus !== 'SHIPPED';
      if (ready !== f.readyForShipping) return false;
    }
  }
  if (f.search !== undefined) {
    const q = f.search.toLowerCase();
    const fields = [
      s.orderNumber,
      s.status,
      customerName(s.customerId),
      s.invoiceNumber,
      s.customerReference,
      s.creditNoteNumber,
    ];
    if (!fields.some((v) => v?.toLowerCase().includes(q))) return false;
  }
  return true;
}

function compareListOrder(a: SaleRecord, b: SaleRecord): number {
  if (a.orderDateMs !== b.orderDateMs) return b.orderDateMs - a.orderDateMs;
  return a.orderNumber < b.orderNumber ? 1 : a.orderNumber > b.orderNumber ? -1 : 0;
}
