/**
 * `cin7-ghl trigger simulate <trigger> --params '<json>'`: fires a catalog trigger end to end
 * against the sandboxes (never a real vendor: both base URLs must be loopback), for testing a setup.
 *
 * - `cin7.Customer/Updated` `{customerId, url?, secret?, patch?}`: (with `url`) registers a
 *   Customer/Updated webhook at `url` with `secret` as its bearer token, edits the customer in the
 *   Cin7 sandbox as a user would (`patch`, default a `Comments` change), and has the sandbox deliver
 *   the webhook now; answers the delivery and its attempts.
 * - `cin7.Sale/Created`, `cin7.Sale/QuoteAuthorised`, `cin7.Sale/OrderAuthorised`,
 *   `cin7.Sale/InvoiceAuthorised`, `cin7.Sale/Voided` `{customerId, url?, secret?}`: a new sale for the
 *   customer, moved to the status the event names, delivered likewise.
 * - `cin7.poll.customers`, `cin7.poll.sales`: runs that poll pass now in the foreground (the feed
 *   read, then the sync of every customer it changed), as the schedule would.
 * - `ghl.ContactCreate` `{fields, url?}`, `ghl.ContactUpdate` / `ghl.ContactTagUpdate`
 *   `{contactId, fields, url?}`, `ghl.ContactDelete` `{contactId, url?}`, `ghl.NoteCreate`
 *   `{contactId, body, url?}`, `ghl.TaskCreate` `{contactId, title, url?}`, `ghl.TaskComplete`
 *   `{contactId, taskId, url?}`: the change made in the GHL sandbox as a GHL user; with `url` the
 *   sandbox's webhook URL is set to it first; answers the signed deliveries.
 */
import { InputError } from '../../errors/index.js';

export interface SimulateParams {
  [key: string]: unknown;
}

/** Where the sandboxes are: the configured base URLs. */
export interface SimulateTargets {
  ghlBaseUrl: string;
  cin7BaseUrl: string;
  /** Cin7 credentials (to register a webhook at `url`). */
  cin7?: { accountId: string; applicationKey: string } | null;
}

/** What a simulation answers. */
export interface SimulateResult {
  trigger: string;
  /** What was done, in words. */
  did: string[];
  /** The webhook deliveries the sandbox made for it (status of each attempt). */
  deliveries: unknown[];
  details?: unknown;
}

export const SIMULATED_TRIGGERS = [
  'cin7.Customer/Updated',
  'cin7.Sale/Created',
  'cin7.Sale/QuoteAuthorised',
  'cin7.Sale/OrderAuthorised',
  'cin7.Sale/InvoiceAuthorised',
  'cin7.Sale/Voided',
  'cin7.poll.customers',
  'cin7.poll.sales',
  'ghl.ContactCreate',
  'ghl.ContactUpdate',
  'ghl.ContactTagUpdate',
  'ghl.ContactDelete',
  'ghl.NoteCreate',
  'ghl.TaskCreate',
  'ghl.TaskComplete',
] as const;

const SALE_STATUS: Record<string, string | null> = {
  'cin7.Sale/Created': null,
  'cin7.Sale/QuoteAuthorised': 'ESTIMATED',
  'cin7.Sale/OrderAuthorised': 'ORDERED',
  'cin7.Sale/InvoiceAuthorised': 'INVOICED',
  'cin7.Sale/Voided': 'VOIDED',
};

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The sandbox control root of a Cin7 base URL (`…/ExternalApi/v2` → `…`). */
export function cin7ControlRoot(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/\/externalapi\/v2$/i, '');
}

function assertLoopback(url: string, what: string): void {
  const host = URL.canParse(url) ? new URL(url).hostname : '';
  if (!LOOPBACK.has(host)) {
    throw new InputError(
      `trigger simulate (${what})`,
      `${url} is not a sandbox on this machine`,
      'trigger simulate only drives the sandboxes: start them with `cin7-ghl sandbox` and point GHL_BASE_URL / CIN7_BASE_URL at them',
    );
  }
}

