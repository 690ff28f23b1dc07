/** A sort key: numbers (epoch ms) or lower-case strings; missing values sort first. */
export type SortKey = number | string;

export interface IndexEntry {
  key: SortKey;
  id: string;
}

/** Orders entries by key, then id; numbers before strings (never mixed in one index in practice). */
export function compareEntry(aKey: SortKey, aId: string, bKey: SortKey, bId: string): number {
  if (aKey !== bKey) {
    if (typeof aKey === typeof bKey) return aKey < bKey ? -1 : 1;
    return typeof aKey === 'number' ? -1 : 1;
  }
  if (aId === bId) return 0;
  return aId < bId ? -1 : 1;
}

/**
 * Entries kept sorted by (key, id) in one array, so a page is a binary search plus a slice instead
 * of a sort of every contact. Insert and remove cost one `splice` (a memmove), cheap at 100,000.
 *
 * @example
 * const idx = new SortedIndex(); idx.insert(1700000000000, 'abc'); idx.lowerBound(1700000000000, '');
 */
export class SortedIndex {
  readonly entries: IndexEntry[] = [];

  /** Bulk load (seeding): sorts once. */
  load(entries: IndexEntry[]): void {
    entries.sort((a, b) => compareEntry(a.key, a.id, b.key, b.id));
    this.entries.length = 0;
    for (const e of entries) this.entries.push(e);
  }

  get size(): number {
    return this.entries.length;
  }

  /** First position whose entry is >= (key, id). */
  lowerBound(key: SortKey, id: string): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const e = this.entries[mid] as IndexEntry;
      if (compareEntry(e.key, e.id, key, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First position whose entry is > (key, id). */
  upperBound(key: SortKey, id: string): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const e = this.entries[mid] as IndexEntry;
      if (compareEntry(e.key, e.id, key, id) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(key: SortKey, id: string): void {
    this.entries.splice(this.lowerBound(key, id), 0, { key, id });
  }

  remove(key: SortKey, id: string): boolean {
    const at = this.lowerBound(key, id);
    const e = this.entries[at];
    if (e && e.key === key && e.id === id) {
      this.entries.splice(at, 1);
      return true;
    }
    return false;
  }
}
