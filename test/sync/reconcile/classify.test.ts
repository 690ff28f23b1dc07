/**
 * classifyRecord, case by case: one linked record whose last synced state is known, one side or
 * both changed, each policy. Every expected change is written by hand.
 */
import { describe, expect, it } from 'vitest';
import {
  type GhlContactLike,
  type MappingConfig,
  hashValue,
  mapCustomer,
  parseMapping,
  readGhlContact,
} from '../../../src/sync/mapping/index.js';
import { classifyRecord, fieldFlow } from '../../../src/sync/reconcile/classify.js';
import type { ConflictPolicy } from '../../../src/sync/reconcile/types.js';
import { parseTagRules } from '../../../src/sync/rules/index.js';
import { customer } from '../mapping/fixtures.js';

const defaults = parseMapping({});

/** The GHL contact as last synced. */
const SYNCED: GhlContactLike = {
  id: 'ghl1',
  firstName: 'Jo',
  lastName: 'Bloggs',
  email: 'jo@acme.example',
  phone: '+12125550100',
  address1: '1 Main St',
  city: 'Austin',
  state: 'TX',
  postalCode: '78701',
  country: 'US',
  companyName: 'Acme Supplies',
  dnd: false,
  tags: [],
};

function cin7(
  over: { City?: string; Name?: string; MarketingConsent?: number; Website?: string; Phone?: string } = {},
) {
  return customer({
    n: 1,
    Name: 'Acme Supplies',
    Tags: 'VIP',
    Contacts: [
      {
        ID: '0f000000-0000-4000-8000-000000000001',
        Name: over.Name ?? 'Jo Bloggs',
        Email: 'jo@acme.example',
        Phone: over.Phone ?? '+1 212 555 0100',
        Website: over.Website ?? null,
        Default: true,
        MarketingConsent: over.MarketingConsent ?? 2,
      },
    ],
    Addresses: [
      {
        Line1: '1 Main St',
        City: over.City ?? 'Austin',
        State: 'TX',
        Postcode: '78701',
        Country: 'United States',
        DefaultForType: true,
      },
    ],
  });
}

function classify(options: {
  mapping?: MappingConfig;
  cin7?: Parameters<typeof cin7>[0];
  ghl?: Partial<GhlContactLike>;
  synced?: Partial<GhlContactLike>;
  policy?: ConflictPolicy;
  withheld?: Record<string, string>;
  drop?: string[];
  cin7ModifiedAt?: string;
  cin7ChangedAt?: string;
  ghlUpdatedAt?: string;
  ghlTags?: string[];
  ruleTags?: string[] | null;
  rules?: ReturnType<typeof parseTagRules>;
  ghlUnknown?: string[];
  writable?: { ghl: boolean; cin7: boolean };
}) {
  const mapping = options.mapping ?? defaults;
  const hashes = { ...readGhlContact({ ...SYNCED, ...options.synced }, mapping).hashes };
  for (const f of options.drop ?? []) delete hashes[f];
  const c = mapCustomer(cin7(options.cin7), mapping).contacts[0];
  if (!c) throw new Error('the fixture maps no contact');
  return classifyRecord({
    mapping,
    policy: options.policy ?? 'owner',
    link: {
      hashes,
      withheld: options.withheld ?? {},
      cin7ChangedAt: new Date(options.cin7ChangedAt ?? '2025-03-01T00:00:00Z'),
      ghlTags: options.ghlTags ?? [],
    },
    c,
    cin7ModifiedAt: new Date(options.cin7ModifiedAt ?? '2025-03-01T00:00:00Z'),
    ghl: readGhlContact({ ...SYNCED, ...options.synced, ...options.ghl }, mapping),
    ghlUpdatedAt: options.ghlUpdatedAt ? new Date(options.ghlUpdatedAt) : null,
    ...(options.ghlUnknown ? { ghlUnknown: new Set(options.ghlUnknown) } : {}),
    ...(options.writable ? { writable: options.writable } : {}),
    ...(options.rules ? { rules: options.rules } : {}),
    ...(options.ruleTags !== undefined ? { ruleTags: options.ruleTags } : {}),
  });
}

