import { InputError } from '../errors/index.js';
import type { QueryValue } from '../http/types.js';
import { checkParams } from '../ops/catalog.js';
import type { ExecutorContext, OperationDef, OperationExecutor, OperationParams } from '../ops/types.js';
import { type Store, openStore } from '../store/open.js';
import type { GhlClient } from './client.js';
import { createGhlClient, ghlHttpClient } from './factory.js';
import { type GhlOperationName, locationIdPlacement } from './operations.js';

/**
 * The executor behind `ops call ghl.*` and `POST /api/ops/ghl.*`. With `GHL_TOKEN` set (plus
 * `GHL_BASE_URL`, `GHL_LOCATION_ID`) it needs no store, so it works while the service holds it;
 * otherwise it opens the store and uses the stored connection.
 *
 * @example
 * const ex = await createGhlExecutor({ config, logger });
 * try { await ex.call(catalog.operation('ghl.contacts.get'), { contactId: 'abc' }); } finally { await ex.close?.(); }
 */
export async function createGhlExecutor(ctx: ExecutorContext): Promise<OperationExecutor> {
  const { config, logger } = ctx;
  const http = ghlHttpClient(config, logger);
  let store: Store | null = null;
  try {
    if (!config.secrets.ghlToken) store = await openStore(config, { logger });
    const client = await createGhlClient({ config, logger, http, store });
    return {
      call: (op, params) => callGhlOperation(client, op, params),
      close: async () => {
        await store?.close();
      },
    };
  } catch (e) {
    await store?.close();
    throw e;
  }
}

/**
 * One call of a catalog operation from `ops call` parameters: path and query parameters by their
 * spec names at the top level, the body under `body`; `locationId` defaults to the connection's,
 * in the path, the query or the body, wherever the operation takes it. Answers the body verbatim.
 *
 * @example
 * await callGhlOperation(client, ghlOperation('ghl.contacts.search'), { body: { pageLimit: 10 } });
 */
export async function callGhlOperation(
  client: GhlClient,
  op: OperationDef,
  params: OperationParams,
): Promise<unknown> {
  const location = client.locationId;
  checkParams(op, params, location ? ['locationId'] : []);
  const path: Record<string, string> = {};
  const query: Record<string, QueryValue> = {};
  for (const p of op.params) {
    if (p.in === 'body') continue;
    let value = params[p.name];
    if (p.name === 'locationId' && (value === undefined || value === '')) value = location;
    if (value === undefined || value === null) continue;
    if (typeof value === 'object') {
      throw new InputError(
        `${op.name} params.${p.name}`,
        'must be a string or a number',
        `pass "${p.name}": "…"`,
      );
    }
    if (p.in === 'path') path[p.name] = String(value);
    else query[p.name] = value as QueryValue;
  }
  let body = params.body;
  if (locationIdPlacement(op) === 'body') {
    if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
      throw new InputError(`${op.name} params.body`, 'must be a JSON object', 'pass "body": { … }');
    }
    const given = (body as Record<string, unknown> | undefined)?.locationId;
    const locationId = typeof given === 'string' && given !== '' ? given : location;
    if (!locationId) {
      throw new InputError(
        `${op.name} params.body.locationId`,
        'required and there is no connection location to default it to',
        'add "locationId" to the body, or set GHL_LOCATION_ID',
      );
    }
    body = { ...(body as Record<string, unknown> | undefined), locationId };
  }
  if (body === undefined && op.hasBody && op.method === 'POST') body = {};
  return client.call(op.name as GhlOperationName, {
    path,
    query,
    ...(body !== undefined ? { body } : {}),
  });
}
