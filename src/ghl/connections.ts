/**
 * GHL connections in the store: one `connections` row per location (status, scopes, token expiry,
 * the refresh-intent marker) and its secrets in the vault, written together in one transaction.
 */
import { type Kysely, type Selectable, type Transaction, sql } from 'kysely';
import { AppError, InputError } from '../errors/index.js';
import { recordEvent } from '../store/events.js';
import type { Store } from '../store/open.js';
import type { ConnectionStatus, ConnectionsTable, Database, Json } from '../store/schema.js';

/** The id of a location's connection row (`ghl:<locationId>`). */
export function ghlConnectionId(locationId: string): string {
  return `ghl:${locationId}`;
}

/** Vault name of a connection's OAuth token pair (one secret, so the pair is always consistent). */
export function oauthSecretName(connectionId: string): string {
  return `${connectionId}:oauth-tokens`;
}

/** Vault name of a connection's Private Integration Token. */
export function pitSecretName(connectionId: string): string {
  return `${connectionId}:pit`;
}

/** What `connections.details` holds for a GHL connection (metadata only, never a secret). */
export interface GhlConnectionDetails {
  /** `expires_in` of the last grant, in seconds: the proactive refresh margin is a quarter of it. */
  lifetimeSeconds?: number;
  companyId?: string;
  userId?: string;
  userType?: string;
  /** Scopes asked for at connect (the grant's `scope` is in the `scopes` column). */
  requestedScopes?: string[];
  uninstalledAt?: string;
  needsReauthReason?: 'invalid_grant' | 'refresh_interrupted' | 'revoked';
}

export interface GhlConnection {
  id: string;
  locationId: string;
  status: ConnectionStatus;
  authMode: 'oauth' | 'pit';
  scopes: string[];
  tokenExpiresAt: Date | null;
  tokenRefreshedAt: Date | null;
  tokenVersion: number;
  refreshIntentAt: Date | null;
  refreshIntentVersion: number | null;
  lastError: string | null;
  details: GhlConnectionDetails;
  updatedAt: Date;
}

/** The OAuth pair as stored (one vault secret). */
export interface StoredTokens {
  accessToken: string;
  refreshToken: string;
  /** The `token_version` this pair belongs to. */
  version: number;
}

/** A GHL connection cannot be used: not connected, uninstalled, or needing re-authorisation. */
export class GhlConnectionError extends AppError {
  constructor(
    code: 'ghl_not_connected' | 'ghl_uninstalled' | 'ghl_needs_reauth' | 'ghl_connection_disabled',
    message: string,
    hint: string,
    readonly connectionId: string | null,
  ) {
    super(code, message, { hint, details: connectionId ? { connectionId } : {} });
  }
}

function toConnection(row: Selectable<ConnectionsTable>): GhlConnection {
  const details = (row.details && typeof row.details === 'object' ? row.details : {}) as GhlConnectionDetails;
  return {
    id: row.id,
    locationId: row.account_id,
    status: row.status,
    authMode: row.auth_mode === 'pit' ? 'pit' : 'oauth',
    scopes: Array.isArray(row.scopes) ? row.scopes : [],
    tokenExpiresAt: row.token_expires_at,
    tokenRefreshedAt: row.token_refreshed_at,
    tokenVersion: Number(row.token_version),
    refreshIntentAt: row.refresh_intent_at,
    refreshIntentVersion: row.refresh_intent_version === null ? null : Number(row.refresh_intent_version),
    lastError: row.last_error,
    details,
    updatedAt: row.updated_at,
  };
}

/**
 * A GHL connection by id, or null.
 *
 * @example
 * const c = await getGhlConnection(store.db, ghlConnectionId(locationId));
 */
export async function getGhlConnection(db: Kysely<Database>, id: string): Promise<GhlConnection | null> {
  const row = await db
    .selectFrom('connections')
    .selectAll()
    .where('id', '=', id)
    .where('api', '=', 'ghl')
    .executeTakeFirst();
  return row ? toConnection(row) : null;
}

/** Every GHL connection, oldest first. */
export async function listGhlConnections(db: Kysely<Database>): Promise<GhlConnection[]> {
  const rows = await db
    .selectFrom('connections')
    .selectAll()
    .where('api', '=', 'ghl')
    .orderBy('created_at')
    .execute();
  return rows.map(toConnection);
}

/**
 * The connection to use: the one of `locationId` when given, else the only GHL connection.
 * Throws a `GhlConnectionError` saying how to connect or which location to choose.
 *
 * @example
 * const c = await resolveGhlConnection(store.db, config.ghl.locationId);
 */
export async function resolveGhlConnection(
  db: Kysely<Database>,
  locationId: string | undefined,
): Promise<GhlConnection> {
  if (locationId) {
    const found = await getGhlConnection(db, ghlConnectionId(locationId));
    if (found) return found;
    throw new GhlConnectionError(
      'ghl_not_connected',
      `No GHL connection for location ${locationId} in this environment's store.`,
      'Connect it with `cin7-ghl connect ghl` (OAuth) or `cin7-ghl connect ghl --pit` with GHL_TOKEN set.',
      null,
    );
  }
  const all = await listGhlConnections(db);
  if (all.length === 1) return all[0]!;
  if (all.length === 0) {
    throw new GhlConnectionError(
      'ghl_not_connected',
      "No GHL connection in this environment's store.",
      'Connect one with `cin7-ghl connect ghl` (OAuth) or `cin7-ghl connect ghl --pit` with GHL_TOKEN set, or set GHL_BASE_URL, GHL_TOKEN and GHL_LOCATION_ID.',
      null,
    );
  }
  throw new InputError(
    'ghl.locationId',
    `the store holds ${all.length} GHL connections (${all.map((c) => c.locationId).join(', ')})`,
    'set ghl.locationId (or GHL_LOCATION_ID) to the one to use',
  );
}

