/**
 * The OAuth token lifecycle of one GHL connection. Refresh tokens are single-use, so:
 *
 * - one refresh at a time per connection: an in-process single-flight, then the refresh lock
 *   (process mutex + PostgreSQL advisory lock across processes);
 * - after taking the lock the row and the vault are read again: another process may have
 *   refreshed already, and its pair is used instead of refreshing twice;
 * - before the request is sent, a refresh-intent marker is committed on the row; the new pair is
 *   stored (vault + row, one transaction) before anyone uses it, which clears the marker;
 * - a marker found under the lock means a refresh died half-way (killed process, lost answer). The
 *   stored refresh token is tried: if GHL accepts it, the request never reached GHL and nothing was
 *   lost; if GHL answers `invalid_grant`, GHL rotated the token and the new pair was never stored:
 *   the connection is marked `needs_reauth` with an alert saying exactly that;
 * - proactive refresh at min(15 min, a quarter of the lifetime) before expiry; one reactive refresh
 *   after a 401 (not for a missing scope, which the client never retries);
 * - `invalid_grant` marks the connection `needs_reauth` and records an `auth.lost` event; a token
 *   for a connection that is uninstalled or needs re-authorisation fails with a clear error.
 */
import { sql } from 'kysely';
import type { Config } from '../config/load.js';
import { AppError } from '../errors/index.js';
import type { HttpClient } from '../http/client.js';
import { ApiError } from '../http/errors.js';
import type { Logger } from '../log/logger.js';
import { registerSecret } from '../log/redact.js';
import { recordEvent } from '../store/events.js';
import type { Store } from '../store/open.js';
import type { GhlAccessToken, GhlTokenProvider } from './auth.js';
import {
  type GhlConnection,
  GhlConnectionError,
  type StoredTokens,
  assertUsable,
  getGhlConnection,
  ghlConnectionId,
  markNeedsReauth,
  oauthSecretName,
} from './connections.js';
import { type GhlOAuthSettings, ghlOAuthSettings, isInvalidGrant, requestGhlToken } from './oauth.js';
import { type RefreshLock, refreshLockFor } from './refresh-lock.js';

/** Refresh this long before expiry at most (a quarter of the lifetime when that is shorter). */
export const MAX_REFRESH_MARGIN_MS = 15 * 60 * 1000;

/**
 * Points where a test can stop the process (e.g. SIGKILL from a parent) to prove what a crash
 * there leaves behind. Never set in production.
 */
export interface RefreshHooks {
  /** The refresh-intent marker is committed; the request is not sent yet. */
  afterIntent?: () => Promise<void> | void;
  /** GHL answered with a new pair; it is not stored yet. */
  afterGrant?: () => Promise<void> | void;
}

export interface GhlTokenManagerOptions {
  store: Store;
  http: HttpClient;
  config: Pick<Config, 'ghl' | 'secrets'>;
  /** The connection's location. */
  locationId: string;
  logger: Logger;
  /** Default: `refreshLockFor(store)`. */
  lock?: RefreshLock;
  /** How long a read of the connection's status and version is trusted (default 1 s). */
  statusTtlMs?: number;
  hooks?: RefreshHooks;
  /** The clock freshness is judged by (tests shift it to reach the refresh margin). Default `Date.now`. */
  now?: () => number;
}

interface Current {
  access: string;
  refresh: string;
  version: number;
  expiresAt: number;
  /** The access token's lifetime, for the proactive margin. */
  lifetimeMs: number;
}

/**
 * The refresh margin for a token: min(15 min, a quarter of its lifetime).
 *
 * @example
 * refreshMarginMs(86_399_000) // 900000
 */
export function refreshMarginMs(lifetimeMs: number): number {
  return Math.min(MAX_REFRESH_MARGIN_MS, Math.max(0, lifetimeMs) / 4);
}

/** A refresh failed in a way that does not mark the connection (network, 5xx, bad client settings). */
export class GhlRefreshError extends AppError {}

/**
 * The token provider of an OAuth connection (see the file comment for the rules it follows).
 *
 * @example
 * const tokens = new GhlTokenManager({ store, http, config, locationId, logger });
 * const ghl = new GhlClient({ http, baseUrl: config.ghl.baseUrl, auth: tokens });
 */
