/**
 * What the reconciliation tests share: the deps of a run on the engine's harness, a seeded
 * shuffle, and reading what the sandboxes hold (through their control APIs, not the product).
 */
import type { Harness } from '../engine/harness.js';
import type { ReconcileDeps } from '../../../src/sync/reconcile/types.js';
import type { LinkRecord } from '../../../src/sync/repo/links.js';
import { allLinks } from '../../../src/sync/repo/links.js';

/** The deps of `runReconcile` on a harness (its store, config and clients). */
export function reconcileDeps(h: Harness, over: Partial<ReconcileDeps> = {}): ReconcileDeps {
  return { store: h.t.store, config: h.config, logger: h.logger, ...h.clients, ...over };
}

/** The harness's live linked links. */
export async function linkedLinks(h: Harness): Promise<LinkRecord[]> {
  return (await allLinks(h.t.store.db, h.clients.locationId)).filter(
    (l) => l.state === 'linked' && l.ghlContactId,
  );
}

/** A small seeded PRNG (mulberry32), so picks are the same on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded shuffle (Fisher–Yates). */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const next = rng(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Write requests the GHL sandbox received, by route (reads excluded). */
export function ghlWrites(h: Harness): Record<string, number> {
  const byRoute = h.sb.ghl.control.stats().byRoute;
  const out: Record<string, number> = {};
  for (const [route, n] of Object.entries(byRoute)) {
    if (/\.(update|upsert|create|delete|add|remove|bulk)$/.test(route) || route.includes('.tags.'))
      out[route] = n;
  }
  return out;
}

/** Customer writes the Cin7 sandbox accepted. */
export function cin7Writes(h: Harness): number {
  const calls = h.sb.cin7.control.calls().byRoute;
  return (calls['cin7.customers.update'] ?? 0) + (calls['cin7.customers.create'] ?? 0);
}

/** A change as the plan lists it, as one comparable string. */
export function changeKey(c: {
  class: string;
  cin7CustomerId: string | null;
  cin7ContactId: string | null;
  ghlContactId: string | null;
  field: string;
  from: unknown;
  to: unknown;
  target: string | null;
}): string {
  return JSON.stringify([
    c.class,
    c.cin7CustomerId,
    c.cin7ContactId,
    c.ghlContactId,
    c.field,
    c.from,
    c.to,
    c.target,
  ]);
}
