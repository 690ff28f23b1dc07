/**
 * previewCustomer in process against both sandboxes: the create body it shows — custom field ids
 * resolved from the location — is accepted by GHL as is and reads back with equal hashes; previewed
 * again, the same customer has nothing left to write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cin7Client } from '../../../src/cin7/client.js';
import { cin7HttpRules } from '../../../src/cin7/http-rules.js';
import { StaticTokenProvider } from '../../../src/ghl/auth.js';
import { GhlClient } from '../../../src/ghl/client.js';
import { ghlHttpRules } from '../../../src/ghl/http-rules.js';
import type { CreateContactInput } from '../../../src/ghl/types.js';
import { HttpClient } from '../../../src/http/client.js';
import {
  mapCustomer,
  parseMapping,
  readGhlContact,
  withCustomFieldIds,
} from '../../../src/sync/mapping/index.js';
import { LOCATION_PLACEHOLDER, previewCustomer } from '../../../src/sync/mapping/preview.js';
import { parseTagRules } from '../../../src/sync/rules/index.js';
import { type Sandboxes, startSandboxes } from '../../../sandbox/index.js';

let sb: Sandboxes;
let cin7: Cin7Client;
let ghl: GhlClient;
let customerId: string;

const mapping = parseMapping(
  {
    fields: {
      'customField:customer_code': { from: 'customer.AdditionalAttribute1' },
      'customField:lifetime_spend': { from: 'customer.AdditionalAttribute2', transform: 'number' },
    },
  },
  { customFields: true },
);
const rules = parseTagRules({ rules: [{ name: 'tier', tag: 'tier:{priceTier}' }] });

beforeAll(async () => {
  sb = await startSandboxes({ seed: 17, cin7: { customers: 3, salesPerCustomer: 0 } });
  const http = new HttpClient({
    rules: [
      cin7HttpRules({ rateLimit: { requests: 60, windowMs: 60_000 }, timeoutMs: 10_000 }),
      ghlHttpRules({ rateLimit: { requests: 100, windowMs: 10_000 }, timeoutMs: 10_000 }),
    ],
  });
  cin7 = new Cin7Client({
    http,
    baseUrl: sb.cin7.baseUrl,
    accountId: sb.cin7.accountId,
    applicationKey: sb.cin7.applicationKey,
  });
  ghl = new GhlClient({
    http,
    baseUrl: sb.ghl.baseUrl,
    auth: new StaticTokenProvider(sb.ghl.token, sb.ghl.locationId),
  });
  const created = sb.cin7.control.createCustomer({
    Name: 'Custom Fields Ltd',
    Status: 'Active',
    Currency: 'USD',
    PaymentTerm: '30 days',
    AccountReceivable: '610',
    RevenueAccount: '200',
    TaxRule: 'Tax Exempt',
    PriceTier: 'Wholesale',
    AttributeSet: 'Customer Profile',
    AdditionalAttribute1: 'C-42',
    AdditionalAttribute2: '1250.5',
    Contacts: [
      {
        Name: 'Cy Field',
        Email: 'cy@fields.example',
        Phone: '(212) 555-0142',
        Default: true,
        MarketingConsent: 2,
      },
    ],
    Addresses: [
      {
        Line1: '5 Field Rd',
        City: 'Albany',
        State: 'NY',
        Postcode: '12207',
        Country: 'United States',
        Type: 'Billing',
      },
    ],
  });
  customerId = created.ID;
});

afterAll(async () => {
  await sb?.close();
});

describe('previewCustomer', () => {
  it('shows the body the sync writes: GHL accepts it and reads it back with equal hashes', async () => {
    const p = await previewCustomer(customerId, { cin7, ghl, mapping, rules, locationId: sb.ghl.locationId });
    expect(p.contacts).toHaveLength(1);
    const preview = p.contacts[0]!;
    expect(preview.existing).toBeNull();
    const defs = await ghl.listCustomFields();
    const idOf = (key: string) => defs.find((d) => d.fieldKey === `contact.${key}`)?.id;
    expect(preview.create.body).toEqual({
      locationId: sb.ghl.locationId,
      firstName: 'Cy',
      lastName: 'Field',
      email: 'cy@fields.example',
      phone: '+12125550142',
      address1: '5 Field Rd',
      city: 'Albany',
      state: 'NY',
      postalCode: '12207',
      country: 'US',
      companyName: 'Custom Fields Ltd',
      customFields: [
        { id: idOf('customer_code'), field_value: 'C-42' },
        { id: idOf('lifetime_spend'), field_value: 1250.5 },
      ],
      dnd: false,
      tags: ['tier:wholesale'],
    });

    const created = await ghl.createContact(preview.create.body as CreateContactInput);
    const resolved = withCustomFieldIds(mapping, defs);
    const mapped = mapCustomer((await cin7.getCustomer(customerId))!, resolved).contacts[0]!;
    const back = readGhlContact(await ghl.getContact(created.id!), resolved);
    for (const f of [...Object.keys(mapped.fields), 'dnd']) expect(back.hashes[f], f).toBe(mapped.hashes[f]);
    expect(back.tags).toEqual(['tier:wholesale']);

    const again = await previewCustomer(customerId, {
      cin7,
      ghl,
      mapping,
      rules,
      locationId: sb.ghl.locationId,
    });
    expect(again.contacts[0]!.existing).toEqual({
      contactId: created.id,
      matchedBy: 'email',
      changedFields: [],
      update: null,
      upsert: null,
      tags: { add: [], remove: [] },
    });
  });

  it('without GHL: no comparison, the location placeholder, custom fields written by key', async () => {
    const p = await previewCustomer(customerId, { cin7, ghl: null, mapping, rules, locationId: null });
    expect(p.ghlChecked).toBe(false);
    const body = p.contacts[0]!.create.body as Record<string, unknown>;
    expect(body.locationId).toBe(LOCATION_PLACEHOLDER);
    expect(body.customFields).toEqual([
      { key: 'customer_code', field_value: 'C-42' },
      { key: 'lifetime_spend', field_value: 1250.5 },
    ]);
  });
});
