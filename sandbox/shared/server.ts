import { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultInjector } from './faults.js';

/** What a route handler sees. */
export interface SandboxRequest {
  method: string;
  /** The path without the query string, as received. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** The route's name, e.g. `ghl.contacts.get`. */
  routeName: string;
}

/** What a route handler answers. `raw` sends text as is (HTML pages, malformed bodies). */
export interface SandboxResponse {
  status: number;
  body?: unknown;
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export type Handler = (req: SandboxRequest) => Promise<SandboxResponse> | SandboxResponse;

interface Route {
  method: string;
  segments: string[];
  name: string;
  handler: Handler;
  write: boolean;
  /** Control routes are never subject to faults, auth or rate limits. */
  control: boolean;
}

/**
 * A tiny router: `:name` segments capture; a trailing slash is optional on both sides.
 *
 * @example
 * router.add('GET', '/contacts/:contactId', 'ghl.contacts.get', (req) => ({ status: 200, body: {} }));
 */
export class Router {
  private readonly routes: Route[] = [];

  constructor(private readonly options: { caseInsensitive?: boolean } = {}) {}

  add(
    method: string,
    pattern: string,
    name: string,
    handler: Handler,
    opts: { write?: boolean; control?: boolean } = {},
  ): this {
    this.routes.push({
      method: method.toUpperCase(),
      segments: split(pattern, this.options.caseInsensitive),
      name,
      handler,
      write: opts.write ?? method.toUpperCase() !== 'GET',
      control: opts.control ?? false,
    });
    return this;
  }

  /** Finds the route; literal segments win over `:param` segments. */
  match(
    method: string,
    path: string,
  ): { route: Route; params: Record<string, string> } | { methodNotAllowed: true } | null {
    const parts = split(path, false);
    let best: { route: Route; params: Record<string, string>; literals: number } | null = null;
    let pathMatched = false;
    for (const route of this.routes) {
      if (route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let literals = 0;
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const seg = route.segments[i] as string;
        const part = parts[i] as string;
        if (seg.startsWith(':')) params[seg.slice(1)] = decodeURIComponent(part);
        else if (seg === (this.options.caseInsensitive ? part.toLowerCase() : part)) literals++;
        else {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      pathMatched = true;
      if (route.method !== method.toUpperCase()) continue;
      if (!best || literals > best.literals) best = { route, params, literals };
    }
    if (best) return { route: best.route, params: best.params };
    return pathMatched ? { methodNotAllowed: true } : null;
  }
}

function split(path: string, lower: boolean | undefined): string[] {
  const p = lower ? path.toLowerCase() : path;
  return p.split('/').filter((s) => s.length > 0);
}

export interface ServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  router: Router;
  faults?: FaultInjector;
  /** Runs before an API route's handler (auth, version header, rate limit); an answer stops there. */
  guard?: (
    req: SandboxRequest,
    route: { name: string; write: boolean },
  ) => SandboxResponse | null | Promise<SandboxResponse | null>;
  /** Headers added to every API answer (e.g. rate-limit headers), computed after the guard. */
  decorate?: (req: SandboxRequest, res: SandboxResponse) => void;
  notFound?: (req: SandboxRequest) => SandboxResponse;
  /** Answer for a known path with a method it does not serve (default: a 405 in GHL's shape). */
  methodNotAllowed?: (req: SandboxRequest) => SandboxResponse;
  /** Body of an injected status fault, in the vendor's error shape (default: GHL's `{statusCode, message}`). */
  faultBody?: (status: number) => unknown;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts an HTTP server on loopback that routes JSON requests and applies faults.
 *
 * @example
 * const server = await startServer({ router, port: 0 }); console.log(server.url);
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((req, res) => {
    void handle(options, req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ statusCode: 500, message: err instanceof Error ? err.message : String(err) }),
        );
      } else res.destroy();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function handle(options: ServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks);
  const url = new URL(req.url ?? '/', 'http://sandbox.local');
  const method = (req.method ?? 'GET').toUpperCase();
  const base: SandboxRequest = {
    method,
    path: url.pathname,
    params: {},
    query: url.searchParams,
    headers: req.headers,
    rawBody,
    routeName: '',
  };
  const matched = options.router.match(method, url.pathname);
  if (matched === null || 'methodNotAllowed' in matched) {
    const answer =
      matched === null
        ? (options.notFound?.(base) ?? {
            status: 404,
            body: { statusCode: 404, message: `Cannot ${method} ${url.pathname}` },
          })
        : (options.methodNotAllowed?.(base) ?? {
            status: 405,
            body: { statusCode: 405, message: `Method ${method} not allowed on ${url.pathname}` },
          });
    return write(res, answer);
  }
  const { route, params } = matched;
  const sreq: SandboxRequest = { ...base, params, routeName: route.name };
  if (route.control) return write(res, await route.handler(sreq));

  const faults = options.faults;
  const latency = faults?.latency(route.name) ?? 0;
  if (latency > 0) await new Promise((r) => setTimeout(r, latency));
  const guarded = options.guard ? await options.guard(sreq, { name: route.name, write: route.write }) : null;
  if (guarded) {
    options.decorate?.(sreq, guarded);
    return write(res, guarded);
  }
  const before = faults?.before(route.name) ?? null;
  if (before?.kind === 'reset') {
    res.socket?.destroy();
    return;
  }
  if (before?.kind === 'status') {
    const answer: SandboxResponse = {
      status: before.status,
      body: options.faultBody?.(before.status) ?? {
        statusCode: before.status,
        message: `Injected fault: ${before.status}`,
      },
    };
    options.decorate?.(sreq, answer);
    return write(res, answer);
  }
  const answer = await route.handler(sreq);
  options.decorate?.(sreq, answer);
  const after = faults?.after(route.name, route.write) ?? null;
  if (after?.kind === 'afterWrite') {
    res.socket?.destroy();
    return;
  }
  if (after?.kind === 'malformed' && answer.status < 300) {
    const text = JSON.stringify(answer.body ?? {});
    return write(res, { ...answer, raw: text.slice(0, Math.max(1, Math.floor(text.length / 2))) });
  }
  return write(res, answer);
}

function write(res: ServerResponse, answer: SandboxResponse): void {
  const headers: Record<string, string> = { ...answer.headers };
  let payload = '';
  if (answer.raw !== undefined) {
    payload = answer.raw;
    headers['content-type'] ??= answer.contentType ?? 'application/json; charset=utf-8';
  } else if (answer.body !== undefined) {
    payload = JSON.stringify(answer.body);
    headers['content-type'] ??= answer.contentType ?? 'application/json; charset=utf-8';
  }
  res.writeHead(answer.status, headers);
  res.end(payload);
}
