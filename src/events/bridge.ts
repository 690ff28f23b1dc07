/**
 * Store events that become product events: a lost authorisation (`auth.lost`) or an app uninstall
 * (`connection.uninstalled`) is `connection.needs_reauth` for subscribers. Idempotent per store
 * event (the product event's dedupe key names it).
 */
import type { Transaction } from 'kysely';
import type { EventRow } from '../store/events.js';
import type { Store } from '../store/open.js';
import type { Database, Json } from '../store/schema.js';
import { emitProductEvent } from './emit.js';
import { tailStoreEvents } from './store-tail.js';

export const BRIDGED_KINDS = ['auth.lost', 'connection.uninstalled'] as const;

function field(details: Json | null, key: string): string | null {
  if (details && typeof details === 'object' && !Array.isArray(details)) {
    const v = details[key];
    return typeof v === 'string' ? v : null;
  }
  return null;
}

async function bridge(trx: Transaction<Database>, events: EventRow[]): Promise<void> {
  for (const e of events) {
    const connectionId = e.subject ?? field(e.details, 'connectionId') ?? 'unknown';
    const api = field(e.details, 'api') === 'cin7' || connectionId.startsWith('cin7:') ? 'cin7' : 'ghl';
    await emitProductEvent(
      trx,
      'connection.needs_reauth',
      {
        connectionId,
        api,
        accountId: field(e.details, 'locationId') ?? field(e.details, 'accountId'),
        reason:
          e.kind === 'connection.uninstalled' ? 'uninstalled' : (field(e.details, 'reason') ?? 'auth_lost'),
        message: e.message,
        at: e.createdAt.toISOString(),
      },
      { dedupeKey: `store-event:${e.id}` },
    );
  }
}

/**
 * One pass of the bridge; returns how many new store events it read.
 *
 * @example
 * await bridgeStoreEvents(store);
 */
export function bridgeStoreEvents(store: Store): Promise<number> {
  return tailStoreEvents(store, { consumer: 'events-bridge', kinds: BRIDGED_KINDS }, bridge);
}
