/**
 * Reading the GHL side: search pages lag writes, and may be unavailable.
 * - A contact the product just wrote still shows its old version in search: that is not a GHL
 *   change (its `dateUpdated` is not after the synced state), so the next plan stays empty.
 * - A contact just created does not show in search yet: it is read with `GET /contacts/:id`.
 * - Search refused (a 404 on the first page): contacts are read with `GET /contacts/` instead (100 a
 *   page), which carries fewer fields; changes of the fields it carries are still seen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cin7Customer } from '../../../sandbox/cin7/index.js';
import { runReconcile } from '../../../src/sync/reconcile/run.js';
import type { LinkRecord } from '../../../src/sync/repo/links.js';
import { CUSTOMER_DEFAULTS } from '../engine/cli-workspace.js';
import { type Harness, startHarness } from '../engine/harness.js';
import { linkedLinks, reconcileDeps, shuffled } from './helpers.js';

describe('reconcile: reading GHL through a lagging or unavailable search', () => {
  let h: Harness;
  let pool: LinkRecord[];
  const plan = () => runReconcile(reconcileDeps(h), { mode: 'plan', trigger: 'manual' });
  const apply = () => runReconcile(reconcileDeps(h), { mode: 'apply', trigger: 'manual' });

  beforeAll(async () => {
    h = await startHarness({ customers: 150, salesPerCustomer: 0, seed: 51, timeScale: 100 });
    const sync = await h.run({ concurrency: 8 });
    expect(sync.status).not.toBe('failed');
    pool = shuffled(await linkedLinks(h), 5).filter(
      (l) => (h.sb.cin7.control.customer(l.cin7CustomerId) as Cin7Customer).Addresses.length > 0,
    );
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('a write of its own that search has not indexed yet is not taken for a GHL change', async () => {
    // 3 s (300 s scaled by 100) before a write shows in search.
    h.sb.ghl.control.set({ searchLagMs: 300_000 });
    const l = pool[0] as LinkRecord;
    const customer = h.sb.cin7.control.customer(l.cin7CustomerId) as Cin7Customer;
    for (const a of customer.Addresses)
      h.sb.cin7.control.editAddress(l.cin7CustomerId, a.ID, { City: 'Lagtown' });
    const fixed = await apply();
    expect(fixed.counts.drift).toBe(1);
    expect(h.sb.ghl.control.contact(l.ghlContactId as string)?.city).toBe('Lagtown');
    const next = await plan();
    expect(next.changes).toEqual([]);
  });

  it('a contact created since the index was built is read with GET /contacts/:id, not taken as gone', async () => {
    h.sb.cin7.control.createCustomer({
      ...CUSTOMER_DEFAULTS,
      Name: 'Lagging Search Pty',
      Contacts: [{ Name: 'Lena Lag', Email: 'lena.lag@example.net', Default: true, MarketingConsent: 2 }],
      Addresses: [
        { Line1: '1 Lag Lane', City: 'Lagtown', Country: 'Australia', Type: 'Billing', DefaultForType: true },
      ],
    });
    const sync = await h.run();
    expect(sync.contactsCreated).toBe(1);
    const before = h.sb.ghl.control.stats().byRoute['ghl.contacts.get'] ?? 0;
    const p = await plan();
    expect(p.changes).toEqual([]);
    expect(p.counts.orphan).toBe(0);
    expect((h.sb.ghl.control.stats().byRoute['ghl.contacts.get'] ?? 0) - before).toBe(1);
    h.sb.ghl.control.set({ searchLagMs: 0 });
  });

  it('without search, GET /contacts/ pages are read; a change of a field they carry is still found', async () => {
    h.sb.ghl.control.set({ faults: { statusRates: { '404': 1 }, operations: ['ghl.contacts.search'] } });
    try {
      const l = pool.find((x) => h.sb.ghl.control.contact(x.ghlContactId as string)?.email) as LinkRecord;
      const email = h.sb.ghl.control.contact(l.ghlContactId as string)?.email;
      h.sb.ghl.control.editContact(l.ghlContactId as string, { email: 'someone.else@example.net' });
      const p = await plan();
      const contacts = h.sb.ghl.control.contactCount();
      expect(p.pages.ghl).toBe(Math.ceil(contacts / 100));
      expect(p.notes.some((n) => /GET \/contacts\//.test(n))).toBe(true);
      expect(p.changes).toEqual([
        {
          class: 'drift',
          cin7CustomerId: l.cin7CustomerId,
          cin7ContactId: l.cin7ContactId,
          ghlContactId: l.ghlContactId,
          field: 'email',
          from: 'someone.else@example.net',
          to: email,
          target: 'ghl',
        },
      ]);
      const fixed = await apply();
      expect(fixed.applied).toBe(1);
      expect(h.sb.ghl.control.contact(l.ghlContactId as string)?.email).toBe(email);
    } finally {
      h.sb.ghl.control.set({ faults: {} });
    }
    expect((await plan()).changes).toEqual([]);
  });
});
