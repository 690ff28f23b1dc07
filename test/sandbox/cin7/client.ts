/** A bare HTTP caller for the Cin7 sandbox tests: no retries, no parsing beyond JSON when it is JSON. */
import type { Cin7Sandbox } from '../../../sandbox/cin7/index.js';

export interface Answer {
  status: number;
  text: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  body: unknown;
  headers: Headers;
}

/** A JSON answer body as a record (tests then read fields by name). */
export type Json = Record<string, unknown>;

export function authHeaders(s: Pick<Cin7Sandbox, 'accountId' | 'applicationKey'>): Record<string, string> {
  return { 'api-auth-accountid': s.accountId, 'api-auth-applicationkey': s.applicationKey };
}

/** Calls `${s.baseUrl}${path}` with the sandbox's credentials unless `headers` replaces them. */
export async function api(
  s: Cin7Sandbox,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = authHeaders(s),
): Promise<Answer> {
  const res = await fetch(`${s.baseUrl}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, text, body: parsed, headers: res.headers };
}

export function json(a: Answer): Json {
  if (!a.body || typeof a.body !== 'object' || Array.isArray(a.body))
    throw new Error(`expected a JSON object, got ${a.status}: ${a.text.slice(0, 200)}`);
  return a.body as Json;
}

export function list(a: Answer, key: string): Json[] {
  const v = json(a)[key];
  if (!Array.isArray(v)) throw new Error(`expected ${key} to be an array in ${a.text.slice(0, 200)}`);
  return v as Json[];
}

/** A customer body that passes Cin7's required-field rules, with the sandbox's reference values. */
export function newCustomer(name: string, extra: Json = {}): Json {
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
        Name: `${name} Contact`,
        Email: `${name.toLowerCase().replace(/[^a-z]/g, '')}@example.com`,
        Default: true,
      },
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
    ],
    ...extra,
  };
}

/** A high limit so functional tests never meet the rate limit by accident. */
export const NO_RATE_LIMIT = { limit: 1_000_000, windowMs: 60_000 };
