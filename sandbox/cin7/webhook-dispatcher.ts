import { type Payload, customerUpdated } from './webhook-payloads.js';
import type { WebhookRegistry } from './webhook-registry.js';
import type { Cin7Webhook } from './types.js';

export interface AttemptRecord {
  attempt: number;
  /** Real (not sandbox) time of the attempt, ISO. */
  at: string;
  atMs: number;
  status: number | null;
  error: string | null;
  durationMs: number;
}

export interface DeliveryRecord {
  id: number;
  webhookId: string;
  type: string;
  createdAtMs: number;
  state: 'pending' | 'delivering' | 'delivered' | 'failed' | 'dropped';
  payload: Payload;
  attempts: AttemptRecord[];
}

interface Delivery extends DeliveryRecord {
  /** Customer/Updated only: details by customer ID while the batch is still open. */
  batch: Map<string, Payload> | null;
  timer: NodeJS.Timeout | null;
}

export interface DispatcherOptions {
  registry: WebhookRegistry;
  /** Delay before the first attempt (already divided by the time scale). */
  firstDelayMs: () => number;
  /** Delays before attempts 2..6 (already scaled). */
  retryDelaysMs: () => number[];
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** How many customers one Customer/Updated delivery may carry (1 = no batching). */
  customerBatchMax: () => number;
  allowNonLoopback: () => boolean;
  log: (line: string) => void;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const KEEP = 5000;

/**
 * Delivers webhooks as Cin7 does: the first attempt a delay after the event, then retries 5, 10,
 * 15, 20 and 25 minutes after the previous attempt (all divided by the time scale), success on any
 * 2xx, and after six failures the webhook is switched off (`IsActive: false`). `Customer/Updated`
 * changes made while a delivery waits join it (`CustomerDetailsList`, latest state per customer).
 */
export class WebhookDispatcher {
  private readonly deliveries: Delivery[] = [];
  private readonly inflight = new Set<AbortController>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly o: DispatcherOptions) {}

  /** Queues `payload` for every active webhook of `type`. For Customer/Updated pass one details entry. */
  emit(type: string, payload: Payload, customerId?: string): void {
    if (this.closed) return;
    for (const hook of this.o.registry.activeOfType(type)) {
      if (type === 'Customer/Updated' && customerId !== undefined) {
        const open = this.deliveries.filter(
          (d) =>
            d.webhookId === hook.ID && d.batch !== null && d.state === 'pending' && d.attempts.length === 0,
        );
        const batch =
          open.find((d) => d.batch?.has(customerId)) ??
          open.find((d) => (d.batch?.size ?? 0) < this.o.customerBatchMax());
        if (batch?.batch) {
          batch.batch.set(customerId, payload);
          continue;
        }
        this.schedule(this.create(hook, type, {}, new Map([[customerId, payload]])), this.o.firstDelayMs());
      } else {
        this.schedule(this.create(hook, type, payload, null), this.o.firstDelayMs());
      }
    }
  }

  records(): DeliveryRecord[] {
    return this.deliveries.map((d) => ({
      id: d.id,
      webhookId: d.webhookId,
      type: d.type,
      createdAtMs: d.createdAtMs,
      state: d.state,
      payload: d.batch ? customerUpdated([...d.batch.values()]) : d.payload,
      attempts: d.attempts.map((a) => ({ ...a })),
    }));
  }

  /**
   * Makes every delivery still waiting for its first attempt go now and waits for those attempts;
   * returns how many were sent (deliveries of a webhook deleted or switched off since are dropped).
   */
  async flush(): Promise<number> {
    const due = this.deliveries.filter((d) => d.state === 'pending' && d.attempts.length === 0);
    const sent = await Promise.all(
      due.map((d) => {
        if (d.timer) clearTimeout(d.timer);
        d.timer = null;
        return this.attempt(d);
      }),
    );
    return sent.filter(Boolean).length;
  }

  pendingCount(): number {
    return this.deliveries.filter((d) => d.state === 'pending' || d.state === 'delivering').length;
  }

