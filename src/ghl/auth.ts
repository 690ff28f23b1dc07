import { registerSecret } from '../log/redact.js';

/** An access token and the stored version it came from (null: a static token). */
export interface GhlAccessToken {
  value: string;
  /** `connections.token_version` it was read at; lets a 401 tell a stale token from the current one. */
  version: number | null;
}

/**
 * Where `GhlClient` gets its bearer token: a Private Integration Token (static) or the OAuth token
 * manager (`GhlTokenManager`), which refreshes before expiry and once after a 401.
 */
export interface GhlTokenProvider {
  /** The location the token belongs to, when known (default `locationId` and rate-limit key). */
  readonly locationId: string | undefined;
  /** A token to send now (refreshed first when it is about to expire). */
  getToken(signal?: AbortSignal): Promise<GhlAccessToken>;
  /**
   * Called once after a 401 that is not a scope error: the token to retry with (refreshed, or a
   * newer one another caller stored meanwhile), or null when there is none (no retry).
   */
  afterUnauthorized(rejected: GhlAccessToken, signal?: AbortSignal): Promise<GhlAccessToken | null>;
}

/**
 * A token that never changes: a Private Integration Token (or a token given in `GHL_TOKEN`).
 * A 401 is final: there is nothing to refresh.
 *
 * @example
 * const auth = new StaticTokenProvider(config.secrets.ghlToken!, config.ghl.locationId);
 */
export class StaticTokenProvider implements GhlTokenProvider {
  readonly #token: GhlAccessToken;
  constructor(
    token: string,
    readonly locationId: string | undefined,
  ) {
    registerSecret(token);
    this.#token = { value: token, version: null };
  }

  async getToken(): Promise<GhlAccessToken> {
    return this.#token;
  }

  async afterUnauthorized(): Promise<GhlAccessToken | null> {
    return null;
  }
}
