import { describe, expect, it } from 'vitest';
import {
  nextListCursor,
  readBusinessWrite,
  readContactsList,
  readDuplicate,
  readSearchPage,
} from '../../src/ghl/read.js';

describe('tolerant readers of the shapes the spec leaves open', () => {
  it('GET /contacts/: meta present, absent, or with numbers as strings', () => {
    const full = readContactsList({
      contacts: [{ id: 'a' }],
      count: 1,
      meta: { total: '7', startAfter: '1631087949919', startAfterId: 'a', nextPage: 2, prevPage: null },
    });
    expect(full).toEqual({
      contacts: [{ id: 'a' }],
      count: 1,
      meta: { total: 7, startAfter: 1631087949919, startAfterId: 'a', nextPage: 2, prevPage: null },
    });
    expect(readContactsList({ contacts: [{ id: 'a' }] })).toEqual({ contacts: [{ id: 'a' }] });
    expect(readContactsList({})).toEqual({ contacts: [] });
    expect(() => readContactsList([])).toThrow(/expected a JSON object/);
    expect(() => readContactsList({ contacts: 'x' })).toThrow(/expected an array/);
  });

  it('the next page of GET /contacts/ comes from meta, its nextPageUrl, or the last contact', () => {
    const two = [
      { id: 'a', dateAdded: '2024-01-01T00:00:00.000Z' },
      { id: 'b', dateAdded: '2024-01-02T00:00:00.000Z' },
    ];
    expect(
      nextListCursor({ contacts: two, meta: { startAfter: 5, startAfterId: 'b', nextPage: 2, total: 9 } }, 2),
    ).toEqual({ startAfter: 5, startAfterId: 'b' });
    expect(
      nextListCursor(
        {
          contacts: two,
          meta: {
            nextPageUrl: 'https://x/contacts/?locationId=l&startAfter=1631087949919&startAfterId=yd0j',
          },
        },
        2,
      ),
    ).toEqual({ startAfter: 1631087949919, startAfterId: 'yd0j' });
    // A meta naming no next page is the last page.
    expect(
      nextListCursor({ contacts: two, meta: { total: 2, startAfter: 5, startAfterId: 'b' } }, 2),
    ).toBeNull();
    // No meta at all: the last contact's dateAdded (epoch ms) and id.
    expect(nextListCursor({ contacts: two }, 2)).toEqual({
      startAfter: Date.UTC(2024, 0, 2),
      startAfterId: 'b',
    });
    // A short page is the last one.
    expect(nextListCursor({ contacts: two }, 3)).toBeNull();
  });

  it('the duplicate lookup: {contact}, {contact: null}, {contacts: []}, a bare contact, or {}', () => {
    expect(readDuplicate({ contact: { id: 'c1' } })).toEqual({ id: 'c1' });
    expect(readDuplicate({ contact: null })).toBeNull();
    expect(readDuplicate({ contacts: [{ id: 'c2' }, { id: 'c3' }] })).toEqual({ id: 'c2' });
    expect(readDuplicate({ contacts: [] })).toBeNull();
    expect(readDuplicate({ id: 'c4', email: 'x@y.z' })).toEqual({ id: 'c4', email: 'x@y.z' });
    expect(readDuplicate({})).toBeNull();
    expect(readDuplicate(null)).toBeNull();
  });

  it('search answers: total missing → page length; count accepted', () => {
    expect(readSearchPage({ contacts: [{ id: 'a' }, { id: 'b' }] })).toEqual({
      contacts: [{ id: 'a' }, { id: 'b' }],
      total: 2,
    });
    expect(readSearchPage({ contacts: [], count: 12 }).total).toBe(12);
  });

  it('business writes: "buiseness" as the spec spells it, or "business"', () => {
    expect(readBusinessWrite({ success: true, buiseness: { id: 'b1' } })).toEqual({ id: 'b1' });
    expect(readBusinessWrite({ success: true, business: { id: 'b2' } })).toEqual({ id: 'b2' });
    expect(() => readBusinessWrite({ success: true })).toThrow(/no "buiseness"/);
  });
});
