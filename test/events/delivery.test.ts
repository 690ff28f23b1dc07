/**
 * Outbound events end to end in a running service: an event emitted in a transaction reaches a
 * local receiver with a valid signature (checked with the docs snippet); a receiver that fails is
 * retried with backoff, then dead-lettered (delivery `dead`, a dead-letter job, a `job.dead_letter`
 * event); subscriptions filter by event name; `auth.lost` becomes `connection.needs_reauth`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_DELIVERY_JOB, eventDeliveryJob } from '../../src/events/deliver.js';
import { emitProductEvent } from '../../src/events/emit.js';
import { serviceModules } from '../../src/service/modules.js';
import { recordEvent } from '../../src/store/events.js';
import {
  type Receiver,
  type TestService,
  eventually,
  receiver,
  startTestService,
} from '../service/helpers.js';
import { type Verify, loadDocsVerifier } from './snippet.js';

interface Created {
  id: string;
  secret: string;
}

describe('outbound events', () => {
  let t: TestService;
  let good: Receiver;
  let bad: Receiver;
  let verify: Verify;
  let goodSub: Created;
  let badSub: Created;

  beforeAll(async () => {
    verify = await loadDocsVerifier();
    good = await receiver(200);
    bad = await receiver(500);
    t = await startTestService({
      modules: serviceModules({
        events: { delivery: { retryLimit: 2, retryDelaySeconds: 1, timeoutMs: 2000 } },
      }),
    });
    const subscribe = async (url: string, events: string[]) => {
      const res = await t.call('/api/subscriptions', {
        method: 'POST',
        body: JSON.stringify({ url, events }),
      });
      expect(res.status).toBe(201);
      return (await res.json()) as Created;
    };
    goodSub = await subscribe(good.url, ['record.synced', 'connection.needs_reauth']);
    badSub = await subscribe(bad.url, ['*']);
  });
  afterAll(async () => {
    await t?.cleanup();
    await good?.close();
    await bad?.close();
  });

  it('an event reaches the receiver once, signed (docs snippet verifies it), with the documented body and headers', async () => {
    const at = new Date().toISOString();
    const eventId = await t.service.ctx.store.transaction((trx) =>
      emitProductEvent(trx, 'record.synced', {
        cin7CustomerId: 'c-1',
        ghlContactId: 'g-1',
        action: 'created',
        fields: ['firstName', 'email'],
        at,
      }),
    );
    const [got] = await good.waitFor(1, 15_000);
    expect(got!.method).toBe('POST');
    expect(got!.headers['content-type']).toBe('application/json');
    expect(got!.headers['x-cin7ghl-event']).toBe('record.synced');
    expect(got!.headers['user-agent']).toMatch(/^cin7-ghl-sync\//);
    expect(verify(goodSub.secret, String(got!.headers['x-cin7ghl-signature']), got!.body)).toBe(true);
    expect(verify(badSub.secret, String(got!.headers['x-cin7ghl-signature']), got!.body)).toBe(false);
    expect(JSON.parse(got!.body)).toEqual({
      id: `evt_${eventId}`,
      type: 'record.synced',
      createdAt: expect.any(String),
      data: {
        cin7CustomerId: 'c-1',
        ghlContactId: 'g-1',
        action: 'created',
        fields: ['firstName', 'email'],
        at,
      },
    });
    const deliveries = (await (await t.call(`/api/subscriptions/${goodSub.id}/deliveries`)).json()) as {
      deliveries: Array<{ status: string; attempts: number; lastStatus: number }>;
    };
    expect(deliveries.deliveries).toEqual([
      expect.objectContaining({ status: 'delivered', attempts: 1, lastStatus: 200 }),
    ]);
  });

  it('a failing receiver is retried (1 + 2 retries), then dead-lettered with an event', async () => {
    // The '*' subscriber got the record.synced event above and answers 500 every time.
    const attempts = await bad.waitFor(3, 30_000);
    const first = JSON.parse(attempts[0]!.body) as { id: string };
    expect(attempts.map((a) => (JSON.parse(a.body) as { id: string }).id)).toEqual([
      first.id,
      first.id,
      first.id,
    ]);
    // Each attempt is signed afresh and valid.
    for (const a of attempts)
      expect(verify(badSub.secret, String(a.headers['x-cin7ghl-signature']), a.body)).toBe(true);
    // Backoff: retries are spaced (pg-boss: about 1 s, then 2 s, with jitter).
    expect(attempts[2]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(1000);
    const row = await eventually(async () => {
      const r = await t.service.ctx.store.db
        .selectFrom('event_deliveries')
        .selectAll()
        .where('subscription_id', '=', badSub.id)
        .executeTakeFirst();
      return r?.status === 'dead' ? r : null;
    });
    expect(row.attempts).toBe(3);
    expect(row.last_status).toBe(500);
    const dead = await eventually(async () => {
      const d = await t.service.ctx.queue.deadLetters(eventDeliveryJob());
      return d.length > 0 ? d : null;
    });
    expect(dead).toHaveLength(1);
    expect(dead[0]!.payload).toEqual({ deliveryId: row.id });
    const events = await eventually(async () => {
      const e = await t.service.ctx.store.db
        .selectFrom('events')
        .selectAll()
        .where('kind', '=', 'job.dead_letter')
        .execute();
      return e.length > 0 ? e : null;
    });
    // The event names the original job (the dead-letter copy has its own id).
    expect(events[0]!.subject).toMatch(new RegExp(`^${EVENT_DELIVERY_JOB.replace('.', '\\.')}/`));
    expect(events[0]!.details).toMatchObject({ kind: EVENT_DELIVERY_JOB, attempts: 3 });
    await new Promise((r) => setTimeout(r, 1500));
    expect(bad.received).toHaveLength(3);
  });

  it('subscriptions filter by name; an unsubscribed URL gets nothing more', async () => {
    const before = { good: good.received.length, bad: bad.received.length };
    const del = await t.call(`/api/subscriptions/${badSub.id}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    await emitProductEvent(t.service.ctx.store.db, 'run.failed', {
      runId: '7',
      kind: 'sync',
      error: 'boom',
      at: new Date().toISOString(),
    });
    await emitProductEvent(t.service.ctx.store.db, 'record.synced', {
      cin7CustomerId: 'c-2',
      ghlContactId: 'g-2',
      action: 'updated',
      fields: ['phone'],
      at: new Date().toISOString(),
    });
    const got = await good.waitFor(before.good + 1, 15_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(good.received).toHaveLength(before.good + 1);
    expect(JSON.parse(got[got.length - 1]!.body).type).toBe('record.synced');
    expect(bad.received).toHaveLength(before.bad);
  });

  it('a lost authorisation (auth.lost store event) is delivered as connection.needs_reauth, once', async () => {
    const before = good.received.length;
    await recordEvent(t.service.ctx.store.db, {
      kind: 'auth.lost',
      severity: 'critical',
      subject: 'ghl:loc-9',
      message: 'The refresh token was refused (invalid_grant): reconnect GHL.',
      details: { api: 'ghl', connectionId: 'ghl:loc-9', locationId: 'loc-9', reason: 'invalid_grant' },
    });
    const got = await good.waitFor(before + 1, 15_000);
    const body = JSON.parse(got[before]!.body) as { type: string; data: Record<string, unknown> };
    expect(body.type).toBe('connection.needs_reauth');
    expect(body.data).toMatchObject({
      connectionId: 'ghl:loc-9',
      api: 'ghl',
      accountId: 'loc-9',
      reason: 'invalid_grant',
      message: 'The refresh token was refused (invalid_grant): reconnect GHL.',
    });
    // The bridge re-reads recent events (late commits) without emitting twice.
    await new Promise((r) => setTimeout(r, 2500));
    expect(good.received).toHaveLength(before + 1);
  });

  it('emit refuses an unknown event or a payload missing a field', async () => {
    const db = t.service.ctx.store.db;
    await expect(emitProductEvent(db, 'record.nope' as 'record.synced', {} as never)).rejects.toThrow(
      /unknown event "record.nope"/,
    );
    await expect(
      emitProductEvent(db, 'record.synced', {
        cin7CustomerId: 'c',
        action: 'created',
        fields: [],
        at: 'now',
      } as never),
    ).rejects.toThrow(/payload.ghlContactId/);
  });
});
