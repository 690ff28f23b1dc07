/**
 * The Cin7 `OperationProvider`: the catalog entries (`operation-defs.ts`, `triggers.ts`) and an
 * executor for `ops call` / `POST /api/ops/{name}`. Query parameters arrive by their Cin7 names at
 * the top level, the body under `body`; the answer is the body of that one vendor call, verbatim
 * (`cin7.customers.update` and `.deprecate` first read the record and merge into it: two calls).
 * Credentials: `CIN7_ACCOUNT_ID` + `CIN7_APPLICATION_KEY` (config) when set, no store needed;
 * otherwise the connection stored by `cin7-ghl connect cin7`.
 */
import { InputError } from '../errors/index.js';
import type { QueryValue } from '../http/types.js';
import { checkParams } from '../ops/catalog.js';
import type {
  ExecutorContext,
  OperationDef,
  OperationExecutor,
  OperationParams,
  OperationProvider,
} from '../ops/types.js';
import { type Store, openStore } from '../store/open.js';
import type { Cin7Client } from './client.js';
import {
  createCin7Client,
  createCin7Http,
  credentialsFromConfig,
  credentialsFromStore,
} from './connection.js';
import type { RawRecord } from './customer-merge.js';
import { CIN7_OPERATIONS, type Cin7OperationName } from './operation-defs.js';
import { CIN7_TRIGGERS } from './triggers.js';

/**
 * Runs one catalog operation on `client` with `ops call` parameters; returns the vendor's body.
 *
 * @example
 * await callCin7Operation(client, cin7Operation('cin7.customers.list'), { Page: 1, Limit: 10 });
 */
export async function callCin7Operation(
  client: Cin7Client,
  op: OperationDef,
  params: OperationParams,
): Promise<unknown> {
  checkParams(op, params);
  const query: Record<string, QueryValue> = {};
  for (const p of op.params) {
    if (p.in !== 'query') continue;
    const value = params[p.name];
    if (value === undefined || value === null) continue;
    query[p.name] = toQueryValue(op.name, p.name, value);
  }
  const name = op.name as Cin7OperationName;
  if (name === 'cin7.customers.update') {
    const body = objectBody(op.name, params.body);
    const id = body.ID;
    if (typeof id !== 'string' || id.trim() === '') {
      throw new InputError(`${op.name} params.body.ID`, 'required', 'give the customer GUID as body.ID');
    }
    return (await client.updateCustomerRaw(id, body)).body;
  }
  if (name === 'cin7.customers.deprecate') {
    return (await client.updateCustomerRaw(String(query.ID), { Status: 'Deprecated' })).body;
  }
  if (name === 'cin7.customers.get' && query.IncludeDeprecated === undefined) query.IncludeDeprecated = true;
  const res = await client.request(name, {
    ...(Object.keys(query).length > 0 ? { query } : {}),
    ...(op.hasBody ? { body: objectBody(op.name, params.body) } : {}),
  });
  return res.body;
}

function objectBody(operation: string, body: unknown): RawRecord {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InputError(`${operation} params.body`, 'must be a JSON object', 'give "body": { … }');
  }
  return body as RawRecord;
}

function toQueryValue(operation: string, name: string, value: unknown): QueryValue {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  throw new InputError(
    `${operation} params.${name}`,
    `expected a string, number or boolean, got ${Array.isArray(value) ? 'an array' : typeof value}`,
    `give "${name}" as a single value`,
  );
}

/**
 * Builds an executor: credentials from config when `CIN7_ACCOUNT_ID` and `CIN7_APPLICATION_KEY`
 * are set (no store opened), else from the store's connection (the store stays open until close()).
 */
async function createExecutor(ctx: ExecutorContext): Promise<OperationExecutor> {
  const { config, logger } = ctx;
  let store: Store | null = null;
  let credentials = credentialsFromConfig(config);
  if (!credentials) {
    store = await openStore(config, { logger });
    try {
      credentials = await credentialsFromStore(store, config);
    } catch (e) {
      await store.close();
      throw e;
    }
  }
  const client = createCin7Client(config, credentials, createCin7Http(config, { logger }));
  return {
    call: (op, params) => callCin7Operation(client, op, params),
    close: async () => {
      await store?.close();
    },
  };
}

/** The Cin7 half of the catalog. */
export const cin7Operations: OperationProvider = {
  api: 'cin7',
  operations: [...CIN7_OPERATIONS],
  triggers: CIN7_TRIGGERS,
  createExecutor,
};
