import type { Config } from '../config/load.js';
import type { Logger } from '../log/logger.js';

/** Where an operation parameter goes: the URL path, the query string, or the JSON body. */
export type ParamLocation = 'path' | 'query' | 'body';

/** One parameter of an operation, named exactly as the vendor's spec names it. */
export interface ParamDef {
  name: string;
  in: ParamLocation;
  required: boolean;
  type: 'string' | 'number' | 'boolean' | 'object' | 'array';
  description: string;
}

/**
 * One named, typed action the product can call (`ops list`, `ops call`, `POST /api/ops/{name}`).
 * `params` of a call: path and query parameters at the top level by their spec names, the request
 * body (when the operation has one) under `body`.
 */
export interface OperationDef {
  /** e.g. `ghl.contacts.get`, `cin7.customers.list`. */
  name: string;
  api: 'ghl' | 'cin7';
  description: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The vendor path with `{param}` placeholders, as in its spec. */
  path: string;
  /** GHL OAuth scope the operation needs (none for Cin7). */
  scope?: string;
  params: ParamDef[];
  /** Whether the operation takes a JSON body (given under `body`). */
  hasBody: boolean;
  /** True for list operations that page; `ops call` returns one page. */
  paged?: boolean;
  deprecated?: boolean;
  /** A POST that is safe to repeat (the HTTP layer may retry it). */
  idempotent?: boolean;
}

/** Something that can make a product action happen: a vendor webhook, a poll, or our own event. */
export interface TriggerDef {
  /** e.g. `ghl.ContactCreate`, `cin7.Customer/Updated`, `cin7.poll.customers`, `product.record.synced`. */
  name: string;
  api: 'ghl' | 'cin7' | 'product';
  kind: 'webhook' | 'poll' | 'event';
  description: string;
  /** The payload's fields, by name, with a short type description (documentation, not validation). */
  payload: Record<string, string>;
}

/** Parameters of one call, as given to `ops call --params`. */
export type OperationParams = Record<string, unknown> & { body?: unknown };

/** Runs operations of one API: validates params, fills defaults (e.g. `locationId`), calls once. */
export interface OperationExecutor {
  /** Returns the vendor's response body verbatim (one page for list operations). */
  call(op: OperationDef, params: OperationParams): Promise<unknown>;
  /** Releases what `createExecutor` opened. */
  close?(): Promise<void>;
}

export interface ExecutorContext {
  config: Config;
  logger: Logger;
}

/** What each API module contributes to the catalog. */
export interface OperationProvider {
  api: 'ghl' | 'cin7';
  operations: OperationDef[];
  triggers: TriggerDef[];
  /** Builds an executor from config and environment-provided credentials (or the store's connection). */
  createExecutor(ctx: ExecutorContext): Promise<OperationExecutor>;
}