  close(): void {
    this.closed = true;
    for (const d of this.deliveries) if (d.timer) clearTimeout(d.timer);
    for (const c of this.inflight) c.abort();
  }

  private create(
    hook: Cin7Webhook,
    type: string,
    payload: Payload,
    batch: Map<string, Payload> | null,
  ): Delivery {
    const d: Delivery = {
      id: this.nextId++,
      webhookId: hook.ID,
      type,
      createdAtMs: Date.now(),
      state: 'pending',
      payload,
      attempts: [],
      batch,
      timer: null,
    };
    this.deliveries.push(d);
    if (this.deliveries.length > KEEP) {
      const drop = this.deliveries.findIndex((x) => x.state !== 'pending' && x.state !== 'delivering');
      if (drop >= 0) this.deliveries.splice(drop, 1);
    }
    return d;
  }

  private schedule(d: Delivery, delayMs: number): void {
    d.timer = setTimeout(
      () => {
        d.timer = null;
        void this.attempt(d);
      },
      Math.max(0, delayMs),
    );
    d.timer.unref?.();
  }

  /** Makes one attempt; false when nothing was sent. */
  private async attempt(d: Delivery): Promise<boolean> {
    if (this.closed || d.state !== 'pending') return false;
    const hook = this.o.registry.get(d.webhookId);
    if (!hook?.IsActive) {
      d.state = 'dropped';
      return false;
    }
    if (d.batch) {
      d.payload = customerUpdated([...d.batch.values()]);
      d.batch = null;
    }
    d.state = 'delivering';
    const n = d.attempts.length + 1;
    const started = Date.now();
    let status: number | null = null;
    let error: string | null = null;
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new Error(`timed out after ${this.o.timeoutMs} ms`)),
      this.o.timeoutMs,
    );
    this.inflight.add(controller);
    try {
      const url = new URL(hook.ExternalURL);
      if (!this.o.allowNonLoopback() && !LOOPBACK.has(url.hostname) && !url.hostname.startsWith('127.'))
        throw new Error(`refused: the sandbox only delivers to loopback hosts, not ${url.hostname}`);
      const res = await fetch(url, {
        method: 'POST',
        headers: deliveryHeaders(hook),
        body: JSON.stringify(d.payload),
        signal: controller.signal,
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      error =
        err instanceof Error
          ? err.cause instanceof Error
            ? `${err.message}: ${err.cause.message}`
            : err.message
          : String(err);
    } finally {
      clearTimeout(timer);
      this.inflight.delete(controller);
    }
    d.attempts.push({
      attempt: n,
      at: new Date(started).toISOString(),
      atMs: started,
      status,
      error,
      durationMs: Date.now() - started,
    });
    if (this.closed) return true;
    if (status !== null && status >= 200 && status < 300) {
      d.state = 'delivered';
      this.o.log(`cin7 webhook ${d.type} #${d.id} delivered on attempt ${n} (${status})`);
      return true;
    }
    const retries = this.o.retryDelaysMs();
    if (n <= retries.length) {
      d.state = 'pending';
      this.o.log(`cin7 webhook ${d.type} #${d.id} attempt ${n} failed (${status ?? error}); retrying`);
      this.schedule(d, retries[n - 1] as number);
      return true;
    }
    d.state = 'failed';
    this.o.registry.deactivate(d.webhookId);
    this.o.log(`cin7 webhook ${d.webhookId} (${d.type}) deactivated after ${n} failed attempts`);
    return true;
  }
}

/** The configured auth of a webhook as request headers. */
export function deliveryHeaders(hook: Cin7Webhook): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (hook.ExternalAuthorizationType === 'bearerauth')
    h.authorization = `Bearer ${hook.ExternalBearerToken ?? ''}`;
  if (hook.ExternalAuthorizationType === 'basicauth')
    h.authorization = `Basic ${Buffer.from(`${hook.ExternalUserName ?? ''}:${hook.ExternalPassword ?? ''}`).toString('base64')}`;
  for (const { Key, Value } of hook.ExternalHeaders) h[Key.toLowerCase()] = Value;
  return h;
}
