/**
 * GHL webhook events once verified: the typed payload for the inbox processor, and the handling of
 * `AppUninstall` (the connection is marked `uninstalled`, its tokens deleted, its work stopped).
 */
import { sql } from 'kysely';
import { InputError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { recordEvent } from '../store/events.js';
import type { Store } from '../store/open.js';
import { ghlConnectionId, oauthSecretName } from './connections.js';
import { GHL_WEBHOOK_EVENTS, type GhlWebhookEventName } from './triggers.js';

/** A GHL webhook payload: flat, `type` names the event (`INSTALL`/`UNINSTALL` for the app events). */
export interface GhlWebhookPayload extends Record<string, unknown> {
  type: string;
  locationId?: string;
  companyId?: string;
  appId?: string;
  /** The record's id (contact, note or task). */
  id?: string;
  contactId?: string;
  webhookId?: string;
  timestamp?: string;
}

export interface GhlWebhookEvent {
  /** The catalog event name (`ContactCreate` … `AppUninstall`), or null for a type we do not know. */
  name: GhlWebhookEventName | null;
  payload: GhlWebhookPayload;
}

const APP_TYPES: Record<string, GhlWebhookEventName> = { INSTALL: 'AppInstall', UNINSTALL: 'AppUninstall' };
const KNOWN = new Set<string>(GHL_WEBHOOK_EVENTS);

/**
 * Reads a stored GHL webhook body (the inbox's raw bytes) as a typed event.
 *
 * @example
 * const { name, payload } = parseGhlWebhook(row.body);
 * if (name === 'AppUninstall') await handleGhlAppUninstall(store, payload, logger);
 */
export function parseGhlWebhook(body: Uint8Array | string): GhlWebhookEvent {
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError(
      'GHL webhook',
      'the body is not JSON',
      'only verified GHL webhook bodies belong here',
    );
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    typeof (value as { type?: unknown }).type !== 'string'
  ) {
    throw new InputError(
      'GHL webhook',
      'the body has no "type"',
      'only verified GHL webhook bodies belong here',
    );
  }
  const payload = value as GhlWebhookPayload;
  const name =
    APP_TYPES[payload.type] ?? (KNOWN.has(payload.type) ? (payload.type as GhlWebhookEventName) : null);
  return { name, payload };
}

/**
 * `AppUninstall`: every OAuth connection of the location (or, for an agency-level uninstall, of
 * the company) becomes `uninstalled`; its tokens (revoked by GHL anyway) are deleted and an event is
 * recorded, in one transaction. Any later token request for it fails with a clear error. Answers the
 * connection ids it changed; a second delivery changes nothing.
 *
 * @example
 * await handleGhlAppUninstall(store, payload, logger);
 */
export async function handleGhlAppUninstall(
  store: Store,
  payload: GhlWebhookPayload,
  logger: Logger,
): Promise<string[]> {
  const at = typeof payload.timestamp === 'string' ? payload.timestamp : new Date().toISOString();
  const changed = await store.transaction(async (trx) => {
    let q = trx
      .selectFrom('connections')
      .select(['id', 'account_id'])
      .where('api', '=', 'ghl')
      .where('auth_mode', '=', 'oauth')
      .where('status', '!=', 'uninstalled')
      .forUpdate();
    if (payload.locationId) q = q.where('id', '=', ghlConnectionId(payload.locationId));
    else if (payload.companyId) q = q.where(sql<boolean>`details->>'companyId' = ${payload.companyId}`);
    else return [];
    const rows = await q.execute();
    for (const row of rows) {
      await trx
        .updateTable('connections')
        .set({
          status: 'uninstalled',
          refresh_intent_at: null,
          refresh_intent_version: null,
          last_error: `The app was uninstalled (AppUninstall webhook at ${at}).`,
          details: sql`details || ${JSON.stringify({ uninstalledAt: at })}::jsonb`,
          updated_at: sql<Date>`now()`,
        })
        .where('id', '=', row.id)
        .execute();
      await store.vault.delete(oauthSecretName(row.id), trx);
      await recordEvent(trx, {
        kind: 'connection.uninstalled',
        severity: 'warning',
        subject: row.id,
        message: `The GHL app was uninstalled from location ${row.account_id}: its tokens were deleted and its sync work stops until it is installed and connected again.`,
        details: { api: 'ghl', connectionId: row.id, locationId: row.account_id, at },
        ...(payload.webhookId ? { dedupeKey: `connection.uninstalled:${payload.webhookId}:${row.id}` } : {}),
      });
    }
    return rows.map((r) => r.id);
  });
  if (changed.length > 0) logger.warn({ connections: changed }, 'GHL app uninstalled: connection(s) stopped');
  return changed;
}
