/**
 * Records ordered by a timestamp (modification time), for `ModifiedSince` / `UpdatedSince` queries
 * in O(log N + k). Changes append a new entry and leave the old one behind as dead (its version no
 * longer matches); the array is compacted when dead entries outnumber live ones.
 *
 * @example
 * const idx = new TimeIndex<Rec>((r) => r.version);
 * idx.add(rec, rec.modifiedMs); for (const r of idx.from(since)) use(r);
 */
export class TimeIndex<T> {
  private times: number[] = [];
  private items: T[] = [];
  private versions: number[] = [];
  private live = 0;

  constructor(private readonly versionOf: (item: T) => number) {}

  /** Bulk load, for seeding: sorts once. */
  load(entries: { item: T; time: number }[]): void {
    const sorted = [...entries].sort((a, b) => a.time - b.time);
    this.times = sorted.map((e) => e.time);
    this.items = sorted.map((e) => e.item);
    this.versions = sorted.map((e) => this.versionOf(e.item));
    this.live = sorted.length;
  }

  /** Records `item` (at its current version) at `time`; the caller bumped the version first if it was indexed. */
  add(item: T, time: number, replacesLive: boolean): void {
    if (replacesLive) this.live--;
    const n = this.times.length;
    if (n === 0 || (this.times[n - 1] as number) <= time) {
      this.times.push(time);
      this.items.push(item);
      this.versions.push(this.versionOf(item));
    } else {
      const at = this.lowerBound(time + 1);
      this.times.splice(at, 0, time);
      this.items.splice(at, 0, item);
      this.versions.splice(at, 0, this.versionOf(item));
    }
    this.live++;
    if (this.times.length > 2 * this.live + 1024) this.compact();
  }

  /** Entries (dead or alive) at or after `time`: an upper bound on the live count. */
  countFrom(time: number): number {
    return this.times.length - this.lowerBound(time);
  }

  /** Live items with time >= `time`, oldest first. */
  *from(time: number): Generator<T> {
    for (let i = this.lowerBound(time); i < this.times.length; i++) {
      const item = this.items[i] as T;
      if (this.versionOf(item) === this.versions[i]) yield item;
    }
  }

  get size(): number {
    return this.live;
  }

  private lowerBound(time: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.times[mid] as number) < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private compact(): void {
    const times: number[] = [];
    const items: T[] = [];
    const versions: number[] = [];
    for (let i = 0; i < this.times.length; i++) {
      const item = this.items[i] as T;
      if (this.versionOf(item) !== this.versions[i]) continue;
      times.push(this.times[i] as number);
      items.push(item);
      versions.push(this.versions[i] as number);
    }
    this.times = times;
    this.items = items;
    this.versions = versions;
    this.live = items.length;
  }
}
