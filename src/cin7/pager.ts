/**
 * Offset paging over Cin7 list endpoints (`Page`/`Limit`, answers `{Total, Page, <List>}`), with
 * detection of a page size smaller than the one asked for. Cin7 documents a 1,000 cap for its paged
 * endpoints but not explicitly for `/customer`; a server that silently honours fewer rows would make
 * a naive client stop after the first "short" page. The pager notices (a short page while `Total`
 * says more rows exist), adopts the honoured size, and continues.
 */

/** One page as fetched. */
export interface FetchedPage<T> {
  rows: T[];
  /** `Total` of the answer: every matching record. */
  total: number;
  /** HTTP attempts the page cost (retries included). */
  attempts: number;
}

/** One page as the pager yields it. */
export interface PageResult<T> extends FetchedPage<T> {
  /** The page number this is. */
  page: number;
  /** The page size in force for this page (after any detection). */
  limit: number;
  /**
   * True when the pager had to restart from page 1 with a smaller page size (a cap found past the
   * first page): rows already yielded may come again.
   */
  restarted: boolean;
}

export interface PagerOptions {
  /** The page size to ask for (1–1000). */
  limit: number;
  /** Resume at this page (default 1). */
  startPage?: number;
  /** Told when the server honours fewer rows per page than asked. */
  onPageSize?: (honoured: number) => void;
  /** Stops before the next fetch when aborted. */
  signal?: AbortSignal;
  /** A bound on pages fetched, against a server that ignores `Page` (default 100,000). */
  maxPages?: number;
}

/**
 * Yields pages until a short or empty page, or `page × limit ≥ Total`. A page the consumer has not
 * asked for is never fetched, so a consumer can checkpoint between pages.
 *
 * @example
 * for await (const p of pages((page, limit) => fetchCustomers(page, limit), { limit: 1000 })) handle(p.rows);
 */
export async function* pages<T>(
  fetchPage: (page: number, limit: number) => Promise<FetchedPage<T>>,
  options: PagerOptions,
): AsyncGenerator<PageResult<T>> {
  let limit = clampLimit(options.limit);
  let page = Math.max(1, Math.trunc(options.startPage ?? 1));
  const maxPages = options.maxPages ?? 100_000;
  let restarted = false;
  for (let fetched = 0; ; fetched++) {
    if (options.signal?.aborted) return;
    if (fetched >= maxPages) {
      throw new Error(`paging stopped after ${maxPages} pages: the server may be ignoring Page`);
    }
    const got = await fetchPage(page, limit);
    const n = got.rows.length;
    const offset = (page - 1) * limit;
    if (n > 0 && n < limit && offset + n < got.total) {
      // The server capped the page size without saying so.
      options.onPageSize?.(n);
      limit = n;
      if (page === 1) {
        // Nothing read before: page 2 at the honoured size starts right after these rows.
        yield { ...got, page, limit, restarted };
        page = 2;
        continue;
      }
      // Found past page 1 (the cap changed, or Total moved): which offsets the server used for the
      // pages already read is unknown, so start again at the honoured size (rows may repeat).
      page = 1;
      restarted = true;
      continue;
    }
    yield { ...got, page, limit, restarted };
    if (n === 0 || n < limit || page * limit >= got.total) return;
    page++;
  }
}

function clampLimit(limit: number): number {
  if (!Number.isFinite(limit)) return 1000;
  return Math.min(1000, Math.max(1, Math.trunc(limit)));
}
