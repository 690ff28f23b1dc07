import type { Rng } from '../shared/rng.js';
import type { TokenRegistry } from './auth.js';
import type { GhlStore } from './store.js';
import type { GhlSettings, GhlStats } from './types.js';
import type { WebhookDispatcher } from './webhooks.js';

/** What every route module and service of the GHL sandbox shares. */
export interface GhlContext {
  readonly store: GhlStore;
  readonly settings: GhlSettings;
  /** Divides every time window and delay. */
  readonly scale: number;
  readonly tokens: TokenRegistry;
  readonly webhooks: WebhookDispatcher;
  /** Seeded generator of the ids of records created while running. */
  readonly ids: Rng;
  readonly locationId: string;
  readonly locationName: string;
  readonly companyId: string;
  readonly appId: string;
  readonly userId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly stats: GhlStats;
  /** Set once the server listens. */
  baseUrl: string;
  now(): number;
  /** When a write made now becomes visible to search and the duplicate lookup. */
  visibleAt(): number;
  log(line: string): void;
}
