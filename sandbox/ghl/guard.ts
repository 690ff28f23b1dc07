import type { SandboxRequest, SandboxResponse } from '../shared/server.js';
import { SlidingWindow } from '../shared/sliding-window.js';
import type { AccessToken, TokenRegistry } from './auth.js';
import { INVALID_TOKEN, SCOPE_MESSAGE, badRequest, tooManyRequests, unauthorized } from './errors.js';
import { OAUTH_TOKEN_ROUTE, OPERATIONS_BY_NAME } from './operations.js';
import type { GhlSettings, GhlStats } from './types.js';

export const API_VERSION = '2021-07-28';
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What runs before every API handler, in this order: bearer token (401), rate limits (429, counted
 * per location; a refused request does not count), `Version` header (400), scope (401). It also
 * puts GHL's five `X-RateLimit-*` headers on every API answer.
 */
export class GhlGuard {
  private readonly burst: SlidingWindow;
  private readonly daily = new Map<string, { start: number; count: number }>();
  private readonly headers = new WeakMap<SandboxRequest, Record<string, string>>();
  private readonly tokenOf = new WeakMap<SandboxRequest, AccessToken>();
  private readonly startedAt: number;

  constructor(
    private readonly tokens: TokenRegistry,
    private readonly settings: GhlSettings,
    private readonly scale: number,
    private readonly stats: GhlStats,
    private readonly now: () => number,
  ) {
    this.burst = new SlidingWindow(settings.rateLimit.limit, settings.rateLimit.windowMs / scale);
    this.startedAt = now();
  }

  /** Applies a changed `settings.rateLimit` (the window keeps its history). */
  refreshLimits(): void {
    this.burst.limit = this.settings.rateLimit.limit;
    this.burst.windowMs = this.settings.rateLimit.windowMs / this.scale;
  }

  resetWindows(): void {
    this.burst.reset();
    this.daily.clear();
  }

  /** The token a request was authenticated with (after the guard let it through). */
  token(req: SandboxRequest): AccessToken | undefined {
    return this.tokenOf.get(req);
  }

  guard(req: SandboxRequest, route: { name: string }): SandboxResponse | null {
    this.stats.requests++;
    this.stats.byRoute[route.name] = (this.stats.byRoute[route.name] ?? 0) + 1;
    if (route.name === OAUTH_TOKEN_ROUTE) return null;
    const op = OPERATIONS_BY_NAME.get(route.name);
    this.headers.set(req, this.rateHeaders(this.settings.rateLimit.limit, this.settings.dailyLimit));

    const auth = this.tokens.authenticate(req.headers.authorization);
    if (!auth.ok) return unauthorized(INVALID_TOKEN);
    const location = auth.token.locationId;

    const day = this.dayCounter(location);
    if (day.count >= this.settings.dailyLimit) {
      this.stats.rateLimited++;
      this.headers.set(req, this.rateHeaders(0, 0));
      return tooManyRequests(
        `Daily limit reached: ${this.settings.dailyLimit} requests per day for this location. Retry tomorrow.`,
      );
    }
    const hit = this.burst.hit(location);
    if (!hit.allowed) {
      this.stats.rateLimited++;
      this.headers.set(req, this.rateHeaders(0, this.settings.dailyLimit - day.count));
      return tooManyRequests(
        `Too many requests: at most ${this.settings.rateLimit.limit} requests per ${Math.round(this.burst.windowMs)} ms for this location.`,
      );
    }
    day.count++;
    this.headers.set(req, this.rateHeaders(hit.remaining, this.settings.dailyLimit - day.count));

    const version = req.headers.version;
    if (version === undefined || version === '') {
      return badRequest(`Version header was not found: send "Version: ${API_VERSION}"`);
    }
    if (version !== API_VERSION) {
      return badRequest(
        `Version header "${String(version)}" is not supported: send "Version: ${API_VERSION}"`,
      );
    }
    if (op && !auth.token.scopes.has(op.scope)) return unauthorized(SCOPE_MESSAGE);
    this.tokenOf.set(req, auth.token);
    return null;
  }

  decorate(req: SandboxRequest, res: SandboxResponse): void {
    this.stats.byStatus[res.status] = (this.stats.byStatus[res.status] ?? 0) + 1;
    const h = this.headers.get(req);
    if (h) res.headers = { ...res.headers, ...h };
  }

  private dayCounter(location: string): { start: number; count: number } {
    const dayMs = DAY_MS / this.scale;
    const now = this.now();
    const start = this.startedAt + Math.floor((now - this.startedAt) / dayMs) * dayMs;
    let c = this.daily.get(location);
    if (!c || c.start !== start) {
      c = { start, count: 0 };
      this.daily.set(location, c);
    }
    return c;
  }

  private rateHeaders(remaining: number, dailyRemaining: number): Record<string, string> {
    return {
      'x-ratelimit-limit-daily': String(this.settings.dailyLimit),
      'x-ratelimit-daily-remaining': String(Math.max(0, dailyRemaining)),
      'x-ratelimit-interval-milliseconds': String(Math.round(this.burst.windowMs)),
      'x-ratelimit-max': String(this.settings.rateLimit.limit),
      'x-ratelimit-remaining': String(Math.max(0, remaining)),
    };
  }
}