export class GhlTokenManager implements GhlTokenProvider {
  readonly locationId: string;
  readonly connectionId: string;
  readonly #store: Store;
  readonly #http: HttpClient;
  readonly #config: Pick<Config, 'ghl' | 'secrets'>;
  readonly #logger: Logger;
  readonly #lock: RefreshLock;
  readonly #statusTtlMs: number;
  readonly #hooks: RefreshHooks;
  readonly #now: () => number;
  #current: Current | null = null;
  #checkedAt = Number.NEGATIVE_INFINITY;
  #checking: Promise<void> | null = null;
  #refreshing: Promise<Current> | null = null;

  constructor(options: GhlTokenManagerOptions) {
    this.locationId = options.locationId;
    this.connectionId = ghlConnectionId(options.locationId);
    this.#store = options.store;
    this.#http = options.http;
    this.#config = options.config;
    this.#logger = options.logger;
    this.#lock = options.lock ?? refreshLockFor(options.store);
    this.#statusTtlMs = options.statusTtlMs ?? 1000;
    this.#hooks = options.hooks ?? {};
    this.#now = options.now ?? Date.now;
  }

  /** A token valid beyond the refresh margin; refreshed first when it is not. */
  async getToken(): Promise<GhlAccessToken> {
    await this.#check(false);
    const current = this.#current!;
    if (this.#fresh(current)) return token(current);
    return token(await this.#refreshOnce(current.version, 'proactive'));
  }

  /** After a 401: a newer stored token if there is one, else one refresh. */
  async afterUnauthorized(rejected: GhlAccessToken): Promise<GhlAccessToken | null> {
    if (rejected.version === null) return null;
    await this.#check(true);
    const current = this.#current!;
    if (current.version > rejected.version) return token(current);
    return token(await this.#refreshOnce(rejected.version, 'reactive'));
  }

  /**
   * Refreshes now whatever the expiry (the daily refresh of idle connections, a manual check).
   *
   * @example
   * await tokens.refreshNow();
   */
  async refreshNow(): Promise<void> {
    await this.#check(true);
    await this.#refreshOnce(this.#current!.version, 'scheduled', true);
  }

  /** Forgets what is cached: the next call reads the connection again. */
  invalidate(): void {
    this.#checkedAt = Number.NEGATIVE_INFINITY;
  }

  #fresh(c: Current): boolean {
    return this.#now() < c.expiresAt - refreshMarginMs(c.lifetimeMs);
  }

  /** Reads status and version (at most every `statusTtlMs`), and the pair when the version moved. */
  async #check(force: boolean): Promise<void> {
    if (!force && this.#current && this.#now() - this.#checkedAt < this.#statusTtlMs) return;
    this.#checking ??= this.#load().finally(() => {
      this.#checking = null;
    });
    await this.#checking;
  }

  async #load(): Promise<void> {
    const c = await this.#connection();
    assertUsable(c);
    if (c.refreshIntentAt !== null && c.refreshIntentVersion === c.tokenVersion) {
      // A refresh is in flight elsewhere, or died half-way: settle it under the lock right away
      // (waiting for a live one; finding out from GHL for a dead one).
      this.#current = await this.#refreshOnce(c.tokenVersion, 'recover', true);
      return;
    }
    if (!this.#current || this.#current.version !== c.tokenVersion) this.#current = await this.#readPair(c);
    this.#checkedAt = this.#now();
  }

  async #connection(): Promise<GhlConnection> {
    const c = await getGhlConnection(this.#store.db, this.connectionId);
    if (!c) {
      throw new GhlConnectionError(
        'ghl_not_connected',
        `No GHL connection for location ${this.locationId}.`,
        'Connect it with `cin7-ghl connect ghl`.',
        null,
      );
    }
    if (c.authMode !== 'oauth') {
      throw new GhlConnectionError(
        'ghl_not_connected',
        `The GHL connection for location ${this.locationId} uses a Private Integration Token, not OAuth.`,
        'Use the PIT provider for it (ghlTokenProvider picks the right one).',
        c.id,
      );
    }
    return c;
  }

