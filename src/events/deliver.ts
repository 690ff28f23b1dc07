/**
 * Sending one delivery: the event as JSON, signed with the subscription's secret, POSTed with a
 * timeout. A non-2xx answer (or no answer) fails the job, which the queue retries with backoff; the
 * last failure dead-letters it (and the dead letter raises an alert).
 */
import { sql } from 'kysely';
import { z } from 'zod';
import { AppError, errorMessage } from '../errors/index.js';
import { type JobKind, defineJob } from '../jobs/define.js';
import type { JobInfo } from '../jobs/queue.js';
import type { Logger } from '../log/logger.js';
import { redactText } from '../log/redact.js';
import type { Store } from '../store/open.js';
import type { DeliveryJobPayload } from './dispatch.js';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signatureHeader } from './signature.js';
import { subscriptionSecretName } from './subscriptions.js';

export const EVENT_DELIVERY_JOB = 'events.deliver';

export interface DeliveryPolicy {
  /** Retries after the first attempt (default 8), then the dead letter. */
  retryLimit?: number;
  /** Backoff base in seconds (default 15; doubling, up to `retryDelayMaxSeconds`). */
  retryDelaySeconds?: number;
  retryDelayMaxSeconds?: number;
  /** Per-attempt timeout (default 10 s). */
  timeoutMs?: number;
}

/**
 * The delivery job kind with a retry policy (tests shorten it).
 *
 * @example
 * const kind = eventDeliveryJob({ retryLimit: 2, retryDelaySeconds: 1 });
 */
export function eventDeliveryJob(policy: DeliveryPolicy = {}): JobKind<DeliveryJobPayload> {
  return defineJob({
    name: EVENT_DELIVERY_JOB,
    schema: z.object({ deliveryId: z.string().regex(/^\d+$/) }),
    retryLimit: policy.retryLimit ?? 8,
    retryDelaySeconds: policy.retryDelaySeconds ?? 15,
    retryDelayMaxSeconds: policy.retryDelayMaxSeconds ?? 3600,
    expireInSeconds: Math.max(30, Math.ceil(((policy.timeoutMs ?? 10_000) * 3) / 1000)),
  });
}

/** A subscriber's endpoint refused a delivery or did not answer. */
export class EventDeliveryError extends AppError {
  constructor(url: string, problem: string, details: Record<string, unknown>) {
    super('event_delivery_failed', `Delivery to ${url} failed: ${problem}`, {
      hint: 'The endpoint must answer 2xx within the timeout; the delivery is retried with backoff, then dead-lettered.',
      details,
    });
  }
}

export interface DeliverDeps {
  store: Store;
  logger: Logger;
  /** Sent as User-Agent. */
  userAgent: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** The JSON body of a delivery. */
export interface DeliveryBody {
  id: string;
  type: string;
  createdAt: string;
  data: unknown;
}

/**
 * Sends one delivery (the job handler). `final` says this attempt is the last one.
 *
 * @example
 * await queue.work(kind, { batchSize: 5 }, (p, job) => deliverEvent(deps, p.deliveryId, job, kind.retryLimit));
 */
export async function deliverEvent(
  deps: DeliverDeps,
  deliveryId: string,
  job: Pick<JobInfo, 'retryCount' | 'signal'>,
  retryLimit: number,
): Promise<void> {
  const row = await deps.store.db
    .selectFrom('event_deliveries as d')
    .innerJoin('product_events as e', 'e.id', 'd.event_id')
    .innerJoin('event_subscriptions as s', 's.id', 'd.subscription_id')
    .select([
      'd.id',
      'd.status',
      'e.id as eventId',
      'e.name',
      'e.payload',
      'e.created_at as eventAt',
      's.id as subscriptionId',
      's.url',
      's.deleted_at as deletedAt',
    ])
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
  if (!row || row.status === 'delivered' || row.status === 'cancelled') return;
  const mark = (set: {
    status: 'delivered' | 'retrying' | 'dead' | 'cancelled';
    last_status?: number | null;
    last_error?: string | null;
  }) =>
    deps.store.db
      .updateTable('event_deliveries')
      .set({
        ...set,
        ...(set.status === 'cancelled' ? {} : { attempts: sql<number>`attempts + 1` }),
        ...(set.status === 'delivered' ? { delivered_at: sql<Date>`now()` } : {}),
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', deliveryId)
      .execute();
  const secret = row.deletedAt
    ? null
    : await deps.store.vault.get(subscriptionSecretName(row.subscriptionId));
  if (!secret) {
    await mark({ status: 'cancelled', last_error: 'the subscription was deleted' });
    return;
  }
  const body: DeliveryBody = {
    id: `evt_${row.eventId}`,
    type: row.name,
    createdAt: row.eventAt.toISOString(),
    data: row.payload,
  };
  const text = JSON.stringify(body);
  const timestamp = Math.floor(Date.now() / 1000);
  const final = job.retryCount >= retryLimit;
  const attempt = job.retryCount + 1;
  let status: number | null = null;
  let problem: string | null = null;
  try {
    const res = await (deps.fetch ?? fetch)(row.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': deps.userAgent,
        [SIGNATURE_HEADER]: signatureHeader(secret, timestamp, text),
        [EVENT_HEADER]: row.name,
        [DELIVERY_HEADER]: deliveryId,
      },
      body: text,
      redirect: 'manual',
      signal: AbortSignal.any([AbortSignal.timeout(deps.timeoutMs ?? 10_000), job.signal]),
    });
    status = res.status;
    const answer = await res.text().catch(() => '');
    if (res.status < 200 || res.status >= 300) {
      problem = `HTTP ${res.status}${answer ? `: ${answer.slice(0, 200)}` : ''}`;
    }
  } catch (e) {
    problem = errorMessage(e);
  }
  if (problem === null) {
    await mark({ status: 'delivered', last_status: status, last_error: null });
    deps.logger.debug({ deliveryId, event: row.name, url: row.url, status, attempt }, 'event delivered');
    return;
  }
  const safe = redactText(problem);
  await mark({ status: final ? 'dead' : 'retrying', last_status: status, last_error: safe });
  throw new EventDeliveryError(row.url, safe, {
    deliveryId,
    event: row.name,
    subscriptionId: row.subscriptionId,
    attempt,
    status,
  });
}
