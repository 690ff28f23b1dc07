import { afterEach, describe, expect, it } from 'vitest';
import { type GhlSandbox, startGhlSandbox } from '../../../../sandbox/ghl/index.js';
import { api, raw } from '../_support.js';

let sb: GhlSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

interface ContactAnswer {
  contact: { id: string; email?: string; phone?: string; firstName?: string; tags: string[] };
}

async function start(options: Parameters<typeof startGhlSandbox>[0] = {}) {
  sb = await startGhlSandbox({ seed: 21, ...options });
  return { sb, call: api(sb), loc: sb.locationId };
}

describe('create and the duplicate rule', () => {
  it('refuses a second contact with the same email (any case) with a 400 naming the contact and field', async () => {
    const { call, loc } = await start();
    const first = await call('POST', '/contacts/', {
      locationId: loc,
      firstName: 'Ann',
      lastName: 'Lee',
      email: 'ann@example.com',
    });
    expect(first.status).toBe(201);
    const id = (first.body as ContactAnswer).contact.id;
    const again = await call('POST', '/contacts/', {
      locationId: loc,
      firstName: 'Other',
      email: 'ANN@Example.com',
    });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({
      statusCode: 400,
      message: 'This location does not allow duplicated contacts.',
      meta: { contactId: id, matchingField: 'email', contactName: 'Ann Lee' },
    });
  });

  it('matches on phone when the email does not match, comparing phones in E.164', async () => {
    const { call, loc } = await start();
    const first = await call('POST', '/contacts/', {
      locationId: loc,
      firstName: 'Bo',
      phone: '+1 (415) 555-0101',
    });
    const id = (first.body as ContactAnswer).contact.id;
    expect((first.body as ContactAnswer).contact.phone).toBe('+14155550101');
    const again = await call('POST', '/contacts/', {
      locationId: loc,
      email: 'bo@example.com',
      phone: '415-555-0101',
    });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ meta: { contactId: id, matchingField: 'phone' } });
  });

  it('creates duplicates when the location allows them (option or control knob)', async () => {
    const { sb: s, call, loc } = await start();
    await call('POST', '/contacts/', { locationId: loc, email: 'dup@example.com' });
    s.control.set({ allowDuplicates: true });
    expect((await call('POST', '/contacts/', { locationId: loc, email: 'dup@example.com' })).status).toBe(
      201,
    );
    expect(s.control.findContacts({ email: 'dup@example.com' })).toHaveLength(2);
  });

  it('refuses an update that would make a duplicate; an update keeping its own email is fine', async () => {
    const { call, loc } = await start();
    const a = (await call('POST', '/contacts/', { locationId: loc, email: 'a@example.com' }))
      .body as ContactAnswer;
    const b = (await call('POST', '/contacts/', { locationId: loc, email: 'b@example.com' }))
      .body as ContactAnswer;
    const clash = await call('PUT', `/contacts/${b.contact.id}`, { email: 'A@example.com' });
    expect(clash.status).toBe(400);
    expect(clash.body).toMatchObject({ meta: { contactId: a.contact.id, matchingField: 'email' } });
    expect(
      (await call('PUT', `/contacts/${a.contact.id}`, { email: 'a@example.com', city: 'Austin' })).status,
    ).toBe(200);
  });

  it('validates as GHL does: 422 with a message array, unknown properties refused', async () => {
    const { call, loc } = await start();
    const bad = await call('POST', '/contacts/', {
      locationId: loc,
      email: 'not-an-email',
      phone: '12',
      dnd: 'yes',
      country: 'United States',
      dateOfBirth: '31/31/2000',
      nickname: 'x',
    });
    expect(bad.status).toBe(422);
    expect((bad.body as { message: string[] }).message).toEqual(
      expect.arrayContaining([
        'property nickname should not exist',
        'email must be an email',
        'phone must be a valid phone number',
        'dnd must be a boolean value',
        'country must be a valid ISO 3166-1 alpha-2 country code',
      ]),
    );
    const c = (await call('POST', '/contacts/', { locationId: loc, firstName: 'Cy' })).body as ContactAnswer;
    // companyName is not in the spec's UpdateContactDto; locationId neither.
    const put = await call('PUT', `/contacts/${c.contact.id}`, { companyName: 'Acme', locationId: loc });
    expect(put.status).toBe(422);
    expect((put.body as { message: string[] }).message).toEqual([
      'property companyName should not exist',
      'property locationId should not exist',
    ]);
  });

  it('stores tags lower-cased and unique; tags on PUT replace, the tag endpoints add and remove', async () => {
    const { call, loc } = await start();
    const c = (
      await call('POST', '/contacts/', { locationId: loc, firstName: 'T', tags: ['VIP', ' vip', 'Retail'] })
    ).body as ContactAnswer;
    expect(c.contact.tags).toEqual(['vip', 'retail']);
    const added = await call('POST', `/contacts/${c.contact.id}/tags`, { tags: ['Wholesale', 'vip'] });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ tags: ['vip', 'retail', 'wholesale'] });
    const removed = await call('DELETE', `/contacts/${c.contact.id}/tags`, { tags: ['RETAIL'] });
    expect(removed.body).toEqual({ tags: ['vip', 'wholesale'] });
    const put = await call('PUT', `/contacts/${c.contact.id}`, { tags: ['new'] });
    expect((put.body as ContactAnswer).contact.tags).toEqual(['new']);
  });

  it('answers a missing or deleted contact with 400 "Contact not found"; a bad body is a bare 400', async () => {
    const { call, loc } = await start();
    const c = (await call('POST', '/contacts/', { locationId: loc, firstName: 'Del' })).body as ContactAnswer;
    expect((await call('DELETE', `/contacts/${c.contact.id}`)).body).toEqual({ succeded: true });
    const gone = await call('GET', `/contacts/${c.contact.id}`);
    expect(gone.status).toBe(400);
    expect(gone.body).toMatchObject({ statusCode: 400, message: 'Contact not found' });
    const malformed = await raw(`${sb?.baseUrl}/contacts/`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${sb?.token}`,
        Version: '2021-07-28',
        'Content-Type': 'application/json',
      },
      body: '{"locationId":',
    });
    expect(malformed.status).toBe(400);
    expect((malformed.body as { message: string }).message).not.toMatch(/not found/i);
  });
});

describe('upsert', () => {
  it('creates (new: true), then matches the same email at once (new: false), even while search lags', async () => {
    const { sb: s, call, loc } = await start({ searchLagMs: 60_000 });
    const created = await call('POST', '/contacts/upsert', {
      locationId: loc,
      email: 'up@example.com',
      firstName: 'Up',
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ new: true, contact: { email: 'up@example.com' } });
    expect(typeof (created.body as { traceId: string }).traceId).toBe('string');
    const id = (created.body as ContactAnswer).contact.id;
    const again = await call('POST', '/contacts/upsert', {
      locationId: loc,
      email: 'UP@example.com',
      lastName: 'Date',
    });
    expect(again.body).toMatchObject({ new: false, contact: { id, firstName: 'Up', lastName: 'Date' } });
    expect(s.control.contactCount()).toBe(1);
  });

  it('prefers the email match when another contact matches the phone', async () => {
    const { call, loc } = await start();
    const byEmail = (await call('POST', '/contacts/', { locationId: loc, email: 'e@example.com' }))
      .body as ContactAnswer;
    await call('POST', '/contacts/', { locationId: loc, phone: '+14155550199' });
    const up = await call('POST', '/contacts/upsert', {
      locationId: loc,
      email: 'e@example.com',
      phone: '+14155550199',
    });
    expect(up.body).toMatchObject({ new: false, contact: { id: byEmail.contact.id } });
  });

  it('creates a new contact with createNewIfDuplicateAllowed only when the location allows duplicates', async () => {
    const { sb: s, call, loc } = await start();
    await call('POST', '/contacts/', { locationId: loc, email: 'x@example.com' });
    const body = { locationId: loc, email: 'x@example.com', createNewIfDuplicateAllowed: true };
    expect((await call('POST', '/contacts/upsert', body)).body).toMatchObject({ new: false });
    s.control.set({ allowDuplicates: true });
    expect((await call('POST', '/contacts/upsert', body)).body).toMatchObject({ new: true });
  });
});

describe('GET /contacts/ (deprecated list) and GET /contacts/business/:id', () => {
  it('pages by meta.startAfter / startAfterId in dateAdded order, with total and page numbers', async () => {
    const { call, loc } = await start({ contacts: 45 });
    const seen: string[] = [];
    const dates: number[] = [];
    let query = `locationId=${loc}&limit=20`;
    const pages: { currentPage: number; hasNext: boolean }[] = [];
    for (let i = 0; i < 5; i++) {
      const answer = await call('GET', `/contacts/?${query}`);
      expect(answer.status).toBe(200);
      const body = answer.body as {
        contacts: { id: string; dateAdded: string }[];
        count: number;
        meta: {
          total: number;
          currentPage: number;
          startAfter?: number;
          startAfterId?: string;
          nextPageUrl?: string;
        };
      };
      expect(body.meta.total).toBe(45);
      expect(body.count).toBe(45);
      seen.push(...body.contacts.map((c) => c.id));
      dates.push(...body.contacts.map((c) => Date.parse(c.dateAdded)));
      pages.push({ currentPage: body.meta.currentPage, hasNext: body.meta.nextPageUrl !== undefined });
      if (!body.meta.nextPageUrl) break;
      expect(body.meta.nextPageUrl).toContain(`startAfterId=${body.meta.startAfterId}`);
      query = `locationId=${loc}&limit=20&startAfter=${body.meta.startAfter}&startAfterId=${body.meta.startAfterId}`;
    }
    expect(pages).toEqual([
      { currentPage: 1, hasNext: true },
      { currentPage: 2, hasNext: true },
      { currentPage: 3, hasNext: false },
    ]);
    expect(new Set(seen).size).toBe(45);
    expect(dates).toEqual([...dates].sort((a, b) => a - b));
  });

  it('limits GET /contacts/ to 100 per page (422 above) and answers both with and without the trailing slash', async () => {
    const { call, loc } = await start({ contacts: 3 });
    expect((await call('GET', `/contacts/?locationId=${loc}&limit=101`)).status).toBe(422);
    expect((await call('GET', `/contacts?locationId=${loc}`)).status).toBe(200);
    expect((await call('POST', '/contacts', { locationId: loc, firstName: 'NoSlash' })).status).toBe(201);
    expect((await call('GET', `/businesses?locationId=${loc}`)).status).toBe(200);
  });

  it('lists the contacts of a business with skip/limit; an unknown business id gives 200 and nothing', async () => {
    const { call, loc } = await start();
    const biz = (await call('POST', '/businesses/', { name: 'Acme', locationId: loc })).body as {
      buiseness: { id: string };
    };
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        ((await call('POST', '/contacts/', { locationId: loc, firstName: `B${i}` })).body as ContactAnswer)
          .contact.id,
      );
    const bulk = await call('POST', '/contacts/bulk/business', {
      locationId: loc,
      ids: [...ids, 'NoSuchContact0000000'],
      businessId: biz.buiseness.id,
    });
    expect(bulk.body).toEqual({ success: true, ids });
    const page = await call('GET', `/contacts/business/${biz.buiseness.id}?locationId=${loc}&limit=2&skip=1`);
    expect(page.body).toMatchObject({ count: 3 });
    expect((page.body as { contacts: { id: string }[] }).contacts.map((c) => c.id)).toEqual(ids.slice(1));
    const unknown = await call('GET', `/contacts/business/NoSuchBusiness?locationId=${loc}`);
    expect(unknown.status).toBe(200);
    expect(unknown.body).toEqual({ contacts: [], count: 0 });
    await call('POST', '/contacts/bulk/business', { locationId: loc, ids: [ids[0]], businessId: null });
    expect(
      (await call('GET', `/contacts/business/${biz.buiseness.id}?locationId=${loc}`)).body,
    ).toMatchObject({ count: 2 });
  });
});

describe('bulk tags', () => {
  it('adds and removes per contact, reporting deleted and unknown contacts as errors', async () => {
    const { call, loc } = await start();
    const a = (
      (await call('POST', '/contacts/', { locationId: loc, firstName: 'A', tags: ['old'] }))
        .body as ContactAnswer
    ).contact.id;
    const gone = (
      (await call('POST', '/contacts/', { locationId: loc, firstName: 'G' })).body as ContactAnswer
    ).contact.id;
    await call('DELETE', `/contacts/${gone}`);
    const add = await call('POST', '/contacts/bulk/tags/update/add', {
      locationId: loc,
      contacts: [a, gone, 'Unknown0000000000000'],
      tags: ['New'],
    });
    expect(add.status).toBe(201);
    expect(add.body).toEqual({
      succeded: false,
      errorCount: 2,
      responses: [
        {
          contactId: a,
          message: 'Tags updated',
          type: 'success',
          oldTags: ['old'],
          tagsAdded: ['new'],
          tagsRemoved: [],
        },
        { contactId: gone, message: 'contact is deleted', type: 'error' },
        { contactId: 'Unknown0000000000000', message: 'Contact not found', type: 'error' },
      ],
    });
    const removeAll = await call('POST', '/contacts/bulk/tags/update/remove', {
      locationId: loc,
      contacts: [a],
      tags: [],
      removeAllTags: true,
    });
    expect((removeAll.body as { responses: { tagsRemoved: string[] }[] }).responses[0]?.tagsRemoved).toEqual([
      'old',
      'new',
    ]);
    const wrong = await call('POST', '/contacts/bulk/tags/update/add', {
      locationId: loc,
      contacts: [a],
      tags: [],
      removeAllTags: true,
    });
    expect(wrong.status).toBe(422);
  });
});
