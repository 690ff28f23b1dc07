/**
 * The REST routes behind the dashboard's actions, on a service connected to both sandboxes: a sync
 * started with POST /api/runs runs in the background (a second one is refused with 409) and its end
 * is visible in GET /api/runs/live; records are found by email; a reconciliation plan lists the
 * drift made by hand and the runs page shows it; the schedules are paused and resumed; a failed
 * record fixed in Cin7 is retried; the rate budget shows the location's windows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandboxes, startSandboxes } from '../../../sandbox/index.js';
import { listFailures } from '../../../src/sync/repo/failures.js';
import { type TestService, eventually, startTestService } from '../../service/helpers.js';

interface Live {
  live: {
    kind: string;
    mode: string;
    status: string;
    summary: Record<string, unknown> | null;
    runId: string | null;
  } | null;
}

describe('dashboard control routes (sandboxes)', () => {
  let sb: Sandboxes;
  let t: TestService;
  const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;
  const post = (p: string, body: unknown, method = 'POST') =>
    t.call(p, { method, body: JSON.stringify(body) });
  const finished = (kind: string) =>
    eventually(
      async () => {
        const { live } = await json<Live>(await t.call('/api/runs/live'));
        return live && live.kind === kind && live.status !== 'running' ? live : null;
      },
      60_000,
      100,
    );

  beforeAll(async () => {
    sb = await startSandboxes({ seed: 5, ghlContacts: 6, cin7: { customers: 30, salesPerCustomer: 1 } });
    t = await startTestService({
      env: {
        GHL_BASE_URL: sb.ghl.baseUrl,
        GHL_TOKEN: sb.ghl.token,
        GHL_LOCATION_ID: sb.ghl.locationId,
        CIN7_BASE_URL: sb.cin7.baseUrl,
        CIN7_ACCOUNT_ID: sb.cin7.accountId,
        CIN7_APPLICATION_KEY: sb.cin7.applicationKey,
      },
    });
  }, 60_000);
  afterAll(async () => {
    await t?.cleanup();
    await sb?.close();
  });

  it('a sync started with POST /api/runs runs in the background; a second start is refused while it runs', async () => {
    const before = sb.ghl.control.contactCount();
    const first = await post('/api/runs', { kind: 'sync' });
    expect(first.status).toBe(201);
    expect((await json<{ run: { status: string; kind: string } }>(first)).run).toMatchObject({
      kind: 'sync',
      status: 'running',
    });
    const second = await post('/api/runs', { kind: 'sync' });
    expect(second.status).toBe(409);
    expect((await json<{ code: string }>(second)).code).toBe('run_busy');
    const live = await finished('sync');
    expect(['completed', 'partial']).toContain(live.status);
    expect(live.summary?.contactsCreated).toBe(sb.ghl.control.contactCount() - before);
    const runs = await json<{ runs: Array<{ id: string; kind: string }> }>(await t.call('/api/runs'));
    expect(runs.runs[0]).toMatchObject({ id: live.runId, kind: 'sync' });
  });

  it('GET /api/records finds a customer by the email of its GHL contact', async () => {
    const link = await t.service.ctx.store.db
      .selectFrom('links')
      .select(['cin7_customer_id', 'ghl_contact_id', 'email'])
      .where('state', '=', 'linked')
      .where('email', 'is not', null)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const [inGhl] = sb.ghl.control.findContacts({ email: link.email as string });
    const res = await json<{
      records: Array<{ cin7CustomerId: string; links: Array<{ ghlContactId: string }> }>;
    }>(await t.call(`/api/records?q=${encodeURIComponent((link.email as string).toUpperCase())}`));
    expect(res.records.map((r) => r.cin7CustomerId)).toEqual([link.cin7_customer_id]);
    expect(res.records[0]?.links.map((l) => l.ghlContactId)).toContain(inGhl?.id);
  });

  it('a reconciliation plan lists a drift made by hand, and the runs page shows it', async () => {
    const link = await t.service.ctx.store.db
      .selectFrom('links')
      .select(['cin7_customer_id', 'ghl_contact_id'])
      .where('state', '=', 'linked')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    sb.ghl.control.editContact(link.ghl_contact_id as string, { city: 'Drifted City' });
    expect((await post('/api/runs', { kind: 'reconcile', mode: 'plan' })).status).toBe(201);
    const live = await finished('reconcile');
    expect(live.mode).toBe('plan');
    expect((live.summary?.counts as { drift?: number } | undefined)?.drift).toBe(1);
    const page = await (await t.call('/runs')).text();
    const row = /<tr><td><span class="badge[^"]*">drift<\/span><\/td>[\s\S]*?<\/tr>/.exec(page)?.[0] ?? '';
    expect(row).toContain(link.cin7_customer_id);
    expect(row).toContain('<code>city</code>');
    expect(row).toContain('Drifted City');
  });

  it('the schedules are paused and resumed; the polling schedule and its next time are shown', async () => {
    const paused = await json<{ paused: { sync: boolean }; crons: { sync: string }; next: { sync: string } }>(
      await post('/api/schedules', { sync: true }, 'PUT'),
    );
    expect(paused.paused.sync).toBe(true);
    expect(paused.crons.sync).toBe('*/5 * * * *');
    expect(Date.parse(paused.next.sync)).toBeGreaterThan(Date.now());
    expect(Date.parse(paused.next.sync) - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    const resumed = await json<{ paused: { sync: boolean } }>(
      await post('/api/schedules', { sync: false }, 'PUT'),
    );
    expect(resumed.paused.sync).toBe(false);
  });

  it('a failed record, fixed in Cin7, is retried and resolved', async () => {
    const failures = await listFailures(t.service.ctx.store.db, { status: 'open', limit: 100 });
    const target = failures.find((f) => f.code === 'invalid_email' || f.code === 'invalid_phone');
    if (!target) throw new Error(`no invalid value among ${failures.map((f) => f.code).join(', ')}`);
    const patch =
      target.code === 'invalid_email'
        ? { Email: `fixed.${target.id}@example.com` }
        : { Phone: '+1 212 555 0199', MobilePhone: null };
    sb.cin7.control.editContact(target.cin7CustomerId, target.cin7ContactId, patch);
    const res = await post('/api/failures/retry', { ids: [target.id] });
    expect(res.status).toBe(200);
    const report = await json<{ retried: number; resolved: number; stillFailing: unknown[] }>(res);
    expect(report).toMatchObject({ retried: 1, resolved: 1, stillFailing: [] });
    const empty = await post('/api/failures/retry', {});
    expect(empty.status).toBe(400);
  });

  it('the rate budget shows the GHL location and the Cin7 application with their windows', async () => {
    const budget = await json<{
      ghl: Array<{
        locationId: string;
        burst: { limit: number; windowMs: number; free: number };
        daily: { limit: number; remaining: number } | null;
      }>;
      cin7: Array<{ accountId: string; perMinute: { limit: number; windowMs: number; free: number } }>;
    }>(await t.call('/api/rate-budget'));
    expect(budget.ghl.map((g) => g.locationId)).toEqual([sb.ghl.locationId]);
    expect(budget.ghl[0]?.burst).toMatchObject({ limit: 100, windowMs: 10_000 });
    expect(budget.ghl[0]?.burst.free).toBeGreaterThanOrEqual(0);
    expect(budget.ghl[0]?.burst.free).toBeLessThanOrEqual(100);
    expect(budget.ghl[0]?.daily?.limit).toBe(200_000);
    expect(budget.ghl[0]?.daily?.remaining).toBeLessThan(200_000);
    expect(budget.cin7).toEqual([
      { accountId: sb.cin7.accountId, perMinute: expect.objectContaining({ limit: 60, windowMs: 60_000 }) },
    ]);
  });
});
