/**
 * The CLI talking to a running service. The embedded store is one process's: while a service holds
 * it (its URL is in the lock file), a command that needs the store calls the service's REST API
 * with the local admin token (`<dataDir>/service-token`, written by the service) instead.
 *
 * The pattern for a command:
 *
 *   const result = await withStoreOrService(ctx, {
 *     local: (store) => doIt(store),                       // the store is free (or PostgreSQL)
 *     remote: (api) => api.post('/api/the-route', input),  // a service holds the embedded store
 *   });
 *
 * Keep the work in a function both sides call (the API route calls it in the service), so the two
 * paths cannot drift. A holder without a URL (another command, or a service still starting) gives
 * the clear `StoreLockedError` naming its process.
 */
import { AppError, StoreLockedError, errorMessage } from '../errors/index.js';
import { registerSecret } from '../log/redact.js';
import { adminTokenPath, readAdminToken } from '../service/admin-token.js';
import { type Store, openStore } from '../store/open.js';
import type { CommandContext } from './context.js';

/** The service answered with an error; `code`, `message` and `hint` are the service's. */
export class ServiceCallError extends AppError {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown, where: string) {
    const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const message = typeof b.message === 'string' ? b.message : `${where} answered ${status}`;
    super(typeof b.code === 'string' ? b.code : 'service_error', message, {
      ...(typeof b.hint === 'string' ? { hint: b.hint } : {}),
      details: { status, ...(typeof b.requestId === 'string' ? { requestId: b.requestId } : {}) },
    });
    this.status = status;
    this.body = body;
  }
}

/** A JSON client for the running service's REST API, with the local admin token. */
export class ServiceClient {
  constructor(
    readonly url: string,
    private readonly token: string,
    private readonly options: { timeoutMs?: number; pid?: number } = {},
  ) {
    registerSecret(token);
  }

  /** The same client with another timeout per call (a route that works long: retrying many records). */
  withTimeout(timeoutMs: number): ServiceClient {
    return new ServiceClient(this.url, this.token, { ...this.options, timeoutMs });
  }

  /**
   * Any status: the parsed JSON body and the status (for routes whose errors carry data, e.g. 502
   * from `POST /api/ops/{name}`).
   */
  async raw(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 300_000),
      });
    } catch (e) {
      throw new AppError(
        'service_unreachable',
        `The service at ${this.url}${this.options.pid ? ` (process ${this.options.pid})` : ''} holds the store but did not answer: ${errorMessage(e)}`,
        {
          hint: this.options.pid
            ? `Check that process ${this.options.pid} is healthy (GET ${this.url}/readyz), or stop it and run the command again.`
            : `Check GET ${this.url}/readyz.`,
        },
      );
    }
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      parsed = { message: text.slice(0, 500) };
    }
    return { status: res.status, body: parsed };
  }

  /** A 2xx answer's body; anything else throws `ServiceCallError` with the service's message and hint. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.ok<T>(await this.raw(method, path, body), `${method} ${path}`);
  }

  /** The body of a 2xx answer from `raw`; otherwise the error the service described. */
  ok<T>(r: { status: number; body: unknown }, where: string): T {
    if (r.status >= 200 && r.status < 300) return r.body as T;
    if (r.status === 401) {
      throw new AppError('service_auth', `The service at ${this.url} refused the local admin token.`, {
        hint: 'Restart the service: it writes a fresh token to <dataDir>/service-token on start.',
      });
    }
    throw new ServiceCallError(r.status, r.body, where);
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }
}

/** The client for the service named by a lock error (reads the local admin token). */
export function serviceClientFor(
  ctx: CommandContext,
  locked: StoreLockedError & { url: string },
): ServiceClient {
  const token = readAdminToken(ctx.config.dataDir);
  if (!token) {
    throw new AppError(
      'service_token_missing',
      `The service at ${locked.url} (process ${locked.pid}) holds the store, but ${adminTokenPath(ctx.config.dataDir)} is missing.`,
      { hint: 'Restart the service (it writes the token on start), or stop it and run the command again.' },
    );
  }
  return new ServiceClient(locked.url, token, { pid: locked.pid });
}

function hasUrl(e: unknown): e is StoreLockedError & { url: string } {
  return e instanceof StoreLockedError && typeof e.url === 'string' && e.url !== '';
}

/**
 * Runs `local` (which opens the store itself); when a running service holds the embedded store,
 * runs `remote` against its API instead.
 *
 * @example
 * const executor = await localOrService(ctx, () => provider.createExecutor(ctx), (api) => remoteExecutor(api));
 */
export async function localOrService<T>(
  ctx: CommandContext,
  local: () => Promise<T>,
  remote: (api: ServiceClient) => Promise<T>,
): Promise<T> {
  try {
    return await local();
  } catch (e) {
    if (!hasUrl(e)) throw e;
    ctx.logger.debug({ url: e.url, pid: e.pid }, 'the service holds the store: going through its REST API');
    return remote(serviceClientFor(ctx, e));
  }
}

/**
 * Opens the store for `local`, or — while a service holds the embedded store — calls `remote` with
 * a client for its REST API.
 *
 * @example
 * const r = await withStoreOrService(ctx, {
 *   local: (store) => createApiToken(store.db, name),
 *   remote: (api) => api.post('/api/tokens', { name }),
 * });
 */
export async function withStoreOrService<T>(
  ctx: CommandContext,
  paths: { local: (store: Store) => Promise<T>; remote: (api: ServiceClient) => Promise<T> },
): Promise<T> {
  let store: Store;
  try {
    store = await openStore(ctx.config, { logger: ctx.logger });
  } catch (e) {
    if (!hasUrl(e)) throw e;
    ctx.logger.debug({ url: e.url, pid: e.pid }, 'the service holds the store: going through its REST API');
    return paths.remote(serviceClientFor(ctx, e));
  }
  try {
    return await paths.local(store);
  } finally {
    await store.close();
  }
}
