/**
 * What the plan finds besides field drift, on a tenant synced with business association on:
 * - a contact taken out of its business in GHL: found with `GET /contacts/business/:id` against the
 *   links, and mended (one bulk association per business);
 * - an unlinked candidate: a Cin7 contact and a GHL contact with the same email, not linked; after
 *   `sync run` (whose matching links it) it is gone from the plan, with no duplicate made.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../../src/sync/repo/audit.js';
import { runReconcile } from '../../../src/sync/reconcile/run.js';
import type { LinkRecord } from '../../../src/sync/repo/links.js';
import { CUSTOMER_DEFAULTS } from '../engine/cli-workspace.js';
import { type Harness, startHarness } from '../engine/harness.js';
import { linkedLinks, reconcileDeps } from './helpers.js';

describe('reconcile: business associations and unlinked candidates', () => {
  let h: Harness;
  const plan = () => runReconcile(reconcileDeps(h), { mode: 'plan', trigger: 'manual' });
  const apply = () => runReconcile(reconcileDeps(h), { mode: 'apply', trigger: 'manual' });

  beforeAll(async () => {
    h = await startHarness({
      customers: 90,
      salesPerCustomer: 0,
      seed: 71,
      timeScale: 100,
      config: { 'sync.businesses': true },
    });
    const sync = await h.run({ concurrency: 8 });
    expect(sync.status).not.toBe('failed');
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('starts in sync, having read the members of every business the links name', async () => {
    const p = await plan();
    expect(p.changes).toEqual([]);
    const businesses = new Set((await linkedLinks(h)).map((l) => l.businessId).filter((b) => b !== null));
    expect(businesses.size).toBeGreaterThan(0);
    expect(p.pages.business).toBe(businesses.size);
  });

  it('a contact taken out of its business in GHL is listed and put back', async () => {
    const l = (await linkedLinks(h)).find((x) => x.businessId !== null) as LinkRecord;
    const r = h.sb.readyInfo().ghl;
    const res = await fetch(`${r.baseUrl}/contacts/bulk/business`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${r.token}`,
        version: '2021-07-28',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ locationId: r.locationId, ids: [l.ghlContactId], businessId: null }),
    });
    expect(res.ok).toBe(true);
    expect(h.sb.ghl.control.contact(l.ghlContactId as string)?.businessId).toBeUndefined();
    const p = await plan();
    expect(p.changes).toEqual([
      {
        class: 'drift',
        cin7CustomerId: l.cin7CustomerId,
        cin7ContactId: l.cin7ContactId,
        ghlContactId: l.ghlContactId,
        field: 'businessId',
        from: null,
        to: l.businessId,
        target: 'ghl',
      },
    ]);
    const fixed = await apply();
    expect(fixed.applied).toBe(1);
    expect(h.sb.ghl.control.contact(l.ghlContactId as string)?.businessId).toBe(l.businessId);
    const [audit] = await listAudit(h.t.store.db, { ghlContactId: l.ghlContactId as string, limit: 1 });
    expect(audit).toMatchObject({ action: 'business', cause: 'reconcile', after: l.businessId });
    expect((await plan()).changes).toEqual([]);
  });

  it('a Cin7 contact and a GHL contact with the same email, not linked, are a candidate until the sync links them', async () => {
    const customer = h.sb.cin7.control.createCustomer({
      ...CUSTOMER_DEFAULTS,
      Name: 'Candidate Pty',
      Contacts: [
        { Name: 'Cora Candidate', Email: 'cora.candidate@example.net', Default: true, MarketingConsent: 2 },
      ],
      Addresses: [
        { Line1: '2 Match St', City: 'Sydney', Country: 'Australia', Type: 'Billing', DefaultForType: true },
      ],
    });
    const ghl = h.sb.ghl.control.createContact({
      firstName: 'Cora',
      lastName: 'Candidate',
      email: 'cora.candidate@example.net',
    });
    const p = await plan();
    expect(p.counts.unlinked).toBe(1);
    expect(p.changes).toEqual([
      {
        class: 'unlinked',
        cin7CustomerId: customer.ID,
        cin7ContactId: customer.Contacts[0]?.ID,
        ghlContactId: ghl.id,
        field: 'link',
        from: null,
        to: ghl.id,
        target: null,
      },
    ]);
    const contacts = h.sb.ghl.control.contactCount();
    await h.run();
    expect(h.sb.ghl.control.contactCount()).toBe(contacts);
    const linked = (await linkedLinks(h)).find((l) => l.cin7CustomerId === customer.ID);
    expect(linked?.ghlContactId).toBe(ghl.id);
    expect((await plan()).changes).toEqual([]);
  });
});
