/**
 * The sync module in a running service (PGlite, sandboxes): started with GHL connected and no Cin7
 * account, it waits; once Cin7 is connected (as `connect cin7` does, while the service runs) the sync
 * starts by itself — no restart — and the nightly reconciliation is scheduled by `reconcile.schedule`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cin7Sandbox, startCin7Sandbox } from '../../sandbox/cin7/index.js';
import { type GhlSandbox, startGhlSandbox } from '../../sandbox/ghl/index.js';
import { connectCin7 } from '../../src/cin7/connect.js';
import { silentLogger } from '../../src/log/logger.js';
import { reconcileJob } from '../../src/sync/reconcile/schedule.js';
import { type TestService, eventually, startTestService } from './helpers.js';

interface Status {
  customers: { total: number; dirty: number };
  links: { pending: number; linked: number };
}

describe('sync module: connections made while the service runs', () => {
  let ghl: GhlSandbox;
  let cin7: Cin7Sandbox;
  let t: TestService;

  beforeAll(async () => {
    ghl = await startGhlSandbox({ seed: 12 });
    cin7 = await startCin7Sandbox({ seed: 12, customers: 6, salesPerCustomer: 0 });
    t = await startTestService({
      env: {
        GHL_BASE_URL: ghl.baseUrl,
        GHL_TOKEN: ghl.token,
        GHL_LOCATION_ID: ghl.locationId,
        CIN7_BASE_URL: cin7.baseUrl,
        CIN7_GHL_TIME_ZONE: 'Australia/Sydney',
      },
      patch: (c) => ({ ...c, reconcile: { ...c.reconcile, schedule: '30 3 * * *' } }),
    });
  }, 60_000);
  afterAll(async () => {
    await t?.cleanup();
    await ghl?.close();
    await cin7?.close();
  });

  it('waits without Cin7, then syncs once Cin7 is connected, and schedules the reconciliation', async () => {
    // Two recheck intervals without Cin7: nothing is read or written, nothing is scheduled.
    const contactsBefore = ghl.control.contactCount();
    await new Promise((r) => setTimeout(r, 11_000));
    expect(ghl.control.contactCount()).toBe(contactsBefore);
    expect(cin7.control.calls().accepted).toBe(0);
    expect(await t.service.ctx.queue.schedules(reconcileJob)).toEqual([]);

    await connectCin7({
      store: t.service.ctx.store,
      config: t.config,
      logger: silentLogger(),
      accountId: cin7.accountId,
      applicationKey: cin7.applicationKey,
    });
    // The seeded customers reach GHL through the feed pass the sync asks for as it starts.
    let last: Status | null = null;
    const status = await eventually(
      async () => {
        const s = (await (await t.call('/api/sync/status')).json()) as Status;
        last = s;
        return s.customers.total === 6 && s.customers.dirty === 0 && s.links.pending === 0 ? s : null;
      },
      90_000,
      250,
    ).catch((e: unknown) => {
      throw new Error(`${String(e)}; last status: ${JSON.stringify(last)}`);
    });
    expect(status.links.linked).toBeGreaterThanOrEqual(1);
    expect(ghl.control.contactCount() - contactsBefore).toBeLessThanOrEqual(status.links.linked);
    expect(await t.service.ctx.queue.schedules(reconcileJob)).toEqual([
      { cron: '30 3 * * *', tz: 'Australia/Sydney', key: '' },
    ]);
  }, 150_000);
});
