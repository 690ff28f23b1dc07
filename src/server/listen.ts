import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { AppEnv } from './app.js';

export interface Listening {
  url: string;
  port: number;
  /** Stops accepting connections and waits for open requests to finish (up to `timeoutMs`). */
  close(timeoutMs?: number): Promise<void>;
}

/**
 * Serves the app on `host:port` (127.0.0.1 by default; port 0 picks a free one).
 *
 * @example
 * const { url, close } = await listen(app, { port: 3000 });
 */
export async function listen(
  app: Hono<AppEnv>,
  options: { host?: string; port?: number } = {},
): Promise<Listening> {
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }) as Server;
    s.once('listening', () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    close: (timeoutMs = 10_000) =>
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
