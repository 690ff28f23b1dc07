/**
 * Cin7 customers from new GHL contacts, switched on in the mapping: names kept unique by the
 * documented rule, the required fields filled from the configured defaults and `/me`, the new
 * customer linked (one `record.synced`, action `created`) — and then nothing echoes back to GHL. Contacts that something already stands
 * for (a Cin7 customer with the email, no email or phone) are not created; a create whose answer
 * was lost is found again by name, never made twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  candidateNames,
  contactKey,
  noteGhlChange,
  processInbound,
} from '../../../src/sync/ghl-to-cin7/index.js';
import { listAudit } from '../../../src/sync/repo/audit.js';
import { type G2cService, startG2cService, until } from './helpers.js';

let s: G2cService;

beforeAll(async () => {
  s = await startG2cService({
    customers: 6,
    salesPerCustomer: 0,
    seed: 31,
    timeScale: 100,
    mappingYaml: [
      'createCustomers:',
      '  enabled: true',
      '  defaults:',
      '    AccountReceivable: "610"',
      '    RevenueAccount: "200"',
      '    PriceTier: Retail',
      '',
    ].join('\n'),
  });
  await s.settle();
}, 180_000);

afterAll(async () => {
  await s?.stop();
});

const byName = (name: string) => s.h.sb.cin7.customers().filter((c) => c.Name === name);
const linkOf = (ghlId: string) =>
  s.h.t.store.db
    .selectFrom('links')
    .selectAll()
    .where('ghl_contact_id', '=', ghlId)
    .where('state', '=', 'linked')
    .executeTakeFirst();

describe('Cin7 customers from new GHL contacts', () => {
  it('names: the rule, in order', () => {
    expect(candidateNames('Nora New', 'nora@example.com').slice(0, 3)).toEqual([
      'Nora New',
      'Nora New (nora@example.com)',
      'Nora New (nora@example.com) 2',
    ]);
  });

  it('creates a customer with the required fields, links it, and nothing goes back to GHL', async () => {
    s.mark();
    const g = s.h.sb.ghl.control.createContact({
      firstName: 'Nora',
      lastName: 'New',
      email: 'nora.new@example.com',
      phone: '+1 212 555 0142',
      address1: '12 Elm Street',
      city: 'Albany',
      state: 'NY',
      postalCode: '12207',
      country: 'US',
      dnd: true,
    });
    await s.settle();
    const [c] = byName('Nora New');
    expect(c).toMatchObject({
      Status: 'Active',
      Currency: 'USD',
      PaymentTerm: '30 days',
      AccountReceivable: '610',
      RevenueAccount: '200',
      TaxRule: 'Tax Exempt',
      PriceTier: 'Retail',
    });
    expect(c?.Contacts).toHaveLength(1);
    expect(c?.Contacts[0]).toMatchObject({
      Name: 'Nora New',
      Email: 'nora.new@example.com',
      Phone: '+12125550142',
      Default: true,
      MarketingConsent: 3,
    });
    expect(c?.Addresses[0]).toMatchObject({
      Line1: '12 Elm Street',
      City: 'Albany',
      Country: 'United States',
    });
    const link = await linkOf(g.id as string);
    expect(link).toMatchObject({
      cin7_customer_id: c?.ID,
      cin7_contact_id: c?.Contacts[0]?.ID,
      email: 'nora.new@example.com',
    });
    expect(s.writes()).toEqual({ ghl: {}, cin7: { 'cin7.customers.create': 1 } });
    const [row] = await listAudit(s.h.t.store.db, { ghlContactId: g.id as string, limit: 1 });
    expect(row).toMatchObject({
      direction: 'ghl_to_cin7',
      action: 'create',
      cause: 'webhook',
      cin7CustomerId: c?.ID,
    });
    // One record event about the contact: the create (nothing went back to GHL, so no other).
    const events = await s.h.t.store.db
      .selectFrom('product_events')
      .select(['name', 'payload'])
      .where('name', 'in', ['record.synced', 'record.failed'])
      .orderBy('id')
      .execute();
    expect(
      (events as unknown as Array<{ name: string; payload: Record<string, unknown> }>).filter(
        (e) => e.payload.ghlContactId === g.id,
      ),
    ).toEqual([
      {
        name: 'record.synced',
        payload: {
          cin7CustomerId: c?.ID,
          cin7ContactId: c?.Contacts[0]?.ID,
          ghlContactId: g.id,
          ghlLocationId: s.h.clients.locationId,
          action: 'created',
          fields: ['Name', 'Contacts', 'Addresses'],
          direction: 'ghl_to_cin7',
          runId: null,
          at: expect.any(String),
        },
      },
    ]);
  }, 60_000);

  it('a second contact of the same name gets "Name (email)"; a company contact is named after the company', async () => {
    s.mark();
    const g2 = s.h.sb.ghl.control.createContact({
      firstName: 'Nora',
      lastName: 'New',
      email: 'nora.two@example.com',
    });
    const g3 = s.h.sb.ghl.control.createContact({
      firstName: 'Cal',
      lastName: 'Co',
      email: 'cal@widgets.example.com',
      companyName: 'Acme Widgets',
    });
    await s.settle();
    const [two] = byName('Nora New (nora.two@example.com)');
    expect(two?.Contacts[0]).toMatchObject({ Name: 'Nora New', Email: 'nora.two@example.com' });
    expect((await linkOf(g2.id as string))?.cin7_customer_id).toBe(two?.ID);
    const [acme] = byName('Acme Widgets');
    expect(acme).toMatchObject({ IsLegalEntity: true });
    expect(acme?.Contacts[0]).toMatchObject({ Name: 'Cal Co', Email: 'cal@widgets.example.com' });
    expect((await linkOf(g3.id as string))?.cin7_customer_id).toBe(acme?.ID);
    // The unique name differs from what GHL has (no company): kept on both sides, not written back.
    expect(s.writes()).toEqual({ ghl: {}, cin7: { 'cin7.customers.create': 2 } });
  }, 60_000);

  it('creates nothing for a contact a Cin7 customer already has, or one without email and phone', async () => {
    const existing = s.h.sb.cin7
      .customers()
      .find((c) => c.Status === 'Active' && c.Contacts.some((x) => x.Email?.includes('@example.')));
    const email = existing?.Contacts.find((x) => x.Email?.includes('@example.'))?.Email as string;
    const count = s.h.sb.cin7.customers().length;
    s.mark();
    const dupe = s.h.sb.ghl.control.createContact({
      firstName: 'Dup',
      lastName: 'Licate',
      email: `x${email}`,
    });
    s.h.sb.ghl.control.editContact(dupe.id as string, { email });
    s.h.sb.ghl.control.createContact({ firstName: 'No', lastName: 'Identity' });
    await s.settle();
    expect(s.h.sb.cin7.customers().length).toBe(count);
    expect(s.writes().cin7).toEqual({});
    const intents = await s.h.t.store.db
      .selectFrom('ghl_customer_creates')
      .select(['state', 'reason'])
      .where('state', '=', 'skipped')
      .execute();
    expect(intents.map((i) => i.reason).join('\n')).toMatch(/neither email nor phone/);
  }, 60_000);

  it('a create whose answer was lost is not made twice: one customer, linked, audited', async () => {
    s.h.sb.cin7.control.setFaults({ afterWriteRate: 1, operations: ['cin7.customers.create'] });
    s.mark();
    const g = s.h.sb.ghl.control.createContact({
      firstName: 'Lost',
      lastName: 'Answer',
      email: 'lost.answer@example.com',
    });
    await until(async () => byName('Lost Answer').length === 1, 20_000, 'the created customer');
    s.h.sb.cin7.control.setFaults({});
    await s.settle();
    expect(byName('Lost Answer')).toHaveLength(1);
    expect((await linkOf(g.id as string))?.cin7_customer_id).toBe(byName('Lost Answer')[0]?.ID);
    const audit = await listAudit(s.h.t.store.db, { ghlContactId: g.id as string, limit: 10 });
    expect(audit.find((a) => a.action === 'create')).toMatchObject({ details: { found: true } });
    expect(s.writes().cin7).toEqual({ 'cin7.customers.create': 1 });
  }, 90_000);

  it('a retry after a lost answer finds the customer by a name it tried, and links it', async () => {
    // No Cin7 webhook for the create and no queue: only this retry can find the customer.
    s.h.sb.cin7.control.configure({ customerCreateFiresWebhook: false });
    s.h.sb.ghl.control.set({ webhookUrl: null });
    const g = s.h.sb.ghl.control.createContact({
      firstName: 'Found',
      lastName: 'Again',
      email: 'found.again@example.com',
    });
    s.h.sb.ghl.control.set({ webhookUrl: s.ghlWebhookUrl });
    const deps = { ...s.deps, queue: null };
    const id = g.id as string;
    try {
      s.mark();
      await noteGhlChange(deps, id, { contact: true }, 'manual', {
        name: 'test',
        at: new Date().toISOString(),
      });
      s.h.sb.cin7.control.setFaults({ afterWriteRate: 1, operations: ['cin7.customers.create'] });
      await expect(processInbound(deps, contactKey(id))).rejects.toThrow();
      s.h.sb.cin7.control.setFaults({});
      expect(byName('Found Again')).toHaveLength(1);
      expect(await linkOf(id)).toBeUndefined();
      await processInbound(deps, contactKey(id));
      expect(byName('Found Again')).toHaveLength(1);
      expect((await linkOf(id))?.cin7_customer_id).toBe(byName('Found Again')[0]?.ID);
      const [row] = await listAudit(s.h.t.store.db, { ghlContactId: id, limit: 1 });
      expect(row).toMatchObject({
        action: 'create',
        cause: 'manual',
        details: { found: true, names: ['Found Again'] },
      });
      expect(s.writes().cin7).toEqual({ 'cin7.customers.create': 1 });
    } finally {
      s.h.sb.cin7.control.configure({ customerCreateFiresWebhook: true });
    }
    await s.settle();
  }, 60_000);
});
