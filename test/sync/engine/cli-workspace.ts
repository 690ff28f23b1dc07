/**
 * What the CLI tests of the sync need: a working directory with a config file (rate windows scaled
 * like the sandboxes'), a ready embedded store, the environment pointing at the sandboxes; and a
 * recording proxy in front of the GHL sandbox (it records every request as received, and can refuse
 * some the way GHL refuses data it will not store).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Sandboxes } from '../../../sandbox/index.js';
import { seedPgliteDir } from '../../helpers/store.js';
import { sandboxEnv, scaledConfigYaml } from './harness.js';

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

export interface GhlProxy {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A loopback proxy to `target` that records each request (method, path, JSON body) and answers
 * `refuse(req)` instead of forwarding when it returns an answer.
 *
 * @example
 * const proxy = await startGhlProxy(sb.ghl.baseUrl, (r) => r.path === '/contacts/upsert' ? null : null);
 */
export async function startGhlProxy(
  target: string,
  refuse: (req: RecordedRequest) => { status: number; body: unknown } | null = () => null,
): Promise<GhlProxy> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const raw = Buffer.concat(chunks);
        let body: unknown = null;
        try {
          body = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : null;
        } catch {
          body = raw.toString('utf8');
        }
        const url = new URL(req.url ?? '/', 'http://proxy');
        const recorded = { method: req.method ?? 'GET', path: url.pathname, body };
        requests.push(recorded);
        const refusal = refuse(recorded);
        if (refusal) {
          res.writeHead(refusal.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(refusal.body));
          return;
        }
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) {
          if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) headers[k] = v;
        }
        const answer = await fetch(`${target}${url.pathname}${url.search}`, {
          method: req.method ?? 'GET',
          headers,
          ...(raw.length > 0 ? { body: raw } : {}),
          signal: AbortSignal.timeout(15_000),
        });
        const out: Record<string, string> = {};
        answer.headers.forEach((v, k) => {
          if (!['content-length', 'connection', 'transfer-encoding', 'content-encoding'].includes(k))
            out[k] = v;
        });
        res.writeHead(answer.status, out);
        res.end(Buffer.from(await answer.arrayBuffer()));
      })().catch((e: unknown) => {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ statusCode: 502, message: String(e) }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface CliWorkspace {
  /** The working directory (config file, mapping and rule files). */
  cwd: string;
  env: Record<string, string>;
  cleanup(): void;
}

/**
 * A directory where `cin7-ghl` runs against the sandboxes with an embedded store ready to open.
 *
 * @example
 * const ws = await cliWorkspace(sb, { timeScale: 100 });
 * await runCli(['sync', 'run', '--json'], { env: ws.env, cwd: ws.cwd });
 */
export async function cliWorkspace(
  sb: Sandboxes,
  options: { timeScale: number; ghlBaseUrl?: string; rulesYaml?: string; configured?: boolean },
): Promise<CliWorkspace> {
  const cwd = mkdtempSync(path.join(tmpdir(), 'cin7ghl-sync-cli-'));
  const sync: string[] = [];
  if (options.rulesYaml) {
    writeFileSync(path.join(cwd, 'tag-rules.yaml'), options.rulesYaml);
    sync.push('sync:', '  tagRulesFile: tag-rules.yaml');
  }
  writeFileSync(
    path.join(cwd, 'cin7-ghl.sandbox.yaml'),
    scaledConfigYaml(options.timeScale, sync.join('\n')),
  );
  await seedPgliteDir(path.join(cwd, 'data', 'sandbox'));
  const env: Record<string, string> = {
    CIN7_GHL_DATA_DIR: path.join(cwd, 'data'),
    CIN7_GHL_LOG_LEVEL: 'warn',
    ...(options.configured === false ? {} : sandboxEnv(sb, options.ghlBaseUrl)),
  };
  return { cwd, env, cleanup: () => rmSync(cwd, { recursive: true, force: true }) };
}

/** Customer fields Cin7 requires on create, with the sandbox's reference data. */
export const CUSTOMER_DEFAULTS = {
  Status: 'Active',
  Currency: 'USD',
  PaymentTerm: '30 days',
  AccountReceivable: '610',
  RevenueAccount: '200',
  TaxRule: 'Tax Exempt',
};
