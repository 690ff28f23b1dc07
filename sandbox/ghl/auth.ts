import { randomBytes } from 'node:crypto';

/** Every scope the product's operations need: what the private integration token carries. */
export const PRODUCT_SCOPES = [
  'contacts.readonly',
  'contacts.write',
  'businesses.readonly',
  'businesses.write',
  'locations/customFields.readonly',
  'locations/tasks.readonly',
] as const;

/** Scopes an app may ask for on the consent page (a subset of GHL's list; enough for the product). */
export const KNOWN_SCOPES: readonly string[] = [
  ...PRODUCT_SCOPES,
  'locations.readonly',
  'locations/customFields.write',
  'locations/tags.readonly',
  'locations/tags.write',
  'users.readonly',
  'calendars.readonly',
  'calendars/events.readonly',
  'conversations.readonly',
  'opportunities.readonly',
];

export interface AccessToken {
  kind: 'pit' | 'oauth';
  locationId: string;
  scopes: ReadonlySet<string>;
  /** Epoch ms; null never expires. */
  expiresAt: number | null;
  clientId: string | null;
  revoked: boolean;
}

export interface RefreshToken {
  locationId: string;
  scopes: readonly string[];
  clientId: string;
  userId: string;
  issuedAt: number;
  usedAt: number | null;
  revoked: boolean;
}

export interface AuthCode {
  locationId: string;
  scopes: readonly string[];
  clientId: string;
  redirectUri: string;
  userId: string;
  expiresAt: number;
  used: boolean;
}

export type Authenticated =
  | { ok: true; token: AccessToken }
  | { ok: false; reason: 'missing' | 'invalid' | 'expired' };

/** Random secrets: not seeded (a token is a secret even in a sandbox). */
export function secret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Tokens of the sandbox: private integration tokens, OAuth access tokens, single-use refresh tokens
 * and single-use authorization codes. Holds everything in memory; never logs a token.
 */
export class TokenRegistry {
  readonly access = new Map<string, AccessToken>();
  readonly refresh = new Map<string, RefreshToken>();
  readonly codes = new Map<string, AuthCode>();
  /** Counters for tests: refresh-token reuse attempts, grants issued. */
  readonly counters = { refreshes: 0, reusedRefreshTokens: 0, codesExchanged: 0, invalidGrants: 0 };

  constructor(private readonly now: () => number) {}

  /** A private integration token: static, never expires. */
  issuePit(locationId: string, scopes: Iterable<string>): string {
    const token = `pit-${secret(24)}`;
    this.access.set(token, {
      kind: 'pit',
      locationId,
      scopes: new Set(scopes),
      expiresAt: null,
      clientId: null,
      revoked: false,
    });
    return token;
  }

  /** An access token with a lifetime (`lifetimeSeconds` null: never expires). */
  issueAccess(
    locationId: string,
    scopes: Iterable<string>,
    lifetimeSeconds: number | null,
    clientId: string | null,
  ): string {
    const token = secret(32);
    this.access.set(token, {
      kind: 'oauth',
      locationId,
      scopes: new Set(scopes),
      expiresAt: lifetimeSeconds === null ? null : this.now() + lifetimeSeconds * 1000,
      clientId,
      revoked: false,
    });
    return token;
  }

  issueRefresh(locationId: string, scopes: readonly string[], clientId: string, userId: string): string {
    const token = secret(32);
    this.refresh.set(token, {
      locationId,
      scopes,
      clientId,
      userId,
      issuedAt: this.now(),
      usedAt: null,
      revoked: false,
    });
    return token;
  }

  issueCode(code: Omit<AuthCode, 'used'>): string {
    const value = secret(20);
    this.codes.set(value, { ...code, used: false });
    return value;
  }

  authenticate(header: string | undefined): Authenticated {
    if (!header) return { ok: false, reason: 'missing' };
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return { ok: false, reason: 'invalid' };
    const token = this.access.get(m[1] as string);
    if (!token || token.revoked) return { ok: false, reason: 'invalid' };
    if (token.expiresAt !== null && token.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    return { ok: true, token };
  }

  /** Makes every OAuth access token of the location expire now (tests of reactive refresh). */
  expireAccessTokens(locationId: string): number {
    let n = 0;
    for (const t of this.access.values()) {
      if (t.kind === 'oauth' && t.locationId === locationId && !t.revoked) {
        t.expiresAt = Math.min(t.expiresAt ?? Number.POSITIVE_INFINITY, this.now());
        n++;
      }
    }
    return n;
  }

  /** Uninstall: every OAuth token and refresh token of the location stops working. */
  revokeLocation(locationId: string): void {
    for (const t of this.access.values())
      if (t.kind === 'oauth' && t.locationId === locationId) t.revoked = true;
    for (const r of this.refresh.values()) if (r.locationId === locationId) r.revoked = true;
  }
}
