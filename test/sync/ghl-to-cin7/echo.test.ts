/**
 * The echo test of issue 6: 1,000 changes made through the product, in both directions, cause 0
 * writes back. 500 Cin7 edits are synced to GHL (the GHL sandbox then sends a ContactUpdate webhook
 * for each to the service, which re-reads the contact); 500 GHL edits (250 DND changes, 250 notes)
 * are synced to Cin7 (the Cin7 sandbox then sends Customer/Updated, and the feed sees those
 * customers changed). Writes are counted per route in the sandboxes: exactly one per change, on the
 * side the change went to, and none on the side it came from; likewise one `record.synced` event per
 * change in its direction, and none for the echo.
 *
 * Sized for a loaded 2-core machine: the run is CPU-bound (PGlite, the job queue and both sandboxes
 * share one thread), so the rate windows are scaled by 1,000 (nothing waits on them) and there are
 * only as many customers as give 500 linked customers of their own with margin (600 → 524 with
 * seed 41).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LinkRecord, allLinks } from '../../../src/sync/repo/links.js';
import { type G2cService, startG2cService } from './helpers.js';

const CHANGES = 500;
let s: G2cService;
let links: LinkRecord[];

beforeAll(async () => {
  s = await startG2cService({
    customers: 600,
    salesPerCustomer: 0,
    seed: 41,
    timeScale: 1000,
    concurrency: 8,
  });
  // One link per customer, so each change is one customer's (and one write's) own.
  const seen = new Set<string>();
  links = (await allLinks(s.h.t.store.db, s.h.clients.locationId)).filter((l) => {
    if (l.state !== 'linked' || seen.has(l.cin7CustomerId)) return false;
    seen.add(l.cin7CustomerId);
    return true;
  });
  if (links.length < CHANGES) throw new Error(`only ${links.length} linked customers`);
  links = links.slice(0, CHANGES);
  await s.settle(60_000);
}, 240_000);

afterAll(async () => {
  await s?.stop();
});

describe('no echoes', () => {
  it(`${CHANGES} Cin7 edits synced to GHL: ${CHANGES} GHL writes, their ContactUpdate webhooks write nothing to Cin7`, async () => {
    s.mark();
    const eventsBefore = await syncedEvents();
    const inboxBefore = await countInbox('ContactUpdate');
    for (const [i, l] of links.entries()) {
      s.h.sb.cin7.control.editCustomer(l.cin7CustomerId, { Comments: `edit ${i}` });
      s.h.sb.cin7.control.editContact(l.cin7CustomerId, l.cin7ContactId, {
        Website: `https://echo-${i}.example.com`,
      });
    }
    await s.settle(240_000);
    for (const [i, l] of links.entries()) {
      expect(s.h.sb.ghl.control.contact(l.ghlContactId as string)?.website).toBe(
        `https://echo-${i}.example.com`,
      );
    }
    // Every GHL write came back as a webhook the service took in and handled.
    expect((await countInbox('ContactUpdate')) - inboxBefore).toBe(CHANGES);
    expect(s.writes()).toEqual({ ghl: { 'ghl.contacts.update': CHANGES }, cin7: {} });
    expect(since(await syncedEvents(), eventsBefore)).toEqual({ cin7_to_ghl: CHANGES, ghl_to_cin7: 0 });
  }, 300_000);

  it(`${CHANGES} GHL edits synced to Cin7: ${CHANGES} Cin7 writes, the Cin7 changes they make write nothing to GHL`, async () => {
    s.mark();
    const eventsBefore = await syncedEvents();
    const half = CHANGES / 2;
    const dnd = new Map<string, boolean>();
    for (const [i, l] of links.entries()) {
      const id = l.ghlContactId as string;
      if (i < half) {
        const next = !(s.h.sb.ghl.control.contact(id)?.dnd ?? false);
        dnd.set(id, next);
        s.h.sb.ghl.control.editContact(id, { dnd: next });
      } else s.h.sb.ghl.control.addNote(id, { body: `note ${i}` });
    }
    await s.settle(240_000);
    for (const [i, l] of links.entries()) {
      const c = s.h.sb.cin7.control.customer(l.cin7CustomerId);
      if (i < half) {
        const consent = c?.Contacts.find((x) => x.ID === l.cin7ContactId)?.MarketingConsent;
        expect(consent).toBe(dnd.get(l.ghlContactId as string) ? 3 : 2);
      } else expect(c?.Comments).toContain(`note ${i}`);
    }
    // The Cin7 changes went through the feed to the engine, which found nothing to write.
    expect(s.writes()).toEqual({ ghl: {}, cin7: { 'cin7.customers.update': CHANGES } });
    expect(since(await syncedEvents(), eventsBefore)).toEqual({ cin7_to_ghl: 0, ghl_to_cin7: CHANGES });
  }, 300_000);
});

/** `record.synced` events in the outbox (read from the store), by direction. */
async function syncedEvents(): Promise<Record<'cin7_to_ghl' | 'ghl_to_cin7', number>> {
  const rows = await s.h.t.store.db
    .selectFrom('product_events')
    .select('payload')
    .where('name', '=', 'record.synced')
    .execute();
  const out = { cin7_to_ghl: 0, ghl_to_cin7: 0 };
  for (const r of rows as unknown as Array<{ payload: { direction?: string } }>) {
    if (r.payload.direction === 'ghl_to_cin7') out.ghl_to_cin7++;
    else out.cin7_to_ghl++;
  }
  return out;
}

function since(now: Record<string, number>, then: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(now).map(([k, v]) => [k, v - (then[k] ?? 0)]));
}

async function countInbox(type: string): Promise<number> {
  const rows = await s.h.t.store.db.selectFrom('inbox').select('body').where('source', '=', 'ghl').execute();
  return rows.filter((r) => JSON.parse(r.body.toString('utf8')).type === type).length;
}
