import type { FaultConfig } from '../shared/faults.js';
import type { Router, SandboxRequest, SandboxResponse } from '../shared/server.js';
import { formatUtc } from './clock.js';
import type { Json } from './customer-input.js';
import type { CustomerRecord } from './customer-store.js';
import type { Cin7Knobs } from './options.js';
import { Cin7HttpError } from './responses.js';
import { customerOut } from './routes.js';
import { saleRow } from './sale-model.js';
import type { Cin7Tenant, SaleInput, SaleUpdate } from './tenant.js';
import type { Cin7Customer } from './types.js';
import type { DeliveryRecord } from './webhook-dispatcher.js';

/** API calls seen since start (or the last reset). */
export interface CallStats {
  /** Authenticated calls the rate limiter let through, by route name (e.g. `cin7.customers.list`). */
  byRoute: Record<string, number>;
  accepted: number;
  /** Calls refused by the sliding window (429/503). */
  rateLimited: number;
  /** Calls refused with 403 (missing or wrong credentials). */
  forbidden: number;
}

/** A sale as its `SaleList` row, which is what tests usually need. */
export type SaleRow = Record<string, unknown>;

/**
 * Drives the sandbox from a test or the CLI: knobs, faults, and changes made "as a Cin7 user"
 * (which send webhooks like API changes do). Every method is also served under `/_sandbox/…`.
 */
export interface Cin7Control {
  knobs(): Cin7Knobs;
  /** Changes knobs while running; returns the result. Unknown keys or bad values throw. */
  configure(patch: Partial<Cin7Knobs>): Cin7Knobs;
  setFaults(faults: FaultConfig): void;
  /** The sandbox clock (real clock + skew), as Cin7 writes `LastModifiedOn`. */
  now(): string;
  customer(id: string): Cin7Customer | undefined;
  createCustomer(body: Json): Cin7Customer;
  editCustomer(id: string, patch: Json): Cin7Customer;
  editContact(customerId: string, contactId: string, patch: Json): Cin7Customer;
  addContact(customerId: string, body: Json): Cin7Customer;
  editAddress(customerId: string, addressId: string, patch: Json): Cin7Customer;
  deprecateCustomer(id: string): Cin7Customer;
  randomEdits(count: number, contactOnlyShare?: number): { id: string; kind: 'customer' | 'contact' }[];
  sale(id: string): SaleRow | undefined;
  createSale(input: SaleInput): SaleRow;
  updateSale(id: string, patch: SaleUpdate): SaleRow;
  voidSale(id: string): SaleRow;
  addPayment(id: string, input: { Amount?: number; DatePaid?: string }): SaleRow;
  deliveries(): DeliveryRecord[];
  /** Sends every webhook delivery still waiting for its first attempt now; resolves after those attempts. */
  flushWebhooks(): Promise<number>;
  calls(): CallStats;
  resetCalls(): void;
  resetRateLimits(): void;
  /** A second API application of the same account: its own rate-limit budget. */
  addApplicationKey(): string;
}

/** Turns a Cin7 400 raised by a user action into a plain Error for in-process callers. */
function userAction<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof Cin7HttpError) throw new Error(`cin7 sandbox: ${err.message}`);
    throw err;
  }
}

export interface ControlDeps {
  tenant: Cin7Tenant;
  configure: (patch: Partial<Cin7Knobs>) => Cin7Knobs;
  setFaults: (f: FaultConfig) => void;
  stats: CallStats;
  resetRateLimits: () => void;
  addApplicationKey: () => string;
}

export function createControl(d: ControlDeps): Cin7Control {
  const t = d.tenant;
  const out = (r: CustomerRecord) =>
    customerOut(t, r, { includePrices: false, withOwnerIds: false }) as Cin7Customer;
  const row = (id: string) => {
    const s = t.sales.get(id);
    return s ? saleRow(s, t.customerName(s.customerId)) : undefined;
  };
  return {
    knobs: () => ({ ...t.knobs }),
    configure: d.configure,
    setFaults: d.setFaults,
    now: () => formatUtc(t.clock.now()),
    customer: (id) => {
      const r = t.customers.get(id);
      return r ? out(r) : undefined;
    },
    createCustomer: (body) => userAction(() => out(t.createCustomer(body))),
    editCustomer: (id, patch) => userAction(() => out(t.userEditCustomer(id, patch))),
    editContact: (c, k, patch) => userAction(() => out(t.userEditContact(c, k, patch))),
    addContact: (c, body) => userAction(() => out(t.userAddContact(c, body))),
    editAddress: (c, a, patch) => userAction(() => out(t.userEditAddress(c, a, patch))),
    deprecateCustomer: (id) => userAction(() => out(t.userDeprecateCustomer(id))),
    randomEdits: (count, share) => userAction(() => t.randomEdits(count, share)),
    sale: (id) => row(id),
    createSale: (input) => userAction(() => row(t.userCreateSale(input).id) as SaleRow),
    updateSale: (id, patch) => userAction(() => row(t.userUpdateSale(id, patch).id) as SaleRow),
    voidSale: (id) => userAction(() => row(t.userVoidSale(id).id) as SaleRow),
    addPayment: (id, input) => userAction(() => row(t.userAddPayment(id, input).id) as SaleRow),
    deliveries: () => t.dispatcher.records(),
    flushWebhooks: () => t.dispatcher.flush(),
    calls: () => ({ ...d.stats, byRoute: { ...d.stats.byRoute } }),
    resetCalls: () => {
      d.stats.byRoute = {};
      d.stats.accepted = 0;
      d.stats.rateLimited = 0;
      d.stats.forbidden = 0;
    },
    resetRateLimits: d.resetRateLimits,
    addApplicationKey: d.addApplicationKey,
  };
}

