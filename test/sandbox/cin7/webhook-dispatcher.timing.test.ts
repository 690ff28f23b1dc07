/**
 * Webhook timing: first attempt after the (scaled) delay, retries 5/10/15/20/25 minutes (scaled)
 * after the previous attempt, deactivation after six failures. Lower bounds are exact (a delivery
 * must never be early); upper bounds allow for a loaded machine.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Cin7Sandbox, startCin7Sandbox } from '../../../sandbox/cin7/index.js';
import { type Json, NO_RATE_LIMIT, api, list } from './client.js';
import { type Receiver, startReceiver } from './receiver.js';

/** Timers may fire up to a millisecond early relative to Date.now() rounding. */
const EARLY = 2;

describe('cin7 sandbox webhook timing', () => {
  let s: Cin7Sandbox | undefined;
  let rx: Receiver | undefined;
  afterEach(async () => {
    await s?.close();
    await rx?.close();
  });

  async function setup(
    timeScale: number,
    answer: Receiver['answer'],
  ): Promise<{ s: Cin7Sandbox; rx: Receiver; hookId: string }> {
    rx = await startReceiver();
    rx.answer = answer;
    s = await startCin7Sandbox({
      seed: 61,
      customers: 3,
      salesPerCustomer: 0,
      timeScale,
      rateLimit: NO_RATE_LIMIT,
    });
    const a = await api(s, 'POST', '/webhooks', {
      Type: 'Customer/Updated',
      IsActive: true,
      ExternalURL: `${rx.url}/cin7`,
      ExternalAuthorizationType: 'bearerauth',
      ExternalBearerToken: 'timing-secret',
    });
    return { s, rx, hookId: String(list(a, 'Webhooks')[0]?.ID) };
  }

  it('delivers the first attempt no earlier than webhookDelayMs / timeScale (60 s / 100 = 600 ms)', async () => {
    const { s, rx } = await setup(100, 200);
    const t0 = Date.now();
    s.control.editCustomer(String(s.customers()[0]?.ID), { Comments: 'late' });
    const [d] = await rx.waitFor(1, 10_000);
    const waited = (d?.atMs ?? 0) - t0;
    expect(waited).toBeGreaterThanOrEqual(600 - EARLY);
    expect(waited).toBeLessThan(600 + 3000);
    expect(d?.headers.authorization).toBe('Bearer timing-secret');
  });

  it('retries 5, 10, 15, 20, 25 minutes (scaled) after each failure, then switches the webhook off', async () => {
    const scale = 3000; // delay 20 ms; retries 100, 200, 300, 400, 500 ms
    const { s, rx, hookId } = await setup(scale, 500);
    s.control.editCustomer(String(s.customers()[0]?.ID), { Comments: 'doomed' });
    await rx.waitFor(6, 20_000);
    // Give the sandbox a moment to record the sixth failure and deactivate.
    for (let i = 0; i < 50 && s.control.deliveries()[0]?.state !== 'failed'; i++)
      await new Promise((r) => setTimeout(r, 20));
    const [delivery] = s.control.deliveries();
    expect(delivery?.state).toBe('failed');
    const times = delivery?.attempts.map((a) => a.atMs) ?? [];
    expect(times).toHaveLength(6);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    const scheduled = [5, 10, 15, 20, 25].map((m) => (m * 60_000) / scale);
    gaps.forEach((g, i) => {
      expect(g).toBeGreaterThanOrEqual((scheduled[i] as number) - EARLY);
      expect(g).toBeLessThan((scheduled[i] as number) + 2000);
    });
    expect(delivery?.attempts.every((a) => a.status === 500)).toBe(true);
    const hook = list(await api(s, 'GET', '/webhooks'), 'Webhooks').find((h) => h.ID === hookId) as Json;
    expect(hook.IsActive).toBe(false);
    // Switched off: later changes send nothing.
    s.control.editCustomer(String(s.customers()[1]?.ID), { Comments: 'unheard' });
    await new Promise((r) => setTimeout(r, 100));
    expect(s.control.deliveries()).toHaveLength(1);
    expect(rx.received).toHaveLength(6);
  });

  it('stops retrying on the first 2xx and leaves the webhook on', async () => {
    const { s, rx, hookId } = await setup(3000, (n) => (n < 3 ? 503 : 204));
    s.control.editCustomer(String(s.customers()[0]?.ID), { Comments: 'third time lucky' });
    await rx.waitFor(3, 10_000);
    for (let i = 0; i < 50 && s.control.deliveries()[0]?.state !== 'delivered'; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(s.control.deliveries()[0]?.attempts.map((a) => a.status)).toEqual([503, 503, 204]);
    await new Promise((r) => setTimeout(r, 400));
    expect(rx.received).toHaveLength(3);
    const hook = list(await api(s, 'GET', '/webhooks'), 'Webhooks').find((h) => h.ID === hookId) as Json;
    expect(hook.IsActive).toBe(true);
  });

  it('counts a refused connection as a failed attempt and retries it', async () => {
    const { s, rx: receiver } = await setup(3000, 200);
    const closedUrl = receiver.url;
    await receiver.close();
    rx = undefined;
    const id = String(list(await api(s, 'GET', '/webhooks'), 'Webhooks')[0]?.ID);
    await api(s, 'PUT', '/webhooks', {
      ID: id,
      Type: 'Customer/Updated',
      IsActive: true,
      ExternalURL: `${closedUrl}/gone`,
      ExternalAuthorizationType: 'noauth',
    });
    s.control.editCustomer(String(s.customers()[0]?.ID), { Comments: 'nobody home' });
    for (let i = 0; i < 100 && (s.control.deliveries()[0]?.attempts.length ?? 0) < 2; i++)
      await new Promise((r) => setTimeout(r, 20));
    const attempts = s.control.deliveries()[0]?.attempts ?? [];
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts[0]?.status).toBeNull();
    expect(attempts[0]?.error).toBeTruthy();
  });
});
