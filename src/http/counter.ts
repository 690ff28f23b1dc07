/**
 * Counts outbound calls per API, operation and result, so commands can report what they cost
 * ("used 312 GHL calls") and metrics can read it. One counter per process is usual; a command
 * takes a snapshot before and after and reports the difference.
 */

/** How an attempt ended: an HTTP status, or what happened instead of one. */
export type CallResult = number | 'network' | 'timeout' | 'aborted';

export interface CallCount {
  api: string;
  operation: string;
  /** `"200"`, `"429"`, `"network"`, `"timeout"`, `"aborted"`. */
  result: string;
  count: number;
}

export interface ApiTotals {
  /** Attempts sent (every retry is a call: it costs vendor budget). */
  calls: number;
  /** Answers that meant "rate limited" (429, and Cin7's 503). */
  rateLimited: number;
  /** Re-sends scheduled after an error or a rate-limit answer. */
  retries: number;
  /** Attempts that ended without a 2xx/3xx answer. */
  failures: number;
}

export interface CallSnapshot {
  /** ISO time of the snapshot. */
  at: string;
  calls: CallCount[];
  totals: Record<string, ApiTotals>;
}

const SEP = '\u0000';

/**
 * @example
 * const before = counter.snapshot();
 * await runSync();
 * const used = CallCounter.diff(before, counter.snapshot()).totals.ghl?.calls ?? 0;
 */
export class CallCounter {
  private readonly calls = new Map<string, number>();
  private readonly totals = new Map<string, ApiTotals>();

  /** One attempt and how it ended. */
  record(api: string, operation: string, result: CallResult): void {
    const key = [api, operation, String(result)].join(SEP);
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
    const t = this.total(api);
    t.calls++;
    if (typeof result !== 'number' || result >= 400) t.failures++;
  }

  recordRateLimited(api: string): void {
    this.total(api).rateLimited++;
  }

  recordRetry(api: string): void {
    this.total(api).retries++;
  }

  snapshot(): CallSnapshot {
    const calls: CallCount[] = [];
    for (const [key, count] of this.calls) {
      const [api, operation, result] = key.split(SEP) as [string, string, string];
      calls.push({ api, operation, result, count });
    }
    calls.sort(compareCounts);
    const totals: Record<string, ApiTotals> = {};
    for (const [api, t] of [...this.totals].sort(([a], [b]) => a.localeCompare(b))) totals[api] = { ...t };
    return { at: new Date().toISOString(), calls, totals };
  }

  /** Forgets everything (tests). */
  reset(): void {
    this.calls.clear();
    this.totals.clear();
  }

  /**
   * What happened between two snapshots of the same counter; rows that did not change are left out.
   *
   * @example
   * CallCounter.diff(before, after).totals.cin7 // { calls: 3, rateLimited: 0, retries: 0, failures: 0 }
   */
  static diff(before: CallSnapshot, after: CallSnapshot): CallSnapshot {
    const old = new Map(before.calls.map((c) => [[c.api, c.operation, c.result].join(SEP), c.count]));
    const calls: CallCount[] = [];
    for (const c of after.calls) {
      const count = c.count - (old.get([c.api, c.operation, c.result].join(SEP)) ?? 0);
      if (count !== 0) calls.push({ ...c, count });
    }
    const totals: Record<string, ApiTotals> = {};
    for (const [api, t] of Object.entries(after.totals)) {
      const b = before.totals[api] ?? { calls: 0, rateLimited: 0, retries: 0, failures: 0 };
      const d = {
        calls: t.calls - b.calls,
        rateLimited: t.rateLimited - b.rateLimited,
        retries: t.retries - b.retries,
        failures: t.failures - b.failures,
      };
      if (d.calls !== 0 || d.rateLimited !== 0 || d.retries !== 0 || d.failures !== 0) totals[api] = d;
    }
    return { at: after.at, calls, totals };
  }

  private total(api: string): ApiTotals {
    let t = this.totals.get(api);
    if (!t) {
      t = { calls: 0, rateLimited: 0, retries: 0, failures: 0 };
      this.totals.set(api, t);
    }
    return t;
  }
}

function compareCounts(a: CallCount, b: CallCount): number {
  return (
    a.api.localeCompare(b.api) || a.operation.localeCompare(b.operation) || a.result.localeCompare(b.result)
  );
}
