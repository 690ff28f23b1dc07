/**
 * Slows password guessing: each wrong password from a client doubles that client's delay (from
 * `baseDelayMs` up to `maxDelayMs`); the refusal itself waits that long, and so does the client's
 * next attempt if it comes sooner. Concurrent attempts queue one delay apart, so parallel guessing
 * gains nothing. A client that would wait more than `maxWaitMs` is refused at once (429).
 * Per process, in memory (bounded): a restart forgets, which costs a guesser a restart of ours.
 */

export interface LoginThrottleOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxWaitMs?: number;
  /** Clients remembered at most (oldest forgotten first). */
  maxClients?: number;
  now?: () => number;
}

interface ClientState {
  failures: number;
  delayMs: number;
  nextAt: number;
}

export type ThrottleDecision = { ok: true; waitMs: number } | { ok: false; retryAfterMs: number };

export class LoginThrottle {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxWaitMs: number;
  readonly #maxClients: number;
  readonly #now: () => number;
  readonly #clients = new Map<string, ClientState>();

  constructor(options: LoginThrottleOptions = {}) {
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.maxWaitMs = options.maxWaitMs ?? 60_000;
    this.#maxClients = options.maxClients ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Called before checking a password: how long to wait first, or a refusal. Reserves the slot, so
   * a second concurrent attempt waits one more delay.
   */
  before(client: string): ThrottleDecision {
    const st = this.#clients.get(client);
    if (!st) return { ok: true, waitMs: 0 };
    const now = this.#now();
    const waitMs = Math.max(0, st.nextAt - now);
    if (waitMs > this.maxWaitMs) return { ok: false, retryAfterMs: waitMs };
    st.nextAt = Math.max(now, st.nextAt) + st.delayMs;
    return { ok: true, waitMs };
  }

  /** A wrong password: returns how long to hold the refusal. */
  failure(client: string): number {
    let st = this.#clients.get(client);
    if (!st) {
      if (this.#clients.size >= this.#maxClients) {
        const oldest = this.#clients.keys().next().value;
        if (oldest !== undefined) this.#clients.delete(oldest);
      }
      st = { failures: 0, delayMs: 0, nextAt: 0 };
      this.#clients.set(client, st);
    }
    st.failures += 1;
    st.delayMs = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (st.failures - 1));
    st.nextAt = Math.max(st.nextAt, this.#now() + st.delayMs);
    return st.delayMs;
  }

  /** The right password: the client starts afresh. */
  success(client: string): void {
    this.#clients.delete(client);
  }

  /** Failures recorded for a client (tests, metrics). */
  failures(client: string): number {
    return this.#clients.get(client)?.failures ?? 0;
  }
}
