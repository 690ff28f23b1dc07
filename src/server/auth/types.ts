import type { ApiTokenKind } from './tokens.js';

/** Who made a request that passed authentication. */
export type AuthInfo =
  | { kind: 'session'; sessionId: string; csrfToken: string; expiresAt: Date }
  | { kind: 'token'; tokenId: string; name: string; tokenKind: ApiTokenKind };

declare module 'hono' {
  interface ContextVariableMap {
    /** Set by the auth middleware on every request it lets through (absent on open routes). */
    auth: AuthInfo | undefined;
  }
}
