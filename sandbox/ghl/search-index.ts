import { MultiMap } from './multimap.js';
import { type IndexEntry, type SortKey, SortedIndex } from './sorted-index.js';
import type { ContactRecord } from './types.js';

/** Fields `POST /contacts/search` can sort by (each gets a maintained sorted index on first use). */
export const SORT_FIELDS = [
  'dateAdded',
  'dateUpdated',
  'firstNameLowerCase',
  'lastNameLowerCase',
  'email',
] as const;
export type SortField = (typeof SORT_FIELDS)[number];

export function sortKey(rec: ContactRecord, field: SortField): SortKey {
  switch (field) {
    case 'dateAdded':
      return rec.dateAdded;
    case 'dateUpdated':
      return rec.dateUpdated;
    case 'firstNameLowerCase':
      return (rec.firstName ?? '').toLowerCase();
    case 'lastNameLowerCase':
      return (rec.lastName ?? '').toLowerCase();
    case 'email':
      return (rec.email ?? '').toLowerCase();
  }
}

interface Pending {
  visibleAt: number;
  id: string;
  rec: ContactRecord | null;
}

/**
 * The eventually consistent search index: holds the version of each contact it last indexed, and
 * applies writes only once they are `lag` old, as GHL's search lags its primary store. Records are
 * immutable, so an indexed version is just a reference (no copy) until the next write.
 */
export class SearchIndex {
  readonly docs = new Map<string, ContactRecord>();
  readonly byEmail = new MultiMap();
  readonly byPhone = new MultiMap();
  private readonly sorted = new Map<SortField, SortedIndex>();
  private readonly pending: Pending[] = [];
  private pendingHead = 0;
  /** Bumped on every applied change: caches of totals key on it. */
  version = 0;

  /** Bulk load of pre-existing contacts (visible at once). */
  load(records: Iterable<ContactRecord>): void {
    for (const rec of records) {
      this.docs.set(rec.id, rec);
      this.byEmail.add(rec.email?.toLowerCase(), rec.id);
      this.byPhone.add(rec.phone, rec.id);
    }
    for (const [field, idx] of this.sorted) idx.load(this.entries(field));
    this.version++;
  }

  enqueue(id: string, rec: ContactRecord | null, visibleAt: number): void {
    this.pending.push({ visibleAt, id, rec });
  }

  /** Applies every pending write that is visible at `now`. */
  catchUp(now: number): void {
    while (this.pendingHead < this.pending.length) {
      const p = this.pending[this.pendingHead] as Pending;
      if (p.visibleAt > now) break;
      this.apply(p.id, p.rec);
      this.pendingHead++;
    }
    if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
      this.pending.splice(0, this.pendingHead);
      this.pendingHead = 0;
    }
  }

  get pendingCount(): number {
    return this.pending.length - this.pendingHead;
  }

  /** The sorted index for a field, built on first use and maintained afterwards. */
  index(field: SortField): SortedIndex {
    let idx = this.sorted.get(field);
    if (!idx) {
      idx = new SortedIndex();
      idx.load(this.entries(field));
      this.sorted.set(field, idx);
    }
    return idx;
  }

  private entries(field: SortField): IndexEntry[] {
    const out: IndexEntry[] = [];
    for (const rec of this.docs.values()) out.push({ key: sortKey(rec, field), id: rec.id });
    return out;
  }

  private apply(id: string, rec: ContactRecord | null): void {
    const old = this.docs.get(id);
    if (old) {
      for (const [field, idx] of this.sorted) idx.remove(sortKey(old, field), id);
      this.byEmail.delete(old.email?.toLowerCase(), id);
      this.byPhone.delete(old.phone, id);
      this.docs.delete(id);
    }
    if (rec) {
      this.docs.set(id, rec);
      for (const [field, idx] of this.sorted) idx.insert(sortKey(rec, field), id);
      this.byEmail.add(rec.email?.toLowerCase(), id);
      this.byPhone.add(rec.phone, id);
    }
    this.version++;
  }
}
