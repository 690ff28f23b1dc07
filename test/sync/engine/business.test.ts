/**
 * Business association (`sync.businesses`): a Cin7 customer that is a company ↔ a GHL business of the
 * same name — found when the location has it, else created — with the customer's synced contacts
 * associated; the business calls are part of the minimum; a second run associates nothing again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allLinks } from '../../../src/sync/repo/links.js';
import { CUSTOMER_DEFAULTS } from './cli-workspace.js';
import { type Harness, startHarness } from './harness.js';

describe('business association', () => {
  let h: Harness;
  let companyId: string;
  let existingBusinessId: string;

  beforeAll(async () => {
    h = await startHarness({
      customers: 0,
      salesPerCustomer: 0,
      seed: 111,
      config: { 'sync.businesses': true },
    });
    const address = {
      Line1: '1 Main Street',
      City: 'Austin',
      State: 'TX',
      Postcode: '78701',
      Country: 'United States',
      Type: 'Billing',
      DefaultForType: true,
    };
    companyId = h.sb.cin7.control.createCustomer({
      ...CUSTOMER_DEFAULTS,
      Name: 'Harbour Supplies LLC',
      IsLegalEntity: true,
      Contacts: [
        { Name: 'Ana Harbour', Email: 'ana@harbour.example.com', Default: true },
        { Name: 'Ben Harbour', Email: 'ben@harbour.example.com' },
      ],
      Addresses: [address],
    }).ID;
    h.sb.cin7.control.createCustomer({
      ...CUSTOMER_DEFAULTS,
      Name: 'Cleo Person',
      Contacts: [{ Name: 'Cleo Person', Email: 'cleo@example.com', Default: true }],
      Addresses: [address],
    });
    h.sb.cin7.control.createCustomer({
      ...CUSTOMER_DEFAULTS,
      Name: 'Existing Business Ltd',
      IsLegalEntity: true,
      Contacts: [{ Name: 'Dan Exists', Email: 'dan@existing.example.com', Default: true }],
      Addresses: [address],
    });
    // The location already has one of the businesses.
    const res = await fetch(`${h.sb.ghl.baseUrl}/businesses/`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${h.sb.ghl.token}`,
        version: '2021-07-28',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: 'Existing Business Ltd', locationId: h.sb.ghl.locationId }),
      signal: AbortSignal.timeout(10_000),
    });
    existingBusinessId = ((await res.json()) as { buiseness: { id: string } }).buiseness.id;
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('associates company contacts with their business (found or created); a person gets none', async () => {
    const r = await h.run();
    expect(r.contactsCreated).toBe(3);
    const links = await allLinks(h.t.store.db, h.clients.locationId);
    const byEmail = new Map(links.map((l) => [l.email, l]));
    const ana = h.sb.ghl.control.contact(byEmail.get('ana@harbour.example.com')?.ghlContactId ?? '');
    const dan = h.sb.ghl.control.contact(byEmail.get('dan@existing.example.com')?.ghlContactId ?? '');
    const cleo = h.sb.ghl.control.contact(byEmail.get('cleo@example.com')?.ghlContactId ?? '');
    expect(dan?.businessId).toBe(existingBusinessId);
    expect(ana?.businessId).toBeTruthy();
    expect(ana?.businessId).not.toBe(existingBusinessId);
    expect(cleo?.businessId ?? null).toBeNull();
    expect(byEmail.get('ana@harbour.example.com')?.businessId).toBe(ana?.businessId);
    const business = await fetch(`${h.sb.ghl.baseUrl}/businesses/${ana?.businessId}`, {
      headers: { authorization: `Bearer ${h.sb.ghl.token}`, version: '2021-07-28' },
      signal: AbortSignal.timeout(10_000),
    });
    expect(((await business.json()) as { business: { name: string } }).business.name).toBe(
      'Harbour Supplies LLC',
    );
    // One list page, one create (Harbour), one association per company customer; all in the minimum.
    expect(r.calls.ghl).toBeLessThanOrEqual(1.02 * r.minimumCalls.ghl + 1);
    expect(r.minimumCalls.ghl).toBe(3 + 1 + 1 + 2);
    const profile = (
      await h.t.store.db
        .selectFrom('customers')
        .select('profile')
        .where('cin7_customer_id', '=', companyId)
        .executeTakeFirst()
    )?.profile as { business?: { id: string; name: string } } | null;
    expect(profile?.business).toEqual({ id: ana?.businessId, name: 'Harbour Supplies LLC' });
  });

  it('a second run associates nothing again', async () => {
    const before = h.sb.ghl.control.stats().byRoute['ghl.contacts.business.bulk'] ?? 0;
    const r = await h.run({ full: true });
    expect(r.contactsCreated + r.contactsUpdated).toBe(0);
    expect(h.sb.ghl.control.stats().byRoute['ghl.contacts.business.bulk'] ?? 0).toBe(before);
  });
});
