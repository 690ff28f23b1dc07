/**
 * The `sales` table: one row per Cin7 sale with the facts purchase aggregates need, kept up to date
 * from the sales feed (`saleList` by `UpdatedSince`), so aggregates never need a `GET /sale`.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { SaleFact } from '../rules/index.js';

const CHUNK = 500;

/**
 * Stores sale facts; a row older than the stored one (by `updated`) is ignored. Answers the customer
 * ids whose facts changed.
 *
 * @example
 * const touched = await upsertSales(trx, changes.map((c) => saleFactFromRow(c.record)));
 */
export async function upsertSales(db: Kysely<Database>, facts: SaleFact[]): Promise<string[]> {
  const touched = new Set<string>();
  for (let i = 0; i < facts.length; i += CHUNK) {
    const values = facts.slice(i, i + CHUNK).map((f) => ({
      sale_id: f.saleId,
      cin7_customer_id: f.customerId === '' ? null : f.customerId,
      status: f.status,
      order_date: f.orderDate,
      invoice_amount: f.invoiceAmount,
      currency: f.currency,
      updated: f.updated === null ? null : new Date(f.updated),
    }));
    const rows = await db
      .insertInto('sales')
      .values(values)
      .onConflict((oc) =>
        oc
          .column('sale_id')
          .doUpdateSet({
            cin7_customer_id: sql`excluded.cin7_customer_id`,
            status: sql`excluded.status`,
            order_date: sql`excluded.order_date`,
            invoice_amount: sql`excluded.invoice_amount`,
            currency: sql`excluded.currency`,
            updated: sql`excluded.updated`,
            seen_at: sql`now()`,
          })
          .where(
            sql<boolean>`sales.updated is null or excluded.updated is null or excluded.updated >= sales.updated`,
          ),
      )
      .returning('cin7_customer_id')
      .execute();
    for (const r of rows) if (r.cin7_customer_id) touched.add(r.cin7_customer_id);
  }
  return [...touched];
}

/** The sale facts of these customers, by customer id (customers without sales are absent). */
export async function salesOf(db: Kysely<Database>, customerIds: string[]): Promise<Map<string, SaleFact[]>> {
  const out = new Map<string, SaleFact[]>();
  for (let i = 0; i < customerIds.length; i += CHUNK) {
    const rows = await db
      .selectFrom('sales')
      .selectAll()
      .where('cin7_customer_id', 'in', customerIds.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) {
      const id = r.cin7_customer_id as string;
      const list = out.get(id) ?? [];
      list.push({
        saleId: r.sale_id,
        customerId: id,
        status: r.status ?? '',
        orderDate: r.order_date,
        invoiceAmount: r.invoice_amount === null ? null : Number(r.invoice_amount),
        currency: r.currency,
        updated: r.updated === null ? null : r.updated.toISOString(),
      });
      out.set(id, list);
    }
  }
  return out;
}
