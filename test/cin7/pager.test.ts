/** The pager over a fake list endpoint: end conditions, a silently capped page size, guards. */
import { describe, expect, it } from 'vitest';
import { type FetchedPage, type PageResult, pages } from '../../src/cin7/pager.js';

/** A list of `total` numbered rows, answering like Cin7: offset = (Page − 1) × min(Limit, cap). */
function endpoint(total: number, cap = 1000) {
  const asked: { page: number; limit: number }[] = [];
  const fetchPage = async (page: number, limit: number): Promise<FetchedPage<number>> => {
    asked.push({ page, limit });
    const size = Math.min(limit, cap);
    const start = (page - 1) * size;
    const rows = Array.from({ length: Math.max(0, Math.min(size, total - start)) }, (_, i) => start + i);
    return { rows, total, attempts: 1 };
  };
  return { asked, fetchPage };
}

async function collect<T>(it: AsyncGenerator<PageResult<T>>): Promise<PageResult<T>[]> {
  const out: PageResult<T>[] = [];
  for await (const p of it) out.push(p);
  return out;
}

describe('pages', () => {
  it.each([
    [0, 100, [1]],
    [1, 100, [1]],
    [100, 100, [1]],
    [101, 100, [1, 2]],
    [250, 100, [1, 2, 3]],
  ])('%i rows at %i a page: asks for pages %j and stops', async (total, limit, expected) => {
    const e = endpoint(total);
    const got = await collect(pages(e.fetchPage, { limit }));
    expect(e.asked.map((a) => a.page)).toEqual(expected);
    expect(got.flatMap((p) => p.rows)).toEqual(Array.from({ length: total }, (_, i) => i));
  });

  it('adopts a smaller page size the server honours, found on page 1, and reads every row once', async () => {
    const e = endpoint(23, 5);
    const seen: number[] = [];
    const got = await collect(pages(e.fetchPage, { limit: 1000, onPageSize: (n) => seen.push(n) }));
    expect(seen).toEqual([5]);
    expect(e.asked).toEqual([
      { page: 1, limit: 1000 },
      { page: 2, limit: 5 },
      { page: 3, limit: 5 },
      { page: 4, limit: 5 },
      { page: 5, limit: 5 },
    ]);
    expect(got.flatMap((p) => p.rows)).toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect(got.every((p) => p.limit === 5 && !p.restarted)).toBe(true);
  });

  it('restarts at page 1 when a cap appears past page 1 (offsets no longer known), marking the pages', async () => {
    let cap = 1000;
    const rowsTotal = 30;
    const asked: { page: number; limit: number }[] = [];
    const fetchPage = async (page: number, limit: number): Promise<FetchedPage<number>> => {
      asked.push({ page, limit });
      if (asked.length === 2) cap = 4; // the server lowers its cap between page 1 and page 2
      const size = Math.min(limit, cap);
      const start = (page - 1) * size;
      const rows = Array.from(
        { length: Math.max(0, Math.min(size, rowsTotal - start)) },
        (_, i) => start + i,
      );
      return { rows, total: rowsTotal, attempts: 1 };
    };
    const got = await collect(pages(fetchPage, { limit: 10 }));
    expect(asked.slice(0, 3)).toEqual([
      { page: 1, limit: 10 },
      { page: 2, limit: 10 },
      { page: 1, limit: 4 },
    ]);
    const rows = got.flatMap((p) => p.rows);
    expect(new Set(rows)).toEqual(new Set(Array.from({ length: 30 }, (_, i) => i)));
    expect(got.filter((p) => p.restarted).length).toBeGreaterThan(0);
  });

  it('resumes at startPage and stops when aborted before the next fetch', async () => {
    const e = endpoint(50);
    const controller = new AbortController();
    const got: PageResult<number>[] = [];
    for await (const p of pages(e.fetchPage, { limit: 10, startPage: 3, signal: controller.signal })) {
      got.push(p);
      if (p.page === 4) controller.abort();
    }
    expect(e.asked.map((a) => a.page)).toEqual([3, 4]);
    expect(got.flatMap((p) => p.rows)).toEqual(Array.from({ length: 20 }, (_, i) => 20 + i));
  });

  it('refuses to page forever when the server ignores Page', async () => {
    const fetchPage = async (): Promise<FetchedPage<number>> => ({
      rows: [1, 2],
      total: 1_000_000,
      attempts: 1,
    });
    await expect(collect(pages(fetchPage, { limit: 2, maxPages: 5 }))).rejects.toThrow(/5 pages/);
  });

  it('clamps the asked size to 1–1000', async () => {
    const e = endpoint(3);
    await collect(pages(e.fetchPage, { limit: 5000 }));
    await collect(pages(e.fetchPage, { limit: 0 }));
    expect(e.asked[0]?.limit).toBe(1000);
    expect(e.asked[1]?.limit).toBe(1);
  });
});
