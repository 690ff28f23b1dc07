import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GhlSandbox, startGhlSandbox } from '../../../../sandbox/ghl/index.js';
import { api } from '../_support.js';

interface SearchContact {
  id: string;
  email?: string;
  phone?: string;
  firstName?: string;
  dateAdded: string;
  dateUpdated: string;
  searchAfter: [number | string, string];
}
interface SearchAnswer {
  contacts: SearchContact[];
  total: number;
}

describe('POST /contacts/search over 10,500 seeded contacts', () => {
  let sb: GhlSandbox;
  beforeAll(async () => {
    sb = await startGhlSandbox({
      seed: 32,
      contacts: 10_500,
      rateLimit: { limit: 100_000, windowMs: 10_000 },
    });
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('pages past 10,000 with searchAfter (500 a page): every contact once, newest first', async () => {
    const call = api(sb);
    const ids = new Set<string>();
    const dates: number[] = [];
    let searchAfter: SearchContact['searchAfter'] | undefined;
    let pages = 0;
    for (;;) {
      const answer = await call('POST', '/contacts/search', {
        locationId: sb.locationId,
        pageLimit: 500,
        ...(searchAfter ? { searchAfter } : {}),
      });
      expect(answer.status).toBe(200);
      const body = answer.body as SearchAnswer;
      expect(body.total).toBe(10_500);
      if (body.contacts.length === 0) break;
      pages++;
      for (const c of body.contacts) {
        ids.add(c.id);
        dates.push(Date.parse(c.dateAdded));
      }
      const last = body.contacts[body.contacts.length - 1] as SearchContact;
      expect(last.searchAfter).toEqual([Date.parse(last.dateAdded), last.id]);
      searchAfter = last.searchAfter;
    }
    expect(pages).toBe(21);
    expect(ids.size).toBe(10_500);
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
  });

  it('reaches at most 10,000 records with page: page 20 × 500 works, page 21 gets 422', async () => {
    const call = api(sb);
    const ok = await call('POST', '/contacts/search', {
      locationId: sb.locationId,
      pageLimit: 500,
      page: 20,
    });
    expect(ok.status).toBe(200);
    expect((ok.body as SearchAnswer).contacts).toHaveLength(500);
    const over = await call('POST', '/contacts/search', {
      locationId: sb.locationId,
      pageLimit: 500,
      page: 21,
    });
    expect(over.status).toBe(422);
    expect(
      (await call('POST', '/contacts/search', { locationId: sb.locationId, pageLimit: 501 })).status,
    ).toBe(422);
    const both = await call('POST', '/contacts/search', {
      locationId: sb.locationId,
      pageLimit: 5,
      page: 2,
      searchAfter: [1, 'x'],
    });
    expect(both.status).toBe(422);
  });

  it('page N with page limit L is the same as skipping (N-1)·L in the default order', async () => {
    const call = api(sb);
    const first = (await call('POST', '/contacts/search', { locationId: sb.locationId, pageLimit: 30 }))
      .body as SearchAnswer;
    const page3 = (
      await call('POST', '/contacts/search', { locationId: sb.locationId, pageLimit: 10, page: 3 })
    ).body as SearchAnswer;
    expect(page3.contacts.map((c) => c.id)).toEqual(first.contacts.slice(20, 30).map((c) => c.id));
  });

  it('filters on email and phone (eq), dateUpdated (range), exists, and OR groups; sorts by dateUpdated', async () => {
    const call = api(sb);
    const sample = (
      (await call('POST', '/contacts/search', { locationId: sb.locationId, pageLimit: 200 }))
        .body as SearchAnswer
    ).contacts;
    const withEmail = sample.find((c) => c.email) as SearchContact;
    const withPhone = sample.find((c) => c.phone && c.id !== withEmail.id) as SearchContact;
    const search = async (body: Record<string, unknown>) =>
      (await call('POST', '/contacts/search', { locationId: sb.locationId, pageLimit: 500, ...body }))
        .body as SearchAnswer;

    const byEmail = await search({
      filters: [{ field: 'email', operator: 'eq', value: withEmail.email?.toUpperCase() }],
    });
    expect(byEmail.contacts.map((c) => c.id)).toEqual([withEmail.id]);
    const digits = (withPhone.phone as string).slice(2);
    const formatted = `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`;
    const byPhone = await search({ filters: [{ field: 'phone', operator: 'eq', value: formatted }] });
    expect(byPhone.contacts.map((c) => c.id)).toEqual([withPhone.id]);

    const or = await search({
      filters: [
        {
          group: 'OR',
          filters: [
            { field: 'email', operator: 'eq', value: withEmail.email },
            { field: 'id', operator: 'eq', value: withPhone.id },
          ],
        },
      ],
    });
    expect(or.contacts.map((c) => c.id).sort()).toEqual([withEmail.id, withPhone.id].sort());

    // A dateUpdated window, checked against an independent count over the pages read above.
    const all: SearchContact[] = [];
    let after: SearchContact['searchAfter'] | undefined;
    for (;;) {
      const page = await search({
        sort: [{ field: 'dateUpdated', direction: 'asc' }],
        ...(after ? { searchAfter: after } : {}),
      });
      if (page.contacts.length === 0) break;
      all.push(...page.contacts);
      after = page.contacts[page.contacts.length - 1]?.searchAfter;
    }
    expect(all).toHaveLength(10_500);
    const updated = all.map((c) => Date.parse(c.dateUpdated));
    expect(updated).toEqual([...updated].sort((a, b) => a - b));
    const from = updated[1000] as number;
    const to = updated[3000] as number;
    const expected = updated.filter((t) => t >= from && t <= to).length;
    const range = await search({
      filters: [
        { field: 'dateUpdated', operator: 'range', value: { gte: new Date(from).toISOString(), lte: to } },
      ],
    });
    expect(range.total).toBe(expected);

    const noEmail = await search({ filters: [{ field: 'email', operator: 'not_exists' }], pageLimit: 1 });
    const hasEmail = await search({ filters: [{ field: 'email', operator: 'exists' }], pageLimit: 1 });
    expect(noEmail.total + hasEmail.total).toBe(10_500);
    expect(noEmail.total).toBe(all.filter((c) => !c.email).length);
  });

  it('refuses unknown filter fields and operators with 422', async () => {
    const call = api(sb);
    const bad = await call('POST', '/contacts/search', {
      locationId: sb.locationId,
      pageLimit: 5,
      filters: [
        { field: 'shoeSize', operator: 'eq', value: 1 },
        { field: 'email', operator: 'like', value: 'x' },
      ],
    });
    expect(bad.status).toBe(422);
    expect((bad.body as { message: string[] }).message.join('\n')).toMatch(
      /filters\.0\.field[\s\S]*filters\.1\.operator/,
    );
  });
});