async function call(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<unknown> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  const json: unknown = text ? JSON.parse(text) : null;
  if (!res.ok) {
    throw new InputError(
      `${method} ${new URL(url).pathname}`,
      `the sandbox answered ${res.status}: ${text.slice(0, 300)}`,
      'check the parameters',
    );
  }
  return json;
}

function str(params: SimulateParams, key: string, required = true): string | undefined {
  const v = params[key];
  if (v === undefined || v === null || v === '') {
    if (required) throw new InputError(`--params.${key}`, 'is required', `pass --params '{"${key}":"…"}'`);
    return undefined;
  }
  if (typeof v !== 'string')
    throw new InputError(`--params.${key}`, 'must be a string', `pass "${key}": "…"`);
  return v;
}

/**
 * Fires one of `SIMULATED_TRIGGERS` against the sandboxes. `cin7.poll.*` need `runPoll` (they sync
 * in the foreground with the store and clients, which the caller owns).
 *
 * @example
 * await simulateTrigger('cin7.Customer/Updated', { customerId, url: 'http://127.0.0.1:3000/webhooks/cin7/customers', secret }, targets);
 */
export async function simulateTrigger(
  trigger: string,
  params: SimulateParams,
  targets: SimulateTargets,
  runPoll?: (feed: 'customers' | 'sales') => Promise<unknown>,
): Promise<SimulateResult> {
  if (!(SIMULATED_TRIGGERS as readonly string[]).includes(trigger)) {
    throw new InputError(
      'trigger simulate',
      `"${trigger}" cannot be simulated`,
      `use one of ${SIMULATED_TRIGGERS.join(', ')}`,
    );
  }
  if (trigger === 'cin7.poll.customers' || trigger === 'cin7.poll.sales') {
    assertLoopback(targets.cin7BaseUrl, 'Cin7');
    assertLoopback(targets.ghlBaseUrl, 'GHL');
    if (!runPoll)
      throw new InputError('trigger simulate', 'no store to run the pass with', 'run it from the CLI');
    const feed = trigger === 'cin7.poll.customers' ? 'customers' : 'sales';
    const report = await runPoll(feed);
    return {
      trigger,
      did: [`ran a ${feed} poll pass and synced what it changed`],
      deliveries: [],
      details: report,
    };
  }
  if (trigger.startsWith('cin7.')) return simulateCin7(trigger, params, targets);
  return simulateGhl(trigger, params, targets);
}

async function simulateCin7(
  trigger: string,
  params: SimulateParams,
  targets: SimulateTargets,
): Promise<SimulateResult> {
  assertLoopback(targets.cin7BaseUrl, 'Cin7');
  const root = cin7ControlRoot(targets.cin7BaseUrl);
  const customerId = str(params, 'customerId') as string;
  const url = str(params, 'url', false);
  const type = trigger.slice('cin7.'.length);
  const did: string[] = [];
  if (url) {
    const secret = str(params, 'secret') as string;
    if (!targets.cin7) {
      throw new InputError(
        'trigger simulate',
        'no Cin7 credentials to register the webhook with',
        'set CIN7_ACCOUNT_ID and CIN7_APPLICATION_KEY',
      );
    }
    const auth = {
      'api-auth-accountid': targets.cin7.accountId,
      'api-auth-applicationkey': targets.cin7.applicationKey,
    };
    const base = targets.cin7BaseUrl.replace(/\/+$/, '');
    const listed = (await call('GET', `${base}/webhooks`, undefined, auth)) as {
      Webhooks?: Array<Record<string, unknown>>;
    };
    const existing = (listed.Webhooks ?? []).find(
      (h) => String(h.Type).toLowerCase() === type.toLowerCase() && String(h.ExternalURL) === url,
    );
    const hook = {
      Type: type,
      IsActive: true,
      ExternalURL: url,
      ExternalAuthorizationType: 'bearerauth',
      ExternalBearerToken: secret,
    };
    if (existing) await call('PUT', `${base}/webhooks`, { ...hook, ID: existing.ID }, auth);
    else await call('POST', `${base}/webhooks`, hook, auth);
    did.push(`registered ${type} → ${url}`);
  }
  const before = ((await call('GET', `${root}/_sandbox/webhooks/deliveries`)) as unknown[]).length;
  if (type === 'Customer/Updated') {
    const patch = (params.patch as Record<string, unknown> | undefined) ?? {
      Comments: `trigger simulate ${new Date().toISOString()}`,
    };
    await call('POST', `${root}/_sandbox/customers/${encodeURIComponent(customerId)}/edit`, patch);
    did.push(`edited customer ${customerId} in the Cin7 sandbox (${Object.keys(patch).join(', ')})`);
  } else {
    const sale = (await call('POST', `${root}/_sandbox/sales`, { CustomerID: customerId })) as {
      SaleID?: string;
    };
    did.push(`created sale ${sale.SaleID} for customer ${customerId}`);
    const status = SALE_STATUS[trigger];
    if (status === 'VOIDED') {
      await call('POST', `${root}/_sandbox/sales/${sale.SaleID}/void`);
      did.push('voided it');
    } else if (status) {
      await call('POST', `${root}/_sandbox/sales/${sale.SaleID}/update`, { Status: status });
      did.push(`moved it to ${status}`);
    }
  }
  const flushed = (await call('POST', `${root}/_sandbox/webhooks/flush`)) as { flushed?: number };
  did.push(`had the sandbox deliver ${flushed.flushed ?? 0} waiting webhook(s) now`);
  const deliveries = ((await call('GET', `${root}/_sandbox/webhooks/deliveries`)) as unknown[]).slice(before);
  return { trigger, did, deliveries };
}