describe('classifyRecord: drift', () => {
  it('finds nothing when neither side moved', () => {
    const r = classify({});
    expect(r.changes).toEqual([]);
    expect(r.rebase).toEqual({});
    expect(r.tags).toBeNull();
  });

  it('sends a Cin7 change to GHL', () => {
    expect(classify({ cin7: { City: 'Dallas' } }).changes).toEqual([
      {
        field: 'city',
        class: 'drift',
        changed: 'cin7',
        from: 'Austin',
        to: 'Dallas',
        target: 'ghl',
        cin7Value: 'Dallas',
        ghlValue: 'Austin',
      },
    ]);
  });

  it('writes the owner’s value back over a GHL edit of a Cin7-owned field', () => {
    expect(classify({ ghl: { city: 'Gotham' } }).changes).toEqual([
      {
        field: 'city',
        class: 'drift',
        changed: 'ghl',
        from: 'Gotham',
        to: 'Austin',
        target: 'ghl',
        cin7Value: 'Austin',
        ghlValue: 'Gotham',
      },
    ]);
  });

  it('a contact name change moves first and last name', () => {
    expect(
      classify({ cin7: { Name: 'Joanna Bloggs-Smith' } }).changes.map((x) => [
        x.field,
        x.from,
        x.to,
        x.target,
      ]),
    ).toEqual([
      ['firstName', 'Jo', 'Joanna', 'ghl'],
      ['lastName', 'Bloggs', 'Bloggs-Smith', 'ghl'],
    ]);
  });

  it('only brings the link up to date when both sides changed to the same value', () => {
    const r = classify({ cin7: { City: 'Dallas' }, ghl: { city: ' Dallas ' } });
    expect(r.changes).toEqual([]);
    expect(r.rebase).toEqual({ city: hashValue('Dallas') });
  });

  it('sends a GHL change of dnd (GHL-owned) to Cin7', () => {
    expect(classify({ ghl: { dnd: true } }).changes).toEqual([
      {
        field: 'dnd',
        class: 'drift',
        changed: 'ghl',
        from: false,
        to: true,
        target: 'cin7',
        cin7Value: false,
        ghlValue: true,
      },
    ]);
  });

  it('never takes a Cin7 edit of dnd (GHL owns it after create) as a change: neither opt-out nor unknown', () => {
    expect(classify({ cin7: { MarketingConsent: 3 } }).changes).toEqual([]);
    expect(classify({ cin7: { MarketingConsent: 1 } }).changes).toEqual([]);
  });

  it('leaves a value that was deliberately not written (withheld) alone until Cin7 changes it again', () => {
    const phoneNow = '+12125550199';
    expect(
      classify({ cin7: { Phone: '+1 212 555 0199' }, withheld: { phone: hashValue(phoneNow) } }).changes,
    ).toEqual([]);
    expect(
      classify({ cin7: { Phone: '+1 212 555 0188' }, withheld: { phone: hashValue(phoneNow) } }).changes.map(
        (x) => [x.field, x.to, x.target],
      ),
    ).toEqual([['phone', '+12125550188', 'ghl']]);
  });

  it('without a synced state for a field, the owner’s value wins', () => {
    expect(classify({ cin7: { City: 'Dallas' }, drop: ['city'] }).changes).toEqual([
      {
        field: 'city',
        class: 'drift',
        changed: 'unknown',
        from: 'Austin',
        to: 'Dallas',
        target: 'ghl',
        cin7Value: 'Dallas',
        ghlValue: 'Austin',
      },
    ]);
    expect(classify({ drop: ['city'] }).rebase).toEqual({ city: hashValue('Austin') });
  });

  it('does not compare a field the GHL read does not carry, but still sends a Cin7 change of it', () => {
    expect(classify({ ghl: { website: 'https://ghl.example' }, ghlUnknown: ['website'] }).changes).toEqual(
      [],
    );
    expect(
      classify({ cin7: { Website: 'https://acme.example' }, ghlUnknown: ['website'] }).changes.map((x) => [
        x.field,
        x.from,
        x.to,
        x.target,
      ]),
    ).toEqual([['website', null, 'https://acme.example', 'ghl']]);
  });

  it('a field that flows both ways sends either side’s change to the other', () => {
    const mapping = parseMapping({ fields: { website: { direction: 'both', owner: 'ghl' } } });
    expect(
      classify({ mapping, ghl: { website: 'https://ghl.example' } }).changes.map((x) => [
        x.field,
        x.from,
        x.to,
        x.target,
      ]),
    ).toEqual([['website', null, 'https://ghl.example', 'cin7']]);
    expect(
      classify({ mapping, cin7: { Website: 'https://acme.example' } }).changes.map((x) => [
        x.field,
        x.from,
        x.to,
        x.target,
      ]),
    ).toEqual([['website', null, 'https://acme.example', 'ghl']]);
  });

  it('with writes to a side switched off, the change is listed but written nowhere', () => {
    const [x] = classify({ cin7: { City: 'Dallas' }, writable: { ghl: false, cin7: true } }).changes;
    expect(x).toMatchObject({ field: 'city', class: 'drift', from: 'Austin', to: 'Dallas', target: null });
    expect(x?.why).toBe('writing to GHL is off (sync.cin7ToGhl: false)');
    const [y] = classify({ ghl: { dnd: true }, writable: { ghl: true, cin7: false } }).changes;
    expect(y).toMatchObject({ field: 'dnd', target: null });
  });

  it('knows how each default field flows', () => {
    const flows = Object.fromEntries(defaults.fields.map((f) => [f.name, fieldFlow(f)]));
    expect(flows.city).toEqual({ toGhl: true, toCin7: false, owner: 'cin7', ghlBaseline: false });
    expect(flows.dnd).toEqual({ toGhl: false, toCin7: true, owner: 'ghl', ghlBaseline: true });
  });
});

