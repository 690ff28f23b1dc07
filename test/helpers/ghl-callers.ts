import type { GhlClient } from '../../src/ghl/client.js';

export interface CallersResult {
  calls: number;
  failures: number;
  /** The first few failure messages. */
  errors: string[];
}

/**
 * `n` callers calling GHL (a one-contact search) back to back for `ms`, each pausing `pauseMs`
 * between calls; counts calls and failures.
 *
 * @example
 * const { calls, failures } = await runCallers(client, 8, 60_000);
 */
export async function runCallers(
  client: GhlClient,
  n: number,
  ms: number,
  pauseMs = 20,
): Promise<CallersResult> {
  const until = Date.now() + ms;
  const result: CallersResult = { calls: 0, failures: 0, errors: [] };
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (Date.now() < until) {
        try {
          await client.searchContacts({ pageLimit: 1 });
          result.calls++;
        } catch (e) {
          result.failures++;
          if (result.errors.length < 10) result.errors.push(e instanceof Error ? e.message : String(e));
        }
        // A pause per caller, so 8 callers do not saturate a 2-core machine shared with other suites.
        await new Promise((r) => setTimeout(r, pauseMs));
      }
    }),
  );
  return result;
}
