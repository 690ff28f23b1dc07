/**
 * The HTTP server, bound before the app is built: the port is known (port 0, or the next free one)
 * before the routes are made, so OAuth redirect URIs and the lock file name the real address.
 * Requests that arrive before the app is attached get 503.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { InputError } from '../errors/index.js';

export interface BoundServer {
  url: string;
  port: number;
  /** Whether the port differs from the one asked for (a fallback was used). */
  movedFrom: number | null;
  attach(app: FetchHandler): void;
  /** Stops accepting connections, waits up to `timeoutMs` for open requests, then cuts the rest. */
  close(timeoutMs: number): Promise<void>;
}

/** What serves requests: a hono app, or anything with its `fetch`. */
export interface FetchHandler {
  fetch(request: Request, env: unknown): Response | Promise<Response>;
}

export interface BindOptions {
  host: string;
  port: number;
  /** Try up to this many following ports when the port is taken (default 0: fail instead). */
  portFallback?: number;
}

function shownUrl(host: string, port: number): string {
  // A wildcard address is not something to connect to: the CLI and the lock file use loopback.
  const h = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}`;
}

/**
 * Binds `host:port` (with optional fallback to the next free ports).
 *
 * @example
 * const server = await bindServer({ host: '127.0.0.1', port: 3000, portFallback: 20 });
 * server.attach(app); console.log(server.url);
 */
export async function bindServer(options: BindOptions): Promise<BoundServer> {
  let handler: FetchHandler | null = null;
  const server = createAdaptorServer({
    fetch: (req: Request, env: unknown) =>
      handler
        ? handler.fetch(req, env)
        : new Response(
            JSON.stringify({ error: 'Starting', message: 'The service is starting; retry in a moment.' }),
            {
              status: 503,
              headers: { 'content-type': 'application/json', 'retry-after': '1' },
            },
          ),
  }) as Server;
  const tries = Math.max(0, options.portFallback ?? 0);
  let port = options.port;
  for (let i = 0; ; i++) {
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (e: Error) => {
          server.off('listening', onListening);
          reject(e);
        };
        const onListening = () => {
          server.off('error', onError);
          resolve();
        };
        server.once('error', onError);
        server.once('listening', onListening);
        server.listen(port, options.host);
      });
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' && i < tries && port !== 0) {
        port += 1;
        continue;
      }
      if (code === 'EADDRINUSE') {
        throw new InputError(
          `${options.host}:${port}`,
          'the port is already in use',
          'stop what uses it, or choose another port with --port N (or CIN7_GHL_PORT)',
        );
      }
      throw e;
    }
  }
  const actual = (server.address() as AddressInfo).port;
  return {
    url: shownUrl(options.host, actual),
    port: actual,
    movedFrom: options.port !== 0 && actual !== options.port ? options.port : null,
    attach: (app) => {
      handler = app;
    },
    close: (timeoutMs) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.closeAllConnections();
          resolve();
        }, timeoutMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