describe('classifyRecord: conflicts by policy', () => {
  const both = { cin7: { City: 'Dallas' }, ghl: { city: 'Gotham' } };

  it('owner: the field’s owner (Cin7) wins and GHL is written', () => {
    const [x] = classify({ ...both, policy: 'owner' }).changes;
    expect(x).toMatchObject({
      field: 'city',
      class: 'conflict',
      changed: 'both',
      from: 'Gotham',
      to: 'Dallas',
      target: 'ghl',
      cin7Value: 'Dallas',
      ghlValue: 'Gotham',
      policy: 'owner',
      winner: 'cin7',
    });
  });

  it('newest: GHL changed last, so its value stays and nothing is written (the field does not flow to Cin7)', () => {
    const [x] = classify({
      ...both,
      policy: 'newest',
      cin7ModifiedAt: '2025-03-02T10:00:00Z',
      ghlUpdatedAt: '2025-03-02T11:00:00Z',
    }).changes;
    expect(x).toMatchObject({ winner: 'ghl', target: null, keep: true, from: 'Dallas', to: 'Dallas' });
    expect(x?.why).toBe('newest: GHL changed at 2025-03-02T11:00:00.000Z, Cin7 at 2025-03-02T10:00:00.000Z');
  });

  it('newest: Cin7 changed last, so GHL is written', () => {
    const [x] = classify({
      ...both,
      policy: 'newest',
      cin7ModifiedAt: '2025-03-02T12:00:00Z',
      ghlUpdatedAt: '2025-03-02T11:00:00Z',
    }).changes;
    expect(x).toMatchObject({ winner: 'cin7', target: 'ghl', from: 'Gotham', to: 'Dallas' });
  });

  it('newest: a Cin7 time that did not move since the last sync is unknown, so the owner wins', () => {
    const [x] = classify({
      ...both,
      policy: 'newest',
      cin7ModifiedAt: '2025-03-01T00:00:00Z',
      ghlUpdatedAt: '2025-03-02T11:00:00Z',
    }).changes;
    expect(x).toMatchObject({ winner: 'cin7', target: 'ghl' });
    expect(x?.why).toBe('the field is owned by Cin7 (newest: the Cin7 change time is unknown)');
  });

  it('newest on a field that flows both ways writes Cin7 when GHL is newer', () => {
    const mapping = parseMapping({ fields: { website: { direction: 'both' } } });
    const [x] = classify({
      mapping,
      cin7: { Website: 'https://cin7.example' },
      ghl: { website: 'https://ghl.example' },
      policy: 'newest',
      cin7ModifiedAt: '2025-03-02T10:00:00Z',
      ghlUpdatedAt: '2025-03-02T11:00:00Z',
    }).changes;
    expect(x).toMatchObject({
      field: 'website',
      winner: 'ghl',
      target: 'cin7',
      from: 'https://cin7.example',
      to: 'https://ghl.example',
    });
  });

  it('manual: nothing is written; the conflict is left open', () => {
    const [x] = classify({ ...both, policy: 'manual' }).changes;
    expect(x).toMatchObject({
      class: 'conflict',
      winner: null,
      target: null,
      from: 'Gotham',
      to: 'Dallas',
      policy: 'manual',
    });
  });
});

describe('classifyRecord: owned tags', () => {
  const rules = parseTagRules({ rules: [{ tag: 'vip', when: { orderCount: { gte: 10 } } }] });

  it('a rule tag the rules no longer give is removed from GHL; tags nobody owns are ignored', () => {
    expect(
      classify({
        rules,
        ruleTags: [],
        ghlTags: ['vip', 'newsletter'],
        synced: { tags: ['vip', 'newsletter'] },
      }).tags,
    ).toEqual({
      current: ['vip'],
      desired: [],
      target: 'ghl',
      changed: 'cin7',
    });
  });

  it('a rule tag removed in GHL is added back', () => {
    expect(
      classify({
        rules,
        ruleTags: ['vip'],
        ghlTags: ['vip'],
        synced: { tags: ['vip'] },
        ghl: { tags: ['newsletter'] },
      }).tags,
    ).toEqual({
      current: [],
      desired: ['vip'],
      target: 'ghl',
      changed: 'ghl',
    });
  });

  it('with the Cin7 Tags mapping both ways, a prefixed tag added in GHL goes to Cin7', () => {
    const mapping = parseMapping({ tags: { enabled: true, direction: 'both' } });
    expect(
      classify({
        mapping,
        ghlTags: ['cin7:vip'],
        synced: { tags: ['cin7:vip'] },
        ghl: { tags: ['cin7:vip', 'cin7:wholesale'] },
      }).tags,
    ).toEqual({
      current: ['cin7:vip', 'cin7:wholesale'],
      desired: ['cin7:vip', 'cin7:wholesale'],
      target: 'cin7',
      changed: 'ghl',
    });
  });
});
