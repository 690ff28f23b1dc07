/**
 * A Cin7 sandbox with a client in front of it, for the Cin7 client, feed and webhook tests. The
 * client's fetch is recorded so tests can check what went over the wire.
 */
import { type Cin7Sandbox, type Cin7SandboxOptions, startCin7Sandbox } from '../../sandbox/cin7/index.js';
import { Cin7Client } from '../../src/cin7/client.js';
import { cin7HttpRules } from '../../src/cin7/http-rules.js';
import { CallCounter, HttpClient, type RateLimitSpec, type RetryPolicy } from '../../src/http/index.js';

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  /** Parsed JSON body, or undefined. */
  body: unknown;
}

export interface SandboxClient {
  sandbox: Cin7Sandbox;
  client: Cin7Client;
  http: HttpClient;
  counter: CallCounter;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** A rate limit so high that functional tests never wait for the limiter. */
export const UNLIMITED: RateLimitSpec = { requests: 1_000_000, windowMs: 60_000 };
/** The same for the sandbox's sliding window. */
export const SANDBOX_UNLIMITED = { limit: 1_000_000, windowMs: 60_000 };

/**
 * Starts a sandbox (no rate limit unless given) and a client for it.
 *
 * @example
 * const t = await sandboxClient({ customers: 20 }); try { await t.client.me(); } finally { await t.close(); }
 */
export async function sandboxClient(
  options: Cin7SandboxOptions = {},
  client: { rateLimit?: RateLimitSpec; pageSize?: number; retry?: Partial<RetryPolicy> } = {},
): Promise<SandboxClient> {
  const sandbox = await startCin7Sandbox({ rateLimit: SANDBOX_UNLIMITED, ...options });
  const requests: RecordedRequest[] = [];
  const counter = new CallCounter();
  const recordingFetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => {
      headers[k] = v;
    });
    const text = typeof init?.body === 'string' ? init.body : undefined;
    requests.push({ method: init?.method ?? 'GET', url, headers, body: text ? JSON.parse(text) : undefined });
    return fetch(input, init);
  };
  const http = new HttpClient({
    rules: [
      cin7HttpRules({
        rateLimit: client.rateLimit ?? UNLIMITED,
        timeoutMs: 30_000,
        ...(client.retry ? { retry: client.retry } : {}),
      }),
    ],
    counter,
    fetch: recordingFetch,
  });
  const cin7 = new Cin7Client({
    http,
    baseUrl: sandbox.baseUrl,
    accountId: sandbox.accountId,
    applicationKey: sandbox.applicationKey,
    pageSize: client.pageSize ?? 1000,
  });
  return { sandbox, client: cin7, http, counter, requests, close: () => sandbox.close() };
}

/** A customer body that passes Cin7's required-field rules, with the sandbox's reference values. */
export function newCustomer(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Name: name,
    Status: 'Active',
    Currency: 'USD',
    PaymentTerm: '30 days',
    AccountReceivable: '610',
    RevenueAccount: '200',
    TaxRule: 'Tax Exempt',
    PriceTier: 'Tier 1',
    Contacts: [
      {
        Name: `${name} Main`,
        Email: `${name.toLowerCase().replace(/[^a-z]/g, '')}@example.com`,
        Default: true,
      },
      { Name: `${name} Second`, Phone: '+1 555 0100' },
    ],
    Addresses: [
      {
        Line1: '1 Main Street',
        City: 'Austin',
        State: 'TX',
        Postcode: '78701',
        Country: 'United States',
        Type: 'Billing',
      },
      { Line1: '2 Dock Road', City: 'Austin', Country: 'United States', Type: 'Shipping' },
    ],
    ...extra,
  };
}
