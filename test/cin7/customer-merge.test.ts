/** mergeCustomer: the full record a PUT sends after a partial change. */
import { describe, expect, it } from 'vitest';
import { mergeCustomer } from '../../src/cin7/customer-merge.js';
import { InputError } from '../../src/errors/index.js';

const current = {
  ID: 'aaaaaaaa-0000-4000-8000-000000000001',
  Name: 'Merge Co',
  Comments: 'old',
  Tags: 'a,b',
  LastModifiedOn: '2024-01-01T00:00:00Z',
  ChildCustomers: [],
  Contacts: [
    { ID: 'cccccccc-0000-4000-8000-000000000001', Name: 'One', Phone: '1', Default: true },
    { ID: 'cccccccc-0000-4000-8000-000000000002', Name: 'Two', Phone: '2', Default: false },
  ],
  Addresses: [
    { ID: 'dddddddd-0000-4000-8000-000000000001', Line1: '1 St', Country: 'Canada', Type: 'Billing' },
  ],
};

describe('mergeCustomer', () => {
  it('replaces top-level fields, keeps the rest, drops read-only and response-only fields', () => {
    const out = mergeCustomer(current, { Comments: 'new', Tags: null });
    expect(out).toEqual({
      ID: current.ID,
      Name: 'Merge Co',
      Comments: 'new',
      Tags: null,
      Contacts: current.Contacts,
      Addresses: current.Addresses,
    });
  });

  it('merges contacts by ID (any case), appends new ones, keeps the ones not mentioned', () => {
    const out = mergeCustomer(current, {
      Contacts: [
        { ID: 'CCCCCCCC-0000-4000-8000-000000000002', Phone: '22' },
        { Name: 'Three' },
        { ID: 'eeeeeeee-0000-4000-8000-00000000000e', Name: 'Unknown id becomes new' },
      ],
    });
    expect(out.Contacts).toEqual([
      { ID: 'cccccccc-0000-4000-8000-000000000001', Name: 'One', Phone: '1', Default: true },
      { ID: 'cccccccc-0000-4000-8000-000000000002', Name: 'Two', Phone: '22', Default: false },
      { Name: 'Three' },
      { Name: 'Unknown id becomes new' },
    ]);
    expect(out.Addresses).toEqual(current.Addresses);
  });

  it('leaves the current record untouched', () => {
    const copy = structuredClone(current);
    mergeCustomer(current, { Comments: 'x', Contacts: [{ ID: current.Contacts[0]!.ID, Phone: '9' }] });
    expect(current).toEqual(copy);
  });

  it('refuses another ID, and arrays that are not arrays of objects', () => {
    expect(() => mergeCustomer(current, { ID: 'aaaaaaaa-0000-4000-8000-000000000002' })).toThrow(InputError);
    expect(mergeCustomer(current, { ID: current.ID.toUpperCase() }).ID).toBe(current.ID);
    expect(() => mergeCustomer(current, { Contacts: 'x' })).toThrow(/not an array/);
    expect(() => mergeCustomer(current, { Addresses: [1] })).toThrow(/not an object/);
    expect(() => mergeCustomer({ Name: 'no id' }, {})).toThrow(/no ID/);
  });
});