function body(req: SandboxRequest): Json {
  const text = req.rawBody.toString('utf8').trim();
  if (text === '') return {};
  const parsed: unknown = JSON.parse(text);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error('the body must be a JSON object');
  return parsed as Json;
}

/**
 * `/_sandbox/…`: the same control over HTTP, for tests running the sandbox in another process.
 * Route parameters are lower-case names: the case-insensitive router lowercases patterns.
 */
export function addControlRoutes(
  router: Router,
  control: Cin7Control,
  tenant: Cin7Tenant,
  info: () => unknown,
): void {
  const add = (method: string, path: string, name: string, h: (req: SandboxRequest) => unknown) =>
    router.add(
      method,
      `/_sandbox${path}`,
      `control.${name}`,
      async (req): Promise<SandboxResponse> => {
        try {
          return { status: 200, body: await h(req) };
        } catch (err) {
          return { status: 400, body: { error: err instanceof Error ? err.message : String(err) } };
        }
      },
      { control: true },
    );
  add('GET', '/state', 'state', () => ({
    ...(info() as object),
    now: control.now(),
    customers: tenant.customers.size,
    sales: tenant.sales.size,
    webhooks: tenant.webhooks.list().length,
    pendingDeliveries: tenant.dispatcher.pendingCount(),
    knobs: control.knobs(),
  }));
  add('POST', '/config', 'config', (req) => control.configure(body(req) as Partial<Cin7Knobs>));
  add('POST', '/faults', 'faults', (req) => {
    control.setFaults(body(req) as FaultConfig);
    return { ok: true };
  });
  add('GET', '/calls', 'calls', () => control.calls());
  add('POST', '/calls/reset', 'calls.reset', () => {
    control.resetCalls();
    return { ok: true };
  });
  add('POST', '/rate-limit/reset', 'rate.reset', () => {
    control.resetRateLimits();
    return { ok: true };
  });
  add('POST', '/application-keys', 'keys.add', () => ({ applicationKey: control.addApplicationKey() }));
  add('GET', '/customers', 'customers.list', (req) => {
    const offset = Number(req.query.get('offset') ?? 0);
    const limit = Math.min(Number(req.query.get('limit') ?? 1000), 10_000);
    const all = tenant.customers.all();
    return {
      total: all.length,
      customers: all.slice(offset, offset + limit).map((r) => control.customer(r.data.ID)),
    };
  });
  add('GET', '/customers/:id', 'customers.get', (req) => {
    const c = control.customer(req.params.id ?? '');
    if (!c) throw new Error(`customer ${req.params.id} not found`);
    return c;
  });
  add('POST', '/customers', 'customers.create', (req) => control.createCustomer(body(req)));
  add('POST', '/customers/random-edits', 'customers.randomEdits', (req) => {
    const b = body(req);
    return {
      edits: control.randomEdits(
        Number(b.count ?? 1),
        b.contactOnlyShare === undefined ? undefined : Number(b.contactOnlyShare),
      ),
    };
  });
  add('POST', '/customers/:id/edit', 'customers.edit', (req) =>
    control.editCustomer(req.params.id ?? '', body(req)),
  );
  add('POST', '/customers/:id/deprecate', 'customers.deprecate', (req) =>
    control.deprecateCustomer(req.params.id ?? ''),
  );
  add('POST', '/customers/:id/contacts', 'contacts.add', (req) =>
    control.addContact(req.params.id ?? '', body(req)),
  );
  add('POST', '/customers/:id/contacts/:contact/edit', 'contacts.edit', (req) =>
    control.editContact(req.params.id ?? '', req.params.contact ?? '', body(req)),
  );
  add('POST', '/customers/:id/addresses/:address/edit', 'addresses.edit', (req) =>
    control.editAddress(req.params.id ?? '', req.params.address ?? '', body(req)),
  );
  add('POST', '/sales', 'sales.create', (req) => control.createSale(body(req) as unknown as SaleInput));
  add('GET', '/sales/:id', 'sales.get', (req) => {
    const s = control.sale(req.params.id ?? '');
    if (!s) throw new Error(`sale ${req.params.id} not found`);
    return s;
  });
  add('POST', '/sales/:id/update', 'sales.update', (req) =>
    control.updateSale(req.params.id ?? '', body(req) as SaleUpdate),
  );
  add('POST', '/sales/:id/void', 'sales.void', (req) => control.voidSale(req.params.id ?? ''));
  add('POST', '/sales/:id/payments', 'sales.pay', (req) =>
    control.addPayment(req.params.id ?? '', body(req)),
  );
  add('GET', '/webhooks/deliveries', 'webhooks.deliveries', () => control.deliveries());
  add('POST', '/webhooks/flush', 'webhooks.flush', async () => ({ flushed: await control.flushWebhooks() }));
}