async function simulateGhl(
  trigger: string,
  params: SimulateParams,
  targets: SimulateTargets,
): Promise<SimulateResult> {
  assertLoopback(targets.ghlBaseUrl, 'GHL');
  const root = targets.ghlBaseUrl.replace(/\/+$/, '');
  const url = str(params, 'url', false);
  const did: string[] = [];
  if (url) {
    await call('POST', `${root}/_sandbox/settings`, { webhookUrl: url });
    did.push(`set the GHL sandbox's webhook URL to ${url}`);
  }
  const before = ((await call('GET', `${root}/_sandbox/webhooks`)) as { deliveries: unknown[] }).deliveries
    .length;
  const fields = (params.fields as Record<string, unknown> | undefined) ?? {};
  const id = () => encodeURIComponent(str(params, 'contactId') as string);
  let details: unknown;
  switch (trigger) {
    case 'ghl.ContactCreate':
      details = await call('POST', `${root}/_sandbox/contacts`, fields);
      did.push('created a contact as a GHL user');
      break;
    case 'ghl.ContactUpdate':
    case 'ghl.ContactTagUpdate':
      details = await call('PUT', `${root}/_sandbox/contacts/${id()}`, fields);
      did.push(`edited contact ${params.contactId} as a GHL user (${Object.keys(fields).join(', ')})`);
      break;
    case 'ghl.ContactDelete':
      await call('DELETE', `${root}/_sandbox/contacts/${id()}`);
      did.push(`deleted contact ${params.contactId}`);
      break;
    case 'ghl.NoteCreate':
      details = await call('POST', `${root}/_sandbox/contacts/${id()}/notes`, {
        body: str(params, 'body', false) ?? 'A note from trigger simulate',
      });
      did.push(`added a note to contact ${params.contactId}`);
      break;
    case 'ghl.TaskCreate':
      details = await call('POST', `${root}/_sandbox/contacts/${id()}/tasks`, {
        title: str(params, 'title', false) ?? 'A task from trigger simulate',
      });
      did.push(`added a task to contact ${params.contactId}`);
      break;
    case 'ghl.TaskComplete':
      details = await call(
        'POST',
        `${root}/_sandbox/contacts/${id()}/tasks/${encodeURIComponent(str(params, 'taskId') as string)}/complete`,
      );
      did.push(`completed task ${params.taskId}`);
      break;
  }
  await call('POST', `${root}/_sandbox/webhooks/wait`, { includeRetries: false });
  const deliveries = (
    (await call('GET', `${root}/_sandbox/webhooks`)) as { deliveries: unknown[] }
  ).deliveries.slice(before);
  return { trigger, did, deliveries, details };
}
