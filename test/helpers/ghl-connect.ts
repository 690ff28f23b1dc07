/**
 * GHL pieces for tests: a config pointing at a running GHL sandbox, an OAuth connection made
 * through the real flow (pending state → sandbox consent → code exchange → vault), and a recording
 * `fetch` that keeps every request the client sends.
 */
import type { Config } from '../../src/config/load.js';
import type { GhlConnection } from '../../src/ghl/connections.js';
import { completeGhlConnect, startGhlConnect } from '../../src/ghl/oauth.js';
import type { HttpClient } from '../../src/http/client.js';
import type { Logger } from '../../src/log/logger.js';
import type { Store } from '../../src/store/open.js';
import type { GhlSandbox } from '../../sandbox/ghl/index.js';

/** `config` with its GHL settings pointed at the sandbox (base URL, consent page, client id and secret). */
export function withGhlSandbox(config: Config, sb: GhlSandbox, ghl: Partial<Config['ghl']> = {}): Config {
  return {
    ...config,
    ghl: {
      ...config.ghl,
      baseUrl: sb.baseUrl,
      authorizeUrl: sb.authorizeUrl,
      clientId: sb.clientId,
      ...ghl,
    },
    secrets: { ...config.secrets, ghlClientSecret: sb.clientSecret },
  };
}

/**
 * Connects the sandbox's location with OAuth through the product's own flow, approving the consent
 * in the sandbox (no browser). Answers the stored connection.
 *
 * @example
 * const connection = await connectGhlViaSandbox({ store, config, http, logger }, sb);
 */
export async function connectGhlViaSandbox(
  deps: { store: Store; config: Config; http: HttpClient; logger: Logger },
  sb: GhlSandbox,
  scopes?: string[],
): Promise<GhlConnection> {
  const started = await startGhlConnect(deps.store, deps.config, scopes ? { scopes } : {});
  const { code } = sb.control.authorize({
    scopes: started.scopes,
    redirectUri: started.redirectUri,
    state: started.state,
  });
  const done = await completeGhlConnect(deps, { code, state: started.state });
  return done.connection;
}

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  /** The raw body text, or undefined when none was sent. */
  body: string | undefined;
}

/** A `fetch` for `HttpClient` that records each request, then sends it for real. */
export function recordingFetch(): { fetch: typeof fetch; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const wrapped: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => {
      headers[k.toLowerCase()] = v;
    });
    requests.push({
      method: (init?.method ?? 'GET').toUpperCase(),
      url,
      headers,
      body: typeof init?.body === 'string' ? init.body : undefined,
    });
    return fetch(input, init);
  };
  return { fetch: wrapped, requests };
}
