/**
 * What the Cin7 change feeds hand each page to, inside the page's transaction:
 * - customers: store each snapshot (when not older than the stored one) with its aggregates and
 *   desired rule tags, mark it dirty, and — in the service — enqueue one deduplicated
 *   `sync.customer` job per customer, in the same transaction;
 * - sales: store the sale facts, recompute the aggregates and rule tags of the customers they
 *   touch, and mark dirty (and enqueue) those whose desired tags changed.
 * Nothing here calls an API: the feed read the page, the job does the writing.
 */
import type { FeedConsumer, FeedPageContext } from '../../cin7/change-feed.js';
import { parseCin7Date } from '../../cin7/normalize.js';
import type { Cin7Customer, Cin7SaleListItem } from '../../cin7/schemas.js';
import type { JobQueue } from '../../jobs/queue.js';
import { updateRuleTags, upsertSnapshots } from '../repo/customers.js';
import { upsertSales } from '../repo/sales.js';
import { type TagRules, saleFactFromRow } from '../rules/index.js';
import { causeOfReason, syncCustomerJob } from './job-kinds.js';
import { desiredTagsOf } from './rule-tags.js';
import type { Cause } from './types.js';

export interface ConsumerDeps {
  rules: TagRules;
  /** The service's queue: one `sync.customer` job per changed customer. Without it (foreground runs) customers are only marked dirty. */
  queue?: JobQueue | null;
  now?: () => Date;
  /** Told the ids stored or made dirty by each page (foreground progress, tests). */
  onDirty?: (ids: string[]) => void;
  /** The cause recorded on jobs; default from the pass's reason (`webhook`, else `poll`). */
  cause?: Cause;
}

function causeOf(deps: ConsumerDeps, ctx: FeedPageContext): Cause {
  return deps.cause ?? causeOfReason(ctx.reason);
}

/**
 * The customer feed's consumer.
 *
 * @example
 * customerFeed({ store, client, connectionId, consumer: customersConsumer({ rules, queue }) });
 */
export function customersConsumer(deps: ConsumerDeps): FeedConsumer<Cin7Customer> {
  return async (changes, ctx) => {
    const now = deps.now?.() ?? new Date();
    const customers = changes.map((c) => c.record);
    const desired = await desiredTagsOf(ctx.trx, customers, deps.rules, now);
    const stored = await upsertSnapshots(
      ctx.trx,
      changes.map((c) => {
        const d = desired.get(c.record.ID);
        const ms = parseCin7Date(c.record.LastModifiedOn);
        return {
          customer: c.record,
          modifiedAt: ms === null ? null : new Date(ms),
          aggregates: d?.aggregates ?? null,
          ruleTags: d?.ruleTags ?? [],
          ruleReasons: d?.ruleReasons ?? [],
        };
      }),
    );
    await enqueue(deps, ctx, stored);
  };
}

/**
 * The sale feed's consumer.
 *
 * @example
 * saleFeed({ store, client, connectionId, consumer: salesConsumer({ rules, queue }) });
 */
export function salesConsumer(deps: ConsumerDeps): FeedConsumer<Cin7SaleListItem> {
  return async (changes, ctx) => {
    const touched = await upsertSales(
      ctx.trx,
      changes.map((c) => saleFactFromRow(c.record)),
    );
    if (touched.length === 0) return;
    const rows: Array<{ snapshot: unknown }> = [];
    for (let i = 0; i < touched.length; i += 500) {
      rows.push(
        ...(await ctx.trx
          .selectFrom('customers')
          .select('snapshot')
          .where('cin7_customer_id', 'in', touched.slice(i, i + 500))
          .execute()),
      );
    }
    if (rows.length === 0) return;
    const customers = rows.map((r) => r.snapshot as unknown as Cin7Customer);
    const desired = await desiredTagsOf(ctx.trx, customers, deps.rules, deps.now?.() ?? new Date());
    const dirty: string[] = [];
    for (const customer of customers) {
      const d = desired.get(customer.ID);
      if (d && (await updateRuleTags(ctx.trx, customer.ID, d))) dirty.push(customer.ID);
    }
    await enqueue(deps, ctx, dirty);
  };
}

async function enqueue(deps: ConsumerDeps, ctx: FeedPageContext, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  deps.onDirty?.(ids);
  if (!deps.queue) return;
  const cause = causeOf(deps, ctx);
  for (const customerId of ids) {
    await deps.queue.send(syncCustomerJob, { customerId, cause }, { trx: ctx.trx });
  }
}
