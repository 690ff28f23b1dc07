import type { FaultConfig } from '../shared/faults.js';
import type { PutOmitted } from './customer-input.js';
import type { ErrorShape } from './responses.js';

export type RateLimitStatus = 429 | 503 | 'mixed';

/** Options of `startCin7Sandbox`; every one is optional. */
export interface Cin7SandboxOptions {
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Seed of the generated data and of fault draws (default 1). */
  seed?: number;
  /** Seeded customers (default 50). */
  customers?: number;
  /** Seeded sales per customer (default 3). */
  salesPerCustomer?: number;
  /** Divides every time window and delay: rate-limit window, webhook delay and retry intervals (default 1). */
  timeScale?: number;
  /** Calls per sliding window per application key, before scaling (default 60 per 60 000 ms). */
  rateLimit?: { limit: number; windowMs: number };
  /** Status for calls over the limit: 429 (default, the newest Blueprint), 503 (older docs) or 'mixed' (a seeded draw per refused call). */
  rateLimitStatus?: RateLimitStatus;
  /** The largest `Limit` the server honours (default 1000); larger requests are capped to it. */
  maxPageSize?: number;
  /** Whether editing only a contact or address moves the customer's `LastModifiedOn` (default false). */
  bumpOnContactEdit?: boolean;
  /** Delay before a webhook's first attempt, before scaling (default 60 000). */
  webhookDelayMs?: number;
  /** Sandbox clock = real clock + skew (default 0). */
  clockSkewMs?: number;
  faults?: FaultConfig;
  /** Receives one line per notable event (default: silent). */
  logger?: (line: string) => void;

  /** A wrong path answers 404 (default) or 200 with an HTML "Page not found" page. */
  wrongPath?: 404 | 'html200';
  /** Error bodies as one `{ErrorCode, Exception}` object (default) or an array of them. */
  errorShape?: ErrorShape;
  /** What PUT /customer does with fields, contacts and addresses it leaves out (default 'clear'). */
  putOmitted?: PutOmitted;
  /** Whether creating a customer sends Customer/Updated (default true). */
  customerCreateFiresWebhook?: boolean;
  /** Customers per Customer/Updated delivery (default 100; 1 turns batching off). */
  customerBatchMax?: number;
  /** Per-attempt webhook delivery timeout in ms, not scaled (default 10 000). */
  webhookTimeoutMs?: number;
  /** Deliver webhooks to non-loopback hosts (default false: such attempts fail as network errors). */
  allowNonLoopbackWebhooks?: boolean;
  /** Seeded times lie before this instant (default: start of the current UTC day). */
  seedEpochMs?: number;
  /** Fixed credentials (default: derived from the seed). */
  accountId?: string;
  applicationKey?: string;
}

/** The knobs that can change while the sandbox runs (`control.configure`, `POST /_sandbox/config`). */
export interface Cin7Knobs {
  timeScale: number;
  rateLimit: { limit: number; windowMs: number };
  rateLimitStatus: RateLimitStatus;
  maxPageSize: number;
  bumpOnContactEdit: boolean;
  webhookDelayMs: number;
  clockSkewMs: number;
  wrongPath: 404 | 'html200';
  errorShape: ErrorShape;
  putOmitted: PutOmitted;
  customerCreateFiresWebhook: boolean;
  customerBatchMax: number;
  allowNonLoopbackWebhooks: boolean;
}

export function defaultKnobs(o: Cin7SandboxOptions): Cin7Knobs {
  return {
    timeScale: o.timeScale ?? 1,
    rateLimit: o.rateLimit ?? { limit: 60, windowMs: 60_000 },
    rateLimitStatus: o.rateLimitStatus ?? 429,
    maxPageSize: o.maxPageSize ?? 1000,
    bumpOnContactEdit: o.bumpOnContactEdit ?? false,
    webhookDelayMs: o.webhookDelayMs ?? 60_000,
    clockSkewMs: o.clockSkewMs ?? 0,
    wrongPath: o.wrongPath ?? 404,
    errorShape: o.errorShape ?? 'object',
    putOmitted: o.putOmitted ?? 'clear',
    customerCreateFiresWebhook: o.customerCreateFiresWebhook ?? true,
    customerBatchMax: o.customerBatchMax ?? 100,
    allowNonLoopbackWebhooks: o.allowNonLoopbackWebhooks ?? false,
  };
}

/** Checks a knob patch; throws a plain Error naming the key and the accepted values. */
export function checkKnobs(k: Cin7Knobs): void {
  const fail = (key: string, want: string) => {
    throw new Error(`cin7 sandbox option ${key}: expected ${want}`);
  };
  if (!(k.timeScale > 0)) fail('timeScale', 'a number above 0, e.g. 10');
  if (!(k.rateLimit.limit >= 1 && k.rateLimit.windowMs > 0))
    fail('rateLimit', '{ limit >= 1, windowMs > 0 }');
  if (![429, 503, 'mixed'].includes(k.rateLimitStatus)) fail('rateLimitStatus', "429, 503 or 'mixed'");
  if (!(Number.isInteger(k.maxPageSize) && k.maxPageSize >= 1 && k.maxPageSize <= 1000))
    fail('maxPageSize', 'an integer from 1 to 1000');
  if (!(k.webhookDelayMs >= 0)) fail('webhookDelayMs', 'a number of ms >= 0');
  if (![404, 'html200'].includes(k.wrongPath)) fail('wrongPath', "404 or 'html200'");
  if (!['object', 'array'].includes(k.errorShape)) fail('errorShape', "'object' or 'array'");
  if (!['clear', 'keep'].includes(k.putOmitted)) fail('putOmitted', "'clear' or 'keep'");
  if (!(Number.isInteger(k.customerBatchMax) && k.customerBatchMax >= 1))
    fail('customerBatchMax', 'an integer >= 1');
}
