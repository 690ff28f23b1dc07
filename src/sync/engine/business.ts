/**
 * Business association (config `sync.businesses`, mapping `business.enabled`): a Cin7 customer that
 * is a company ↔ a GHL business of the same name (found, else created, through the Businesses
 * API), its synced contacts associated with it. The location's businesses are listed once per
 * directory (a run, or a service start) and kept by lower-cased name.
 */
import type { GhlClient } from '../../ghl/client.js';
import { normalizeText } from '../mapping/index.js';
import type { RunTally } from './tally.js';

export class BusinessDirectory {
  readonly #ghl: GhlClient;
  #byName: Map<string, string> | null = null;
  #loading: Promise<Map<string, string>> | null = null;
  readonly #creating = new Map<string, Promise<string>>();

  constructor(ghl: GhlClient) {
    this.#ghl = ghl;
  }

  /**
   * The id of the GHL business named `name`, creating it when the location has none.
   *
   * @example
   * const id = await directory.ensure('Acme Pty Ltd', tally);
   */
  async ensure(name: string, tally?: RunTally | null, signal?: AbortSignal): Promise<string> {
    const key = normalizeText(name)?.toLowerCase() ?? '';
    const known = (await this.#load(tally, signal)).get(key);
    if (known) return known;
    let pending = this.#creating.get(key);
    if (!pending) {
      pending = this.#ghl.createBusiness({ name: normalizeText(name) ?? name }, signal).then((b) => {
        if (tally) tally.ghl.business++;
        this.#byName?.set(key, b.id);
        return b.id;
      });
      this.#creating.set(key, pending);
      pending.catch(() => this.#creating.delete(key));
    }
    return pending;
  }

  /** Associates GHL contacts with a business (one call for all of them). */
  async associate(
    businessId: string,
    contactIds: string[],
    tally?: RunTally | null,
    signal?: AbortSignal,
  ): Promise<void> {
    if (contactIds.length === 0) return;
    await this.#ghl.bulkBusiness({ ids: contactIds, businessId }, signal);
    if (tally) tally.ghl.business++;
  }

  async #load(tally: RunTally | null | undefined, signal?: AbortSignal): Promise<Map<string, string>> {
    if (this.#byName) return this.#byName;
    this.#loading ??= (async () => {
      const map = new Map<string, string>();
      for await (const page of this.#ghl.businessPages({ limit: 100 }, signal ? { signal } : {})) {
        if (tally) tally.ghl.business++;
        for (const b of page) {
          const key = normalizeText(b.name)?.toLowerCase();
          if (key && !map.has(key)) map.set(key, b.id);
        }
      }
      this.#byName = map;
      return map;
    })();
    try {
      return await this.#loading;
    } catch (e) {
      this.#loading = null;
      throw e;
    }
  }
}
