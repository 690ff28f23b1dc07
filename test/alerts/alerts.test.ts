/**
 * Alerts end to end: a failing job kind (standing in for a failed run until the sync module emits
 * run.failed) makes vendor calls to the GHL sandbox, fails three jobs past their retries, and posts
 * exactly one alert to a local receiver, with the error details and no secret; a sync run recorded
 * as failed does the same; /metrics shows the dead letters, the alert and the calls made. A second kind of trouble is a second alert; an alert
 * receiver that fails is retried a bounded number of times, and its own dead letter alerts nobody.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type GhlSandbox, startGhlSandbox } from '../../sandbox/ghl/index.js';
import { ALERT_DELIVERY_JOB } from '../../src/alerts/deliver.js';
import { defineJob } from '../../src/jobs/define.js';
import { serviceModules } from '../../src/service/modules.js';
import type { ServiceModule } from '../../src/service/types.js';
import { recordEvent } from '../../src/store/events.js';
import { finishRun, startRun } from '../../src/sync/repo/runs.js';
import {
  type Receiver,
  type TestService,
  eventually,
  receiver,
  startTestService,
} from '../service/helpers.js';

const SECRET = 'correct horse battery staple';

const failing = defineJob({
  name: 'test.failing',
  schema: z.object({ n: z.number() }),
  retryLimit: 1,
  retryDelaySeconds: 0,
  expireInSeconds: 30,
});

function failingModule(): ServiceModule {
  return {
    name: 'test-failing',
    jobKinds: [failing],
    async workers(ctx) {
      await ctx.queue.work(failing, { batchSize: 3 }, async (p) => {
        const ghl = await ctx.ghlClient();
        // A real vendor call that fails (counted by the process's CallCounter).
        await ghl.call('ghl.contacts.get', { path: { contactId: `missing-${p.n}` } }).catch(() => undefined);
        throw new Error(`customer ${p.n} could not be written (the admin password is ${SECRET})`);
      });
    },
  };
}

describe('alerts', () => {
  let ghl: GhlSandbox;
  let hook: Receiver;
  let t: TestService;

  beforeAll(async () => {
    ghl = await startGhlSandbox({ seed: 5 });
    hook = await receiver(200);
    t = await startTestService({
      env: {
        CIN7_GHL_ADMIN_PASSWORD: SECRET,
        CIN7_GHL_ALERT_URL: hook.url,
        GHL_BASE_URL: ghl.baseUrl,
        GHL_TOKEN: ghl.token,
        GHL_LOCATION_ID: ghl.locationId,
      },
      modules: serviceModules({
        alerts: { delivery: { retryLimit: 1, retryDelaySeconds: 1 }, intervalMs: 300 },
      }),
      extraModules: [failingModule()],
    });
  }, 60_000);
  afterAll(async () => {
    await t?.cleanup();
    await hook?.close();
    await ghl?.close();
  });

  it('three failing jobs of one kind post exactly one alert, with the error and without the secret', async () => {
    for (const n of [1, 2, 3]) await t.service.ctx.queue.send(failing, { n });
    const dead = await eventually(async () => {
      const d = await t.service.ctx.queue.deadLetters(failing);
      return d.length === 3 ? d : null;
    });
    expect(dead).toHaveLength(3);
    const [alert] = await hook.waitFor(1, 20_000);
    // Give the scanner a few more passes: the other two dead letters join the same incident.
    await eventually(async () => {
      const r = await t.service.ctx.store.db
        .selectFrom('alert_incidents')
        .select('event_count')
        .executeTakeFirst();
      return r?.event_count === 3;
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(hook.received).toHaveLength(1);
    const body = JSON.parse(alert!.body) as { text: string; blocks: Array<Record<string, unknown>> };
    expect(body.text).toMatch(
      /^:rotating_light: \[cin7-ghl sandbox\] Jobs of test\.failing failed for good \(dead-lettered\): Job test\.failing \S+ failed after 2 attempts: customer \d could not be written \(the admin password is \[redacted\]\)$/,
    );
    expect(Array.isArray(body.blocks)).toBe(true);
    expect(alert!.body).toContain('"kind\\": \\"test.failing\\"');
    expect(alert!.body).not.toContain(SECRET);
    expect(alert!.headers['content-type']).toBe('application/json');

    const list = (await (await t.call('/api/alerts')).json()) as { alerts: Array<Record<string, unknown>> };
    expect(list.alerts).toEqual([
      expect.objectContaining({
        kind: 'job.dead_letter',
        incidentKey: 'job.dead_letter:test.failing',
        eventCount: 3,
        status: 'sent',
      }),
    ]);
  });

  it('a run made to fail posts exactly one alert with its error (and run.failed reaches subscribers)', async () => {
    const events = await receiver(200);
    try {
      const sub = await t.call('/api/subscriptions', {
        method: 'POST',
        body: JSON.stringify({ url: events.url, events: ['run.failed', 'run.completed'] }),
      });
      expect(sub.status).toBe(201);
      const before = hook.received.length;
      const db = t.service.ctx.store.db;
      // Exactly what the engine writes for a run: start, then finish as failed (and one that completes).
      const ok = await startRun(db, { kind: 'sync', mode: 'incremental', trigger: 'schedule' });
      await finishRun(db, ok, {
        status: 'completed',
        counts: { customersRead: 3 },
        calls: { ghl: 4, cin7: 2 },
        minimumCalls: {},
        timings: {},
      });
      const bad = await startRun(db, { kind: 'sync', mode: 'full', trigger: 'manual' });
      await finishRun(db, bad, {
        status: 'failed',
        counts: { customersRead: 0 },
        calls: {},
        minimumCalls: {},
        timings: {},
        error: `GHL refused the token for location abc (401); the admin password is ${SECRET}`,
      });
      const [alert] = await hook.waitFor(before + 1, 20_000).then((r) => r.slice(before));
      const body = JSON.parse(alert!.body) as { text: string };
      expect(body.text).toBe(
        `:rotating_light: [cin7-ghl sandbox] A sync run failed: The sync run ${bad} (full, manual) failed: GHL refused the token for location abc (401); the admin password is [redacted]`,
      );
      expect(alert!.body).not.toContain(SECRET);
      const got = await events.waitFor(2, 20_000);
      const types = got
        .map((g) => JSON.parse(g.body) as { type: string; data: { runId: string } })
        .map((e) => `${e.type}:${e.data.runId}`);
      expect(types.sort()).toEqual([`run.completed:${ok}`, `run.failed:${bad}`].sort());
      // Re-reading the runs table (every second) neither alerts nor delivers twice.
      await new Promise((r) => setTimeout(r, 2500));
      expect(hook.received).toHaveLength(before + 1);
      expect(events.received).toHaveLength(2);
      const del = await t.call(`/api/subscriptions/${((await sub.json()) as { id: string }).id}`, {
        method: 'DELETE',
      });
      expect(del.status).toBe(200);
    } finally {
      await events.close();
    }
  });

  it('/metrics shows the failures, the alert and the calls made', async () => {
    const text = await (await t.call('/metrics', { auth: false })).text();
    expect(text).toContain('cin7ghl_dead_letters{kind="test.failing"} 3');
    expect(text).toContain('cin7ghl_alerts{kind="job.dead_letter",status="sent"} 1');
    // 3 jobs × 2 attempts, one GET each; the sandbox answers an unknown id with an error status.
    const calls = [
      ...text.matchAll(
        /^cin7ghl_vendor_calls_total\{api="ghl",operation="ghl\.contacts\.get",result="(\d+)"\} (\d+)$/gm,
      ),
    ];
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.reduce((sum, m) => sum + Number(m[2]), 0)).toBeGreaterThanOrEqual(6);
    expect(calls.every((m) => Number(m[1]) >= 400)).toBe(true);
    expect(text).toMatch(/^cin7ghl_vendor_failures_total\{api="ghl"\} \d+$/m);
    expect(text).not.toContain(SECRET);
  });

  it('another kind of trouble is another alert; a failing alert receiver is retried, bounded, and alerts nobody', async () => {
    hook.status = 503;
    const before = hook.received.length;
    await recordEvent(t.service.ctx.store.db, {
      kind: 'auth.lost',
      severity: 'critical',
      subject: 'ghl:loc-7',
      message: 'GHL refused the refresh token (invalid_grant): reconnect with `cin7-ghl connect ghl`.',
      details: { api: 'ghl', reason: 'invalid_grant' },
    });
    // 1 attempt + 1 retry, then the incident is marked failed.
    await hook.waitFor(before + 2, 20_000);
    const incident = await eventually(async () => {
      const r = await t.service.ctx.store.db
        .selectFrom('alert_incidents')
        .selectAll()
        .where('kind', '=', 'auth.lost')
        .executeTakeFirst();
      return r?.status === 'failed' ? r : null;
    });
    expect(incident.attempts).toBe(2);
    expect(incident.last_error).toContain('HTTP 503');
    const deadAlertEvent = await eventually(async () =>
      t.service.ctx.store.db
        .selectFrom('events')
        .selectAll()
        .where('kind', '=', 'job.dead_letter')
        .where('subject', 'like', `${ALERT_DELIVERY_JOB}/%`)
        .executeTakeFirst(),
    );
    expect(deadAlertEvent).toBeTruthy();
    await new Promise((r) => setTimeout(r, 2000));
    // No alert about the alert: still only the two attempts of the auth.lost alert.
    expect(hook.received).toHaveLength(before + 2);
    const incidents = await t.service.ctx.store.db.selectFrom('alert_incidents').select('kind').execute();
    expect(incidents.map((i) => i.kind).sort()).toEqual(['auth.lost', 'job.dead_letter', 'run.failed']);
  });
});