/** Throws the clear error for a connection that is not active. */
export function assertUsable(c: GhlConnection): void {
  if (c.status === 'active') return;
  if (c.status === 'uninstalled') {
    throw new GhlConnectionError(
      'ghl_uninstalled',
      `The GHL app was uninstalled from location ${c.locationId}${c.details.uninstalledAt ? ` on ${c.details.uninstalledAt}` : ''} (AppUninstall webhook): its tokens were revoked and its work stopped.`,
      'Install the app again and reconnect with `cin7-ghl connect ghl`.',
      c.id,
    );
  }
  if (c.status === 'needs_reauth') {
    throw new GhlConnectionError(
      'ghl_needs_reauth',
      `The GHL connection for location ${c.locationId} needs re-authorisation: ${c.lastError ?? 'its refresh token was refused'}`,
      'Reconnect with `cin7-ghl connect ghl` (or from the dashboard); no call is made until then.',
      c.id,
    );
  }
  throw new GhlConnectionError(
    'ghl_connection_disabled',
    `The GHL connection for location ${c.locationId} is disabled.`,
    'Enable it again from the dashboard or reconnect with `cin7-ghl connect ghl`.',
    c.id,
  );
}

/** A grant to store: what the token endpoint answered, reduced to what is kept. */
export interface GrantToStore {
  locationId: string;
  accessToken: string;
  refreshToken: string;
  scopes: string[];
  expiresAt: Date;
  lifetimeSeconds: number;
  details?: GhlConnectionDetails;
}

/**
 * Stores a new OAuth connection (or a reconnect): the token pair in the vault and the row, in the
 * caller's transaction; the connection becomes `active` with a new token version.
 */
export async function saveOAuthConnection(
  store: Store,
  trx: Transaction<Database>,
  grant: GrantToStore,
): Promise<GhlConnection> {
  const id = ghlConnectionId(grant.locationId);
  const existing = await trx
    .selectFrom('connections')
    .select(['token_version', 'details'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  const version = (existing ? Number(existing.token_version) : 0) + 1;
  const previous = (
    existing?.details && typeof existing.details === 'object' ? existing.details : {}
  ) as Record<string, Json>;
  const {
    uninstalledAt: _u,
    needsReauthReason: _n,
    ...kept
  } = previous as GhlConnectionDetails & Record<string, Json>;
  const details = JSON.stringify({ ...kept, ...grant.details, lifetimeSeconds: grant.lifetimeSeconds });
  const values = {
    status: 'active' as const,
    auth_mode: 'oauth' as const,
    scopes: grant.scopes,
    token_expires_at: grant.expiresAt,
    token_refreshed_at: new Date(),
    token_version: version,
    refresh_intent_at: null,
    refresh_intent_version: null,
    last_error: null,
    details,
  };
  await store.vault.put(
    oauthSecretName(id),
    JSON.stringify({
      accessToken: grant.accessToken,
      refreshToken: grant.refreshToken,
      version,
    } satisfies StoredTokens),
    trx,
  );
  await store.vault.delete(pitSecretName(id), trx);
  await trx
    .insertInto('connections')
    .values({ id, api: 'ghl', account_id: grant.locationId, ...values })
    .onConflict((oc) => oc.column('id').doUpdateSet({ ...values, updated_at: sql<Date>`now()` }))
    .execute();
  const saved = await getGhlConnectionIn(trx, id);
  return saved!;
}

/** Stores a Private Integration Token connection (vault + row, one transaction). */
export async function savePitConnection(
  store: Store,
  input: { locationId: string; token: string; scopes: string[] },
): Promise<GhlConnection> {
  const id = ghlConnectionId(input.locationId);
  return store.transaction(async (trx) => {
    const values = {
      status: 'active' as const,
      auth_mode: 'pit' as const,
      scopes: input.scopes,
      token_expires_at: null,
      token_refreshed_at: new Date(),
      refresh_intent_at: null,
      refresh_intent_version: null,
      last_error: null,
    };
    await store.vault.put(pitSecretName(id), input.token, trx);
    await store.vault.delete(oauthSecretName(id), trx);
    await trx
      .insertInto('connections')
      .values({ id, api: 'ghl', account_id: input.locationId, ...values })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({
          ...values,
          token_version: sql<number>`connections.token_version + 1`,
          updated_at: sql<Date>`now()`,
        }),
      )
      .execute();
    return (await getGhlConnectionIn(trx, id))!;
  });
}

async function getGhlConnectionIn(trx: Transaction<Database>, id: string): Promise<GhlConnection | null> {
  const row = await trx.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toConnection(row) : null;
}

/**
 * Marks a connection `needs_reauth` and records the alert, in one transaction: the refresh token
 * is no longer usable, so nothing calls GHL for it until someone reconnects.
 */
export async function markNeedsReauth(
  db: Kysely<Database>,
  c: { id: string; locationId: string; tokenVersion: number },
  reason: NonNullable<GhlConnectionDetails['needsReauthReason']>,
  message: string,
  extra: Record<string, Json> = {},
): Promise<void> {
  await db
    .updateTable('connections')
    .set({
      status: 'needs_reauth',
      last_error: message,
      refresh_intent_at: null,
      refresh_intent_version: null,
      details: sql`details || ${JSON.stringify({ needsReauthReason: reason })}::jsonb`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', c.id)
    .execute();
  await recordEvent(db, {
    kind: 'auth.lost',
    severity: 'critical',
    subject: c.id,
    message,
    details: { api: 'ghl', connectionId: c.id, locationId: c.locationId, reason, ...extra },
    dedupeKey: `auth.lost:${c.id}:${c.tokenVersion}`,
  });
}
