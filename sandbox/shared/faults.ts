import type { Rng } from './rng.js';

/**
 * Fault injection knobs, shared by both emulators. Rates are probabilities per request (0..1).
 * Faults apply only to the vendor API routes, never to the sandbox control routes.
 */
export interface FaultConfig {
  /** Answer with this status without processing the request, e.g. `{ "503": 0.2, "429": 0.05 }`. */
  statusRates?: Record<string, number>;
  /** Added latency in ms: a fixed number or a `[min, max]` range. */
  latencyMs?: number | [number, number];
  /** Destroy the connection without answering, before processing. */
  resetRate?: number;
  /** Process the request, then answer 200 with a truncated JSON body. */
  malformedRate?: number;
  /** Writes only: apply the change, then lose the response (the connection is destroyed). */
  afterWriteRate?: number;
  /** Limit faults to these route names (default: every API route). */
  operations?: string[];
}

export type Fault =
  | { kind: 'status'; status: number }
  | { kind: 'reset' }
  | { kind: 'malformed' }
  | { kind: 'afterWrite' };

/** Draws faults from a seeded generator so a failing run can be replayed. */
export class FaultInjector {
  config: FaultConfig = {};

  constructor(private readonly rng: Rng) {}

  set(config: FaultConfig): void {
    this.config = { ...config };
  }

  latency(routeName: string): number {
    const l = this.applies(routeName) ? this.config.latencyMs : undefined;
    if (l === undefined) return 0;
    if (typeof l === 'number') return l;
    return this.rng.int(l[0], l[1]);
  }

  /** The fault to apply before processing, if any. */
  before(routeName: string): Fault | null {
    if (!this.applies(routeName)) return null;
    if (this.config.resetRate && this.rng.chance(this.config.resetRate)) return { kind: 'reset' };
    for (const [status, rate] of Object.entries(this.config.statusRates ?? {})) {
      if (rate > 0 && this.rng.chance(rate)) return { kind: 'status', status: Number(status) };
    }
    return null;
  }

  /** The fault to apply after processing, if any. */
  after(routeName: string, isWrite: boolean): Fault | null {
    if (!this.applies(routeName)) return null;
    if (isWrite && this.config.afterWriteRate && this.rng.chance(this.config.afterWriteRate)) {
      return { kind: 'afterWrite' };
    }
    if (this.config.malformedRate && this.rng.chance(this.config.malformedRate)) return { kind: 'malformed' };
    return null;
  }

  private applies(routeName: string): boolean {
    const ops = this.config.operations;
    return !ops || ops.length === 0 || ops.includes(routeName);
  }
}
