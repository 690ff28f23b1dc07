/**
 * GHL OAuth 2.0 (authorization-code flow for a sub-account token): the authorize URL with a random
 * `state` kept in `oauth_pending`, the callback check, the code exchange and the refresh request.
 * Tokens only ever go to the vault; nothing here logs them.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Config } from '../config/load.js';
import { AppError, ConfigError } from '../errors/index.js';
import type { HttpClient } from '../http/client.js';
import { ApiError } from '../http/errors.js';
import type { Logger } from '../log/logger.js';
import { registerSecret } from '../log/redact.js';
import type { Store } from '../store/open.js';
import { type GhlConnection, saveOAuthConnection } from './connections.js';
import { missingScopes, parseScopes, requiredGhlScopes } from './scopes.js';

/** A pending connect is accepted for this long (the callback must come back within it). */
export const PENDING_CONNECT_TTL_MS = 10 * 60 * 1000;

/** The OAuth settings a flow needs, from the config. */
export interface GhlOAuthSettings {
  baseUrl: string;
  authorizeUrl: string;
  clientId: string;
  clientSecret: string;
}

/**
 * The OAuth settings, or a `ConfigError` naming what is missing.
 *
 * @example
 * const oauth = ghlOAuthSettings(config);
 */
export function ghlOAuthSettings(config: Pick<Config, 'ghl' | 'secrets'>): GhlOAuthSettings {
  const missing: string[] = [];
  if (!config.ghl.clientId) missing.push('ghl.clientId (GHL_CLIENT_ID)');
  if (!config.secrets.ghlClientSecret) missing.push('GHL_CLIENT_SECRET');
  if (missing.length > 0) {
    throw new ConfigError(
      missing.join(', '),
      'needed for the GHL OAuth connection but not set',
      'copy the Client ID and Client Secret from your Marketplace app (Advanced settings → Auth), or use a Private Integration Token: `cin7-ghl connect ghl --pit` with GHL_TOKEN',
    );
  }
  return {
    baseUrl: config.ghl.baseUrl,
    authorizeUrl: config.ghl.authorizeUrl,
    clientId: config.ghl.clientId!,
    clientSecret: config.secrets.ghlClientSecret!,
  };
}

/** Where vendors reach this service: `server.publicUrl`, else the local listen address. */
export function publicBaseUrl(config: Pick<Config, 'server'>): string {
  if (config.server.publicUrl) return config.server.publicUrl.replace(/\/+$/, '');
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  return `http://${host}:${config.server.port}`;
}

/** The OAuth redirect URI registered in the Marketplace app: `<publicUrl>/oauth/ghl/callback`. */
export function ghlRedirectUri(config: Pick<Config, 'server'>): string {
  return `${publicBaseUrl(config)}/oauth/ghl/callback`;
}

/** The webhook URL to enter in the Marketplace app: `<publicUrl>/webhooks/ghl`. */
export function ghlWebhookUrl(config: Pick<Config, 'server'>): string {
  return `${publicBaseUrl(config)}/webhooks/ghl`;
}

/**
 * The consent page URL (v2 `chooselocation`).
 *
 * @example
 * buildAuthorizeUrl({ authorizeUrl, clientId, redirectUri, scopes: ['contacts.readonly'], state })
 */
