import { type KeyObject, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import type { Rng } from '../shared/rng.js';
import type { WebhookDelivery } from './types.js';

interface KeyPair {
  privateKey: KeyObject;
  publicPem: string;
}

let cachedKeys: { ed25519: KeyPair; rsa: KeyPair } | undefined;

/**
 * The sandbox's own webhook signing keys (never GHL's): Ed25519 for `X-GHL-Signature` and RSA for
 * `x-wh-signature`. Generated once per process (RSA generation is slow) and shared by every sandbox
 * started in it. RSA-2048 rather than GHL's 4096 bits: same algorithm, a tenth of the start time.
 */
export function webhookKeys(): { ed25519: KeyPair; rsa: KeyPair } {
  if (!cachedKeys) {
    const ed = generateKeyPairSync('ed25519');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    cachedKeys = {
      ed25519: {
        privateKey: ed.privateKey,
        publicPem: ed.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      },
      rsa: {
        privateKey: rsa.privateKey,
        publicPem: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      },
    };
  }
  return cachedKeys;
}

/** Both signatures over the exact body bytes, base64, as GHL sends them. */
export function signBody(body: Buffer): { 'x-ghl-signature': string; 'x-wh-signature': string } {
  const keys = webhookKeys();
  return {
    'x-ghl-signature': sign(null, body, keys.ed25519.privateKey).toString('base64'),
    'x-wh-signature': sign('sha256', body, keys.rsa.privateKey).toString('base64'),
  };
}

/** GHL retries a webhook only when the receiver answers 429: up to 6 times, about 10 minutes apart. */
export const MAX_RETRIES = 6;
export const RETRY_GAP_MS = 10 * 60 * 1000;
const SEND_TIMEOUT_MS = 10_000;
const KEEP_DELIVERIES = 10_000;

export function assertLoopbackUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(
      `GHL sandbox: webhookUrl "${url}" is not a URL; give e.g. http://127.0.0.1:3000/webhooks/ghl`,
    );
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (!['127.0.0.1', 'localhost', '::1'].includes(host) || !/^https?:$/.test(parsed.protocol)) {
    throw new Error(
      `GHL sandbox: webhookUrl "${url}" is not a loopback http(s) URL; the sandbox only delivers to 127.0.0.1, localhost or ::1`,
    );
  }
}

export interface DispatcherOptions {
  url: () => string | null;
  /** Divides the first-send delay and the retry gap. */
  scale: number;
  delayMs: () => number;
  rng: Rng;
  log: (line: string) => void;
}

/**
 * Sends signed webhook events to the configured URL, in the background, and keeps a record of each
 * delivery and its attempts for tests to inspect.
 */
export class WebhookDispatcher {
  readonly deliveries: WebhookDelivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private firstSends: Promise<void> = Promise.resolve();
  private readonly closing = new AbortController();
  private waiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly options: DispatcherOptions) {}

  /** Queues one event; `timestamp` and `webhookId` are appended to the payload. */
  emit(payload: Record<string, unknown>): WebhookDelivery {
    const webhookId = randomUUID();
    const body = JSON.stringify({ ...payload, timestamp: new Date().toISOString(), webhookId });
    const url = this.options.url();
    const delivery: WebhookDelivery = {
      webhookId,
      type: String(payload.type),
      body,
      url,
      attempts: [],
      state: url ? 'pending' : 'skipped',
    };
    this.deliveries.push(delivery);
    if (this.deliveries.length > KEEP_DELIVERIES)
      this.deliveries.splice(0, this.deliveries.length - KEEP_DELIVERIES);
    if (url && !this.closed) this.schedule(delivery, this.options.delayMs() / this.options.scale);
    return delivery;
  }

  /** Resolves when nothing is being sent and (unless `includeRetries` is false) no retry is waiting. */
  idle(includeRetries = true): Promise<void> {
    if (this.isIdle(includeRetries)) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.isIdle(includeRetries)) resolve();
        else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.closing.abort();
    this.wake();
  }

  private isIdle(includeRetries: boolean): boolean {
    if (this.inFlight.size > 0) return false;
    if (!includeRetries) return this.deliveries.every((d) => d.state !== 'pending' || d.attempts.length > 0);
    return this.timers.size === 0;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /**
   * First attempts go out one at a time in the order the events happened (so a receiver sees a
   * contact's create before its update); a retry waits on its own timer and does not hold the line.
   */
  private schedule(d: WebhookDelivery, delayMs: number): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        const run = (): Promise<void> => this.send(d);
        let sending: Promise<void>;
        if (d.attempts.length === 0) {
          this.firstSends = this.firstSends.then(run);
          sending = this.firstSends;
        } else sending = run();
        const p = sending.finally(() => {
          this.inFlight.delete(p);
          this.wake();
        });
        this.inFlight.add(p);
      },
      Math.max(0, delayMs),
    );
    this.timers.add(timer);
  }

  private async send(d: WebhookDelivery): Promise<void> {
    if (this.closed || !d.url) return;
    const bytes = Buffer.from(d.body, 'utf8');
    const attempt: WebhookDelivery['attempts'][number] = { at: Date.now(), status: null };
    d.attempts.push(attempt);
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signBody(bytes) },
        body: bytes,
        signal: AbortSignal.any([AbortSignal.timeout(SEND_TIMEOUT_MS), this.closing.signal]),
      });
      await res.arrayBuffer().catch(() => undefined);
      attempt.status = res.status;
    } catch (err) {
      attempt.error = err instanceof Error ? err.message : String(err);
    }
    const retries = d.attempts.length - 1;
    this.options.log(
      `webhook ${d.type} ${d.webhookId} attempt ${d.attempts.length} → ${attempt.status ?? attempt.error ?? 'error'}`,
    );
    if (attempt.status !== null && attempt.status >= 200 && attempt.status < 300) d.state = 'delivered';
    else if (attempt.status === 429 && retries < MAX_RETRIES && !this.closed) {
      // GHL adds jitter to its ~10 minute gap; seeded so a run can be replayed.
      const jitter = 0.9 + this.options.rng.next() * 0.2;
      this.schedule(d, (RETRY_GAP_MS * jitter) / this.options.scale);
    } else d.state = 'failed';
  }
}
