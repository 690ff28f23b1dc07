/**
 * Budget awareness: a scheduled reconciliation keeps `reconcile.dailyHeadroom` of GHL's daily budget
 * (`X-RateLimit-Daily-Remaining`, as the HTTP layer's GHL rules last saw it) for live traffic. Work
 * is reserved before it starts, so records applied at once cannot overshoot the headroom together.
 * Cin7 documents no daily cap (only its per-minute limit, which the HTTP layer paces).
 */
import type { DailyBudgetView } from '../../http/daily-budget.js';
import type { HttpClient } from '../../http/client.js';

interface BudgetSource {
  budget(locationId: string): DailyBudgetView | null;
}

function budgetSource(http: HttpClient): BudgetSource | null {
  try {
    const rules = http.rulesFor('ghl') as unknown as Partial<BudgetSource>;
    return typeof rules.budget === 'function' ? (rules as BudgetSource) : null;
  } catch {
    return null;
  }
}

export class BudgetGate {
  readonly enabled: boolean;
  readonly #source: BudgetSource | null;
  readonly #locationId: string;
  readonly #headroom: number;
  #reserved = 0;
  /** What GHL said before this run started is stale (the day may have rolled, the limit changed). */
  readonly #since = Date.now();

  /**
   * @example
   * const gate = new BudgetGate(http, locationId, config.reconcile.dailyHeadroom, trigger === 'schedule');
   * if (!gate.tryReserve(2)) deferItem(); else try { await fix(); } finally { gate.release(2); }
   */
  constructor(http: HttpClient, locationId: string, headroom: number, enabled: boolean) {
    this.enabled = enabled;
    this.#source = enabled ? budgetSource(http) : null;
    this.#locationId = locationId;
    this.#headroom = headroom;
  }

  /**
   * GHL calls this run may still start above the headroom; null when unknown (no answer of this run
   * said yet: the first read goes ahead and tells) or not enforced.
   */
  left(): number | null {
    const view = this.#source?.budget(this.#locationId) ?? null;
    if (!view || Date.parse(view.observedAt) < this.#since) return null;
    return view.remaining - Math.ceil(view.limit * this.#headroom) - this.#reserved;
  }

  /** Reserves `calls`; false when they would eat into the headroom. */
  tryReserve(calls: number): boolean {
    if (calls <= 0) return true;
    const left = this.left();
    if (left !== null && left < calls) return false;
    this.#reserved += calls;
    return true;
  }

  /** Gives back a reservation once its calls have started (the budget counts them from then on). */
  release(calls: number): void {
    if (calls > 0) this.#reserved = Math.max(0, this.#reserved - calls);
  }

  /** The budget as seen now, in words (for deferral reasons). */
  describe(): string {
    const view = this.#source?.budget(this.#locationId) ?? null;
    if (!view) return 'the GHL daily budget is not known yet';
    return `GHL daily budget: ${view.remaining} of ${view.limit} left, ${Math.round(this.#headroom * 100)}% (${Math.ceil(view.limit * this.#headroom)}) kept for live traffic`;
  }
}
