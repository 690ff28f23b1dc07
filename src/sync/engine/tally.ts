/**
 * What a run did, counted as it goes, and the minimum API calls it needed by the formula
 * (issue 5, item 4):
 * - Cin7: 1 (`me`, once per run) + max(1, ⌈customers read / P⌉) + max(1, ⌈sales read / P⌉), P the
 *   page size the server honoured (1,000 asked for);
 * - GHL: ⌈GHL contacts prefetched / 500⌉ + 1 per contact created + 1 per existing contact whose
 *   mapped fields changed (+1 more when its company name changed too: the PUT cannot carry it, the
 *   upsert must) + 1 per tag add and per tag removal call + the read-backs of each existing contact
 *   written (contact, notes, tasks; appointments when enabled) + business calls when enabled.
 * Everything else (retries after faults, duplicate lookups, repeated reads) is overhead.
 */
import type { SkippedContact } from '../mapping/index.js';

export interface GhlWriteCounts {
  creates: number;
  puts: number;
  companyUpserts: number;
  tagAdds: number;
  tagRemoves: number;
  readBacks: number;
  business: number;
}

/** The GHL search page size the prefetch reads. */
export const PREFETCH_PAGE = 500;

export class RunTally {
  customersRead = 0;
  salesRead = 0;
  /** The page size Cin7 honoured (1,000 asked for). */
  cin7PageSize = 1000;
  meCalls = 0;
  /** GHL contacts read by the prefetch (0 on an incremental run). */
  prefetched = 0;
  prefetchUsed = false;
  contactsCreated = 0;
  contactsUpdated = 0;
  unchanged = 0;
  skipped = 0;
  failed = 0;
  deferred = 0;
  readonly ghl: GhlWriteCounts = {
    creates: 0,
    puts: 0,
    companyUpserts: 0,
    tagAdds: 0,
    tagRemoves: 0,
    readBacks: 0,
    business: 0,
  };
  readonly skippedContacts: SkippedContact[] = [];
  /** Customers that were deferred, with why. */
  readonly deferredCustomers: Array<{ customerId: string; reason: string }> = [];

  /** The minimum calls of what was done, per API. */
  minimumCalls(options: { cin7Feeds: boolean }): { ghl: number; cin7: number } {
    const p = Math.max(1, this.cin7PageSize);
    const cin7 = options.cin7Feeds
      ? this.meCalls +
        Math.max(1, Math.ceil(this.customersRead / p)) +
        Math.max(1, Math.ceil(this.salesRead / p))
      : this.meCalls;
    const g = this.ghl;
    const ghl =
      (this.prefetchUsed ? Math.ceil(this.prefetched / PREFETCH_PAGE) : 0) +
      g.creates +
      g.puts +
      g.companyUpserts +
      g.tagAdds +
      g.tagRemoves +
      g.readBacks +
      g.business;
    return { ghl, cin7 };
  }
}