  async #readPair(c: GhlConnection): Promise<Current> {
    const raw = await this.#store.vault.get(oauthSecretName(c.id));
    if (raw === null) {
      throw new GhlConnectionError(
        'ghl_needs_reauth',
        `The GHL connection for location ${c.locationId} has no stored tokens.`,
        'Reconnect with `cin7-ghl connect ghl`.',
        c.id,
      );
    }
    const pair = JSON.parse(raw) as StoredTokens;
    registerSecret(pair.accessToken);
    registerSecret(pair.refreshToken);
    const expiresAt = c.tokenExpiresAt?.getTime() ?? 0;
    const lifetimeMs =
      (c.details.lifetimeSeconds ?? 0) * 1000 ||
      Math.max(0, expiresAt - (c.tokenRefreshedAt?.getTime() ?? expiresAt));
    return {
      access: pair.accessToken,
      refresh: pair.refreshToken,
      version: c.tokenVersion,
      expiresAt,
      lifetimeMs,
    };
  }

  #refreshOnce(
    staleVersion: number,
    reason: 'proactive' | 'reactive' | 'scheduled' | 'recover',
    force = false,
  ): Promise<Current> {
    this.#refreshing ??= this.#lock
      .withLock(this.connectionId, () => this.#refreshLocked(staleVersion, reason, force))
      .finally(() => {
        this.#refreshing = null;
      });
    return this.#refreshing;
  }

  async #refreshLocked(
    staleVersion: number,
    reason: 'proactive' | 'reactive' | 'scheduled' | 'recover',
    force: boolean,
  ): Promise<Current> {
    // Read again under the lock: another process may have refreshed (or lost the connection).
    const c = await this.#connection();
    assertUsable(c);
    const stored = await this.#readPair(c);
    this.#current = stored;
    this.#checkedAt = this.#now();
    const newer = c.tokenVersion > staleVersion;
    if (newer && (reason === 'reactive' || reason === 'recover' || this.#fresh(stored))) return stored;
    if (!force && reason === 'proactive' && this.#fresh(stored)) return stored;

    const interrupted = c.refreshIntentAt !== null && c.refreshIntentVersion === c.tokenVersion;
    // Recovery only settles a refresh that died: one that finished meanwhile left nothing to do.
    if (reason === 'recover' && !interrupted) return stored;
    if (interrupted) {
      this.#logger.warn(
        { locationId: c.locationId, intentAt: c.refreshIntentAt?.toISOString() },
        'found a GHL token refresh that was interrupted; trying the stored refresh token to find out whether GHL rotated it',
      );
    }
    const intent = await this.#store.db
      .updateTable('connections')
      .set({ refresh_intent_at: sql<Date>`now()`, refresh_intent_version: c.tokenVersion })
      .where('id', '=', c.id)
      .where('token_version', '=', c.tokenVersion)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (intent.numUpdatedRows === 0n) throw this.#raced(c);
    await this.#hooks.afterIntent?.();

    const oauth = ghlOAuthSettings(this.#config);
    let grant: Awaited<ReturnType<typeof requestGhlToken>>;
    try {
      grant = await requestGhlToken(this.#http, oauth, {
        grant_type: 'refresh_token',
        refresh_token: stored.refresh,
      });
    } catch (e) {
      throw await this.#refreshFailed(c, e, interrupted);
    }
    await this.#hooks.afterGrant?.();
    const next = await this.#storeGrant(c, grant);
    this.#current = next;
    this.#checkedAt = this.#now();
    if (interrupted) {
      await recordEvent(this.#store.db, {
        kind: 'auth.recovered',
        severity: 'info',
        subject: c.id,
        message: `An interrupted GHL token refresh for location ${c.locationId} was recovered: GHL still accepted the stored refresh token, so nothing was lost.`,
        details: { api: 'ghl', connectionId: c.id, locationId: c.locationId },
      });
    }
    this.#logger.debug({ locationId: c.locationId, reason, version: next.version }, 'GHL token refreshed');
    return next;
  }

  async #storeGrant(c: GhlConnection, result: Awaited<ReturnType<typeof requestGhlToken>>): Promise<Current> {
    const { grant, requestedAt } = result;
    const version = c.tokenVersion + 1;
    // Counted from when the request left: the token may have been issued just after.
    const expiresAt = requestedAt + grant.expiresIn * 1000;
    const scopes = grant.scopes.length > 0 ? grant.scopes : c.scopes;
    await this.#store.transaction(async (trx) => {
      await this.#store.vault.put(
        oauthSecretName(c.id),
        JSON.stringify({
          accessToken: grant.accessToken,
          refreshToken: grant.refreshToken,
          version,
        } satisfies StoredTokens),
        trx,
      );
      const updated = await trx
        .updateTable('connections')
        .set({
          token_version: version,
          token_expires_at: new Date(expiresAt),
          token_refreshed_at: sql<Date>`now()`,
          refresh_intent_at: null,
          refresh_intent_version: null,
          scopes,
          last_error: null,
          details: sql`details || ${JSON.stringify({ lifetimeSeconds: grant.expiresIn })}::jsonb`,
          updated_at: sql<Date>`now()`,
        })
        .where('id', '=', c.id)
        .where('token_version', '=', c.tokenVersion)
        .executeTakeFirst();
      // Impossible under the lock; if it happens the pair must not be half-stored.
      if (updated.numUpdatedRows === 0n) throw this.#raced(c);
    });
    return {
      access: grant.accessToken,
      refresh: grant.refreshToken,
      version,
      expiresAt,
      lifetimeMs: grant.expiresIn * 1000,
    };
  }

  async #refreshFailed(c: GhlConnection, e: unknown, interrupted: boolean): Promise<Error> {
    if (isInvalidGrant(e)) {
      const message = interrupted
        ? `A GHL token refresh for location ${c.locationId} was interrupted (started ${c.refreshIntentAt?.toISOString()}) after GHL had rotated the refresh token and before the new tokens were stored: GHL now refuses the stored refresh token (invalid_grant), so the new pair is lost. Reconnect with \`cin7-ghl connect ghl\`.`
        : `GHL refused the stored refresh token for location ${c.locationId} (invalid_grant): it was revoked (app uninstalled, access removed) or already used elsewhere. Reconnect with \`cin7-ghl connect ghl\`.`;
      await this.#store.transaction((trx) =>
        markNeedsReauth(trx, c, interrupted ? 'refresh_interrupted' : 'invalid_grant', message, {
          ...(c.refreshIntentAt ? { intentAt: c.refreshIntentAt.toISOString() } : {}),
          ...(e.traceId ? { traceId: e.traceId } : {}),
        }),
      );
      this.#logger.error({ locationId: c.locationId, interrupted }, message);
      this.invalidate();
      return new GhlConnectionError(
        'ghl_needs_reauth',
        message,
        'Reconnect with `cin7-ghl connect ghl` (or from the dashboard); no call is made until then.',
        c.id,
      );
    }
    const definite = e instanceof ApiError && e.status !== null && e.status < 500 && !e.outcomeUnknown;
    if (definite) {
      // GHL refused without using the token (e.g. invalid_client): nothing rotated, the marker goes.
      await this.#store.db
        .updateTable('connections')
        .set({
          refresh_intent_at: null,
          refresh_intent_version: null,
          last_error: (e as ApiError).message,
          updated_at: sql<Date>`now()`,
        })
        .where('id', '=', c.id)
        .where('token_version', '=', c.tokenVersion)
        .execute();
    }
    // Otherwise (no answer, 5xx) the outcome is unknown: the marker stays, and the next refresh
    // finds out from GHL's answer to the stored token whether this one went through.
    return new GhlRefreshError(
      'ghl_refresh_failed',
      `Refreshing the GHL token for location ${c.locationId} failed: ${e instanceof Error ? e.message : String(e)}`,
      {
        hint: definite
          ? 'Check GHL_CLIENT_ID / GHL_CLIENT_SECRET against the Marketplace app.'
          : 'GHL did not answer; the next call retries the refresh and finds out whether this one went through.',
        cause: e,
        details: { connectionId: c.id, outcomeUnknown: !definite },
      },
    );
  }

  #raced(c: GhlConnection): Error {
    this.invalidate();
    return new GhlRefreshError(
      'ghl_refresh_raced',
      `The GHL connection for location ${c.locationId} changed while its token was being refreshed.`,
      { hint: 'Retry the call; it reads the connection again.', details: { connectionId: c.id } },
    );
  }
}

function token(c: Current): GhlAccessToken {
  return { value: c.access, version: c.version };
}

/** Re-exported for callers that only need the settings check. */
export type { GhlOAuthSettings };