export function buildAuthorizeUrl(input: {
  authorizeUrl: string;
  clientId: string;
  redirectUri: string;
  scopes: readonly string[];
  state: string;
}): string {
  const url = new URL(input.authorizeUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('client_id', input.clientId);
  url.searchParams.set('scope', input.scopes.join(' '));
  url.searchParams.set('state', input.state);
  return url.toString();
}

export interface StartedConnect {
  /** Open this in a browser (or let `--approve-sandbox` approve it against the sandbox). */
  authorizeUrl: string;
  state: string;
  scopes: string[];
  redirectUri: string;
  /** Enter this in the Marketplace app's webhook settings. */
  webhookUrl: string;
  expiresAt: Date;
}

/**
 * Starts a connect: a random `state` kept in `oauth_pending` (with the scopes and redirect URI),
 * and the consent page URL asking for the least-privilege scopes of the config.
 *
 * @example
 * const { authorizeUrl } = await startGhlConnect(store, config);
 */
export async function startGhlConnect(
  store: Store,
  config: Config,
  options: { redirectUri?: string; scopes?: string[] } = {},
): Promise<StartedConnect> {
  const oauth = ghlOAuthSettings(config);
  const scopes = options.scopes ?? requiredGhlScopes(config);
  const redirectUri = options.redirectUri ?? ghlRedirectUri(config);
  const state = randomBytes(24).toString('base64url');
  await store.db
    .deleteFrom('oauth_pending')
    .where('created_at', '<', new Date(Date.now() - 24 * 3600 * 1000))
    .execute();
  const row = await store.db
    .insertInto('oauth_pending')
    .values({ state, api: 'ghl', scopes, redirect_uri: redirectUri })
    .returning('created_at')
    .executeTakeFirstOrThrow();
  return {
    authorizeUrl: buildAuthorizeUrl({ ...oauth, redirectUri, scopes, state }),
    state,
    scopes,
    redirectUri,
    webhookUrl: ghlWebhookUrl(config),
    expiresAt: new Date(row.created_at.getTime() + PENDING_CONNECT_TTL_MS),
  };
}

/** An OAuth callback that is refused; the message says why and what to do. Safe to show. */
export class GhlOAuthRefusedError extends AppError {
  constructor(reason: string, hint: string) {
    super('ghl_oauth_refused', reason, { hint });
  }
}

const RESTART =
  'Start the connect again from this install (`cin7-ghl connect ghl`, or GET /oauth/ghl/connect) and approve it within 10 minutes.';

/**
 * Claims the pending connect a callback belongs to (once): by its `state` when the callback
 * carries one; otherwise the newest connect started from this install in the last 10 minutes.
 */
async function claimPending(
  store: Store,
  state: string | undefined,
): Promise<{ state: string; scopes: string[]; redirectUri: string }> {
  const cutoff = new Date(Date.now() - PENDING_CONNECT_TTL_MS);
  return store.transaction(async (trx) => {
    let q = trx
      .selectFrom('oauth_pending')
      .selectAll()
      .where('api', '=', 'ghl')
      .orderBy('created_at', 'desc')
      .limit(1)
      .forUpdate();
    if (state !== undefined) q = q.where('state', '=', state);
    else q = q.where('used_at', 'is', null).where('created_at', '>', cutoff);
    const row = await q.executeTakeFirst();
    if (!row) {
      if (state === undefined) {
        throw new GhlOAuthRefusedError(
          'The OAuth callback carries no state and no GHL connect was started from this install in the last 10 minutes: refused.',
          RESTART,
        );
      }
      throw new GhlOAuthRefusedError(
        "The OAuth callback's state does not match any GHL connect started from this install: refused (the link may come from another install, or have been forged).",
        RESTART,
      );
    }
    if (row.used_at !== null) {
      throw new GhlOAuthRefusedError(
        `The OAuth callback's state was already used at ${row.used_at.toISOString()}: refused (each connect is accepted once).`,
        RESTART,
      );
    }
    if (row.created_at <= cutoff) {
      throw new GhlOAuthRefusedError(
        `The OAuth callback's state belongs to a connect started at ${row.created_at.toISOString()}, more than 10 minutes ago: refused.`,
        RESTART,
      );
    }
    await trx
      .updateTable('oauth_pending')
      .set({ used_at: sql<Date>`now()` })
      .where('state', '=', row.state)
      .execute();
    return { state: row.state, scopes: row.scopes, redirectUri: row.redirect_uri };
  });
}

/** What the token endpoint granted, with the fields we keep. */
export interface GhlGrant {
  accessToken: string;
  refreshToken: string;
  /** `expires_in`, seconds. */
  expiresIn: number;
  scopes: string[];
  locationId: string | undefined;
  companyId: string | undefined;
  userId: string | undefined;
  userType: string | undefined;
}

function readGrant(body: unknown): GhlGrant {
  if (typeof body !== 'object' || body === null) throw new Error('the token answer is not a JSON object');
  const b = body as Record<string, unknown>;
  if (typeof b.access_token !== 'string' || b.access_token === '') throw new Error('no access_token');
  if (typeof b.refresh_token !== 'string' || b.refresh_token === '') throw new Error('no refresh_token');
  const expiresIn = typeof b.expires_in === 'number' ? b.expires_in : Number(b.expires_in);
  if (!Number.isFinite(expiresIn) || expiresIn <= 0) throw new Error('no positive expires_in');
  registerSecret(b.access_token);
  registerSecret(b.refresh_token);
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  return {
    accessToken: b.access_token,
    refreshToken: b.refresh_token,
    expiresIn,
    scopes: parseScopes(b.scope),
    locationId: str(b.locationId),
    companyId: str(b.companyId),
    userId: str(b.userId),
    userType: str(b.userType),
  };
}

/**
 * `POST /oauth/token` (form-encoded, `user_type=Location`). Not repeated after an error: a refresh
 * token is single-use, so a lost answer must be found out, not retried (see `GhlTokenManager`).
 *
 * @example
 * const grant = await requestGhlToken(http, oauth, { grant_type: 'refresh_token', refresh_token });
 */
export async function requestGhlToken(
  http: HttpClient,
  oauth: GhlOAuthSettings,
  form:
    | { grant_type: 'authorization_code'; code: string; redirect_uri: string }
    | { grant_type: 'refresh_token'; refresh_token: string },
  signal?: AbortSignal,
): Promise<{ grant: GhlGrant; requestedAt: number }> {
  const requestedAt = Date.now();
  const res = await http.request<GhlGrant>({
    api: 'ghl',
    operation: 'ghl.oauth.token',
    method: 'POST',
    baseUrl: oauth.baseUrl,
    path: '/oauth/token',
    form: { client_id: oauth.clientId, client_secret: oauth.clientSecret, user_type: 'Location', ...form },
    parse: readGrant,
    ...(signal ? { signal } : {}),
  });
  return { grant: res.body, requestedAt };
}

/** True when the token endpoint refused the grant itself (`invalid_grant`): used, revoked or unknown. */
export function isInvalidGrant(e: unknown): e is ApiError {
  if (!(e instanceof ApiError) || e.status === null || e.status >= 500) return false;
  return e.vendorCode === 'invalid_grant' || e.messages.some((m) => /invalid[_ ]grant/i.test(m));
}

export interface CompletedConnect {
  connection: GhlConnection;
  /** Scopes asked for but not granted (the operations needing them will fail with a ScopeError). */
  missingScopes: string[];
  webhookUrl: string;
}

/**
 * Handles the OAuth callback: checks it against a pending connect (by `state`, or the one started
 * from this install within 10 minutes when GHL does not echo it), exchanges the code, and stores
 * the tokens (vault) and the connection (row) in one transaction.
 *
 * @example
 * await completeGhlConnect({ store, http, config, logger }, { code, state });
 */
export async function completeGhlConnect(
  deps: { store: Store; http: HttpClient; config: Config; logger: Logger },
  callback: { code?: string | undefined; state?: string | undefined; error?: string | undefined },
): Promise<CompletedConnect> {
  const oauth = ghlOAuthSettings(deps.config);
  if (callback.error) {
    throw new GhlOAuthRefusedError(
      `GHL answered the consent with "${callback.error}" (the connect was cancelled or refused).`,
      RESTART,
    );
  }
  if (!callback.code) {
    throw new GhlOAuthRefusedError('The OAuth callback carries no code: refused.', RESTART);
  }
  const state = callback.state === '' ? undefined : callback.state;
  const pending = await claimPending(deps.store, state);
  const { grant, requestedAt } = await requestGhlToken(deps.http, oauth, {
    grant_type: 'authorization_code',
    code: callback.code,
    redirect_uri: pending.redirectUri,
  });
  if (!grant.locationId) {
    throw new GhlOAuthRefusedError(
      `GHL granted a ${grant.userType ?? 'non-location'} token without a locationId; this service needs a sub-account (location) token.`,
      'Install the app on one sub-account (choose a location on the consent page), then connect again.',
    );
  }
  const locationId = grant.locationId;
  const connection = await deps.store.transaction((trx) =>
    saveOAuthConnection(deps.store, trx, {
      locationId,
      accessToken: grant.accessToken,
      refreshToken: grant.refreshToken,
      scopes: grant.scopes.length > 0 ? grant.scopes : pending.scopes,
      expiresAt: new Date(requestedAt + grant.expiresIn * 1000),
      lifetimeSeconds: grant.expiresIn,
      details: {
        requestedScopes: pending.scopes,
        ...(grant.companyId ? { companyId: grant.companyId } : {}),
        ...(grant.userId ? { userId: grant.userId } : {}),
        ...(grant.userType ? { userType: grant.userType } : {}),
      },
    }),
  );
  const missing = grant.scopes.length > 0 ? missingScopes(pending.scopes, grant.scopes) : [];
  if (missing.length > 0) {
    deps.logger.warn(
      { locationId, missing },
      'GHL granted fewer scopes than asked for: operations needing them will fail with a scope error',
    );
  }
  deps.logger.info({ locationId, scopes: connection.scopes }, 'GHL location connected');
  return { connection, missingScopes: missing, webhookUrl: ghlWebhookUrl(deps.config) };
}
