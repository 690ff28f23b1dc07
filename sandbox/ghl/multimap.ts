/** key → set of ids, for the email / phone / business lookups. */
export class MultiMap {
  private readonly map = new Map<string, Set<string>>();

  add(key: string | undefined, id: string): void {
    if (!key) return;
    let set = this.map.get(key);
    if (!set) {
      set = new Set();
      this.map.set(key, set);
    }
    set.add(id);
  }

  delete(key: string | undefined, id: string): void {
    if (!key) return;
    const set = this.map.get(key);
    if (!set) return;
    set.delete(id);
    if (set.size === 0) this.map.delete(key);
  }

  get(key: string | undefined): ReadonlySet<string> {
    return (key && this.map.get(key)) || EMPTY;
  }
}

const EMPTY: ReadonlySet<string> = new Set();
