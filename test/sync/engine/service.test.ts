/**
 * The engine as the service runs it: polling is scheduled every `sync.pollIntervalMinutes`, and a
 * scheduled pass brings a Cin7 change to GHL with no webhook (cause `poll`); a sale webhook leads to
 * a sales pass whose new facts change a customer's rule tags, and the tag reaches GHL as a delta.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cin7CustomerFeedJob, cin7SaleFeedJob } from '../../../src/cin7/feed-jobs.js';
import { syncWebhooks } from '../../../src/cin7/webhooks.js';
import { allLinks } from '../../../src/sync/repo/links.js';
import { type Harness, type RunningService, startHarness, startService, until } from './harness.js';

describe('sync service', () => {
  let h: Harness;
  let svc: RunningService;

  beforeAll(async () => {
    h = await startHarness({
      customers: 20,
      salesPerCustomer: 0,
      seed: 101,
      cin7: { webhookDelayMs: 2000 },
      rulesYaml: 'rules:\n  - { name: buyer, tag: buyer, when: { orderCount: { gte: 1 } } }\n',
      config: { 'sync.pollIntervalMinutes': 5 },
    });
    await h.run();
    // Webhooks are registered only for the sale test: the polling test must do without them.
    svc = await startService(h, { polling: true, debounceMs: 200, registerWebhooks: false });
  }, 120_000);

  afterAll(async () => {
    await svc?.stop();
    await h?.close();
  });

  it('polls both feeds every sync.pollIntervalMinutes', async () => {
    for (const kind of [cin7CustomerFeedJob, cin7SaleFeedJob]) {
      const schedules = await svc.queue.schedules(kind);
      expect(schedules.map((s) => [s.cron, s.tz])).toEqual([['*/5 * * * *', 'UTC']]);
    }
  });

  it('a scheduled pass (no webhook) brings a Cin7 update to GHL', async () => {
    const link = (await allLinks(h.t.store.db, h.clients.locationId)).find((l) => l.state === 'linked');
    if (!link?.ghlContactId) throw new Error('no link');
    const ghlId = link.ghlContactId;
    h.sb.cin7.control.editContact(link.cin7CustomerId, link.cin7ContactId, { Name: 'Polled Person' });
    h.sb.cin7.control.editCustomer(link.cin7CustomerId, { Comments: 'edited while webhooks are off' });
    // What the cron enqueues at the next tick.
    await svc.queue.send(cin7CustomerFeedJob, { connectionId: h.clients.connectionId, reason: 'schedule' });
    await until(
      () => h.sb.ghl.control.contact(ghlId)?.lastName === 'Person',
      20_000,
      'the polled change in GHL',
    );
    const audit = () =>
      h.t.store.db
        .selectFrom('audit')
        .select(['cause', 'fields'])
        .where('ghl_contact_id', '=', ghlId)
        .where('action', '=', 'update')
        .orderBy('id', 'desc')
        .executeTakeFirst();
    await until(async () => (await audit()) !== undefined, 10_000, 'the audit row');
    expect((await audit())?.cause).toBe('poll');
    expect((await audit())?.fields).toContain('firstName');
    expect(h.sb.cin7.control.deliveries()).toEqual([]);
  });

  it('a sale webhook: the sales pass recomputes the rule tags, and the tag reaches GHL as a delta', async () => {
    const link = (await allLinks(h.t.store.db, h.clients.locationId)).filter((l) => l.state === 'linked')[1];
    if (!link?.ghlContactId) throw new Error('no link');
    const ghlId = link.ghlContactId;
    expect(h.sb.ghl.control.contact(ghlId)?.tags ?? []).not.toContain('buyer');
    await syncWebhooks(h.clients.cin7, { publicUrl: svc.url, secret: svc.secret });
    h.sb.cin7.control.createSale({ CustomerID: link.cin7CustomerId, Status: 'ORDERED' });
    await until(
      () => (h.sb.ghl.control.contact(ghlId)?.tags ?? []).includes('buyer'),
      20_000,
      'the buyer tag',
    );
    const audit = () =>
      h.t.store.db
        .selectFrom('audit')
        .select(['cause', 'details'])
        .where('ghl_contact_id', '=', ghlId)
        .where('action', '=', 'tags')
        .executeTakeFirst();
    await until(async () => (await audit()) !== undefined, 10_000, 'the audit row');
    expect(await audit()).toEqual({ cause: 'webhook', details: { added: ['buyer'], removed: [] } });
  });
});
