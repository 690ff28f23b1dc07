/**
 * The simulator behind `cin7-ghl rules test`: reads customers and sales from Cin7 (pages only,
 * nothing written) and evaluates the rules for each customer.
 */
import type { Cin7Client } from '../../cin7/client.js';
import type { Cin7Customer } from '../../cin7/schemas.js';
import { InputError } from '../../errors/index.js';
import { computeAggregates, saleFactFromRow } from './aggregates.js';
import { evaluateTags } from './evaluate.js';
import type { PurchaseAggregates, SaleFact, TagEvaluation, TagRules } from './types.js';

/**
 * The sales of one customer without paging every sale: `saleList` has no customer filter, so this
 * searches by the customer's name (one page for most customers) and keeps rows with its id. A sale
 * recorded under a name the customer no longer has is not found; the engine's aggregates (from
 * every sale page) do not have that limit.
 *
 * @example
 * const facts = await salesOfCustomer(cin7, customer);
 */
export async function salesOfCustomer(cin7: Cin7Client, customer: Cin7Customer): Promise<SaleFact[]> {
  const out: SaleFact[] = [];
  for await (const row of cin7.sales({ Search: customer.Name })) {
    if (row.CustomerID === customer.ID) out.push(saleFactFromRow(row));
  }
  return out;
}

export interface CustomerTags extends TagEvaluation {
  customerId: string;
  name: string;
  status: string | null;
  aggregates: PurchaseAggregates;
}

export interface SimulationResult {
  customers: CustomerTags[];
  customersRead: number;
  salesRead: number;
  /** Customers per tag. */
  byTag: Record<string, number>;
}

export interface SimulateOptions {
  /** Only this customer (read by id; its sales searched by name). */
  customerId?: string;
  now?: Date;
  /** Progress lines for a person (stderr). */
  onProgress?: (line: string) => void;
}

/**
 * Evaluates the rules for every active customer (customer and sale pages of 1,000) or for one.
 *
 * @example
 * const result = await simulateRules(cin7, loadTagRules(config), { customerId });
 */
export async function simulateRules(
  cin7: Cin7Client,
  rules: TagRules,
  options: SimulateOptions = {},
): Promise<SimulationResult> {
  const now = options.now ?? new Date();
  const progress = options.onProgress ?? (() => {});
  let customers: Cin7Customer[];
  const salesBy = new Map<string, SaleFact[]>();
  let salesRead = 0;
  if (options.customerId) {
    const one = await cin7.getCustomer(options.customerId);
    if (!one) {
      throw new InputError(
        '--customer',
        `no Cin7 customer with ID ${options.customerId}`,
        'check the ID (cin7-ghl ops call cin7.customers.list)',
      );
    }
    customers = [one];
    const facts = await salesOfCustomer(cin7, one);
    salesRead = facts.length;
    salesBy.set(one.ID, facts);
  } else {
    customers = [];
    for await (const page of cin7.customerPages()) {
      customers.push(...page.rows);
      progress(`customers: ${customers.length} of ${page.total}`);
    }
    for await (const page of cin7.salePages()) {
      for (const row of page.rows) {
        salesRead++;
        if (!row.CustomerID) continue;
        const list = salesBy.get(row.CustomerID) ?? [];
        list.push(saleFactFromRow(row));
        salesBy.set(row.CustomerID, list);
      }
      progress(`sales: ${salesRead} of ${page.total}`);
    }
  }
  const byTag: Record<string, number> = {};
  const results = customers.map((customer): CustomerTags => {
    const aggregates = computeAggregates(salesBy.get(customer.ID) ?? [], now, rules);
    const evaluation = evaluateTags(customer, aggregates, rules, now);
    for (const t of evaluation.tags) byTag[t] = (byTag[t] ?? 0) + 1;
    return {
      customerId: customer.ID,
      name: customer.Name,
      status: customer.Status,
      aggregates,
      ...evaluation,
    };
  });
  return { customers: results, customersRead: customers.length, salesRead, byTag };
}
