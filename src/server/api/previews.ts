/**
 * Previews that read the vendors and write nothing: `mapping preview` (the GHL payloads one Cin7
 * customer maps to) and `rules test` (the tags each customer would get). The CLI runs them itself
 * when it has credentials or the store; while the service holds the embedded store it calls these
 * routes, which run the same functions with the service's stored connections.
 *
 * Each preview counts its own calls: the clients here get an HTTP client of their own (same vendor
 * rules and the same rate limiter as the service's), so work the service does meanwhile is not
 * counted.
 */
import { z } from 'zod';
import type { Cin7Client } from '../../cin7/client.js';
import { createCin7Client, credentialsFromConfig, credentialsFromStore } from '../../cin7/connection.js';
import type { GhlClient } from '../../ghl/client.js';
import { createGhlClient } from '../../ghl/factory.js';
import { HttpClient } from '../../http/client.js';
import { CallCounter } from '../../http/counter.js';
import { type MappingConfig, loadMapping } from '../../sync/mapping/index.js';
import { type MappingPreview, previewCustomer } from '../../sync/mapping/preview.js';
import { type TagRules, loadTagRules } from '../../sync/rules/index.js';
import { type SimulateOptions, type SimulationResult, simulateRules } from '../../sync/rules/simulate.js';
import type { ApiContext } from './context.js';
import { type ApiRoute, defineRoute } from './route.js';

/** What `mapping preview --json` prints: the preview, the calls it used, and that it wrote nothing. */
export type MappingPreviewResult = MappingPreview & { calls: { cin7: number; ghl: number }; writes: 0 };

/**
 * The preview of one customer with the calls it cost (on `counter`, which both clients count on).
 *
 * @example
 * const r = await mappingPreviewResult(id, { cin7, ghl, mapping, rules, locationId, counter });
 */
export async function mappingPreviewResult(
  customerId: string,
  deps: {
    cin7: Cin7Client;
    ghl: GhlClient | null;
    mapping: MappingConfig;
    rules: TagRules;
    locationId: string | null;
    counter: CallCounter;
  },
): Promise<MappingPreviewResult> {
  const preview = await previewCustomer(customerId, deps);
  const totals = deps.counter.snapshot().totals;
  return { ...preview, calls: { cin7: totals.cin7?.calls ?? 0, ghl: totals.ghl?.calls ?? 0 }, writes: 0 };
}

/** What `rules test --json` prints. */
export interface RulesTestResult {
  rulesFile: string | null;
  rules: number;
  customersRead: number;
  salesRead: number;
  byTag: SimulationResult['byTag'];
  customers: SimulationResult['customers'];
  calls: { cin7: number };
  writes: 0;
}

/**
 * The rules simulation with the calls it cost (on `counter`, which `cin7` counts on).
 *
 * @example
 * const r = await rulesTestResult(cin7, loadTagRules(config), counter, { customerId });
 */
export async function rulesTestResult(
  cin7: Cin7Client,
  tagRules: TagRules,
  counter: CallCounter,
  options: SimulateOptions = {},
): Promise<RulesTestResult> {
  const result = await simulateRules(cin7, tagRules, options);
  return {
    rulesFile: tagRules.source,
    rules: tagRules.rules.length,
    customersRead: result.customersRead,
    salesRead: result.salesRead,
    byTag: result.byTag,
    customers: result.customers,
    calls: { cin7: counter.snapshot().totals.cin7?.calls ?? 0 },
    writes: 0,
  };
}

/** Clients on an HTTP client of their own (its own counter), sharing the service's limiter and rules. */
async function countedClients(
  ctx: ApiContext,
  withGhl: boolean,
): Promise<{ cin7: Cin7Client; ghl: GhlClient | null; counter: CallCounter }> {
  const counter = new CallCounter();
  const rules = ['cin7', ...(withGhl ? ['ghl'] : [])].map((api) => ctx.http.rulesFor(api));
  const http = new HttpClient({ rules, limiter: ctx.http.limiter, counter, logger: ctx.logger });
  const credentials =
    credentialsFromConfig(ctx.config) ?? (await credentialsFromStore(ctx.store, ctx.config));
  const cin7 = createCin7Client(ctx.config, credentials, http);
  const ghl = withGhl
    ? await createGhlClient({ config: ctx.config, logger: ctx.logger, http, store: ctx.store })
    : null;
  return { cin7, ghl, counter };
}

const json = z.unknown();

const previewSchema = z
  .looseObject({
    customer: z.object({
      id: z.string(),
      name: z.string(),
      status: z.string().nullable(),
      isCompany: z.boolean(),
    }),
    business: z.object({ name: z.string() }).nullable(),
    contacts: z.array(json).describe('per mapped contact: the create body, or the changes to the match'),
    skipped: z.array(json),
    rules: z.object({ tags: z.array(z.string()), reasons: z.array(json) }),
    ghlChecked: z.boolean(),
    locationId: z.string().nullable(),
    calls: z.object({ cin7: z.number(), ghl: z.number() }),
    writes: z.literal(0),
  })
  .describe('What the sync would send for one Cin7 customer (nothing is written)');

const rulesTestSchema = z.object({
  rulesFile: z.string().nullable(),
  rules: z.number(),
  customersRead: z.number(),
  salesRead: z.number(),
  byTag: z.record(z.string(), z.number()),
  customers: z.array(json).describe('per customer: its tags and why'),
  calls: z.object({ cin7: z.number() }),
  writes: z.literal(0),
});

/**
 * @example
 * ctx.api.add(...previewRoutes(ctx));
 */
export function previewRoutes(ctx: ApiContext): ApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/mapping/preview',
      operationId: 'previewMapping',
      summary: 'The GHL payload(s) a Cin7 customer maps to, and with `compareWithGhl` what would change',
      description:
        "Reads the customer (and its sales when tag rules are configured) with the service's Cin7 connection; with `compareWithGhl` also the matching GHL contact. Writes nothing; `calls` counts what it used.",
      tags: ['sync'],
      body: z.object({
        customerId: z.string().min(1).describe('a Cin7 customer id'),
        compareWithGhl: z.boolean().default(false).describe('read the matching GHL contact too'),
      }),
      response: previewSchema,
      errors: [409, 502],
      handler: async ({ body }) => {
        const mapping = loadMapping(ctx.config);
        const rules = loadTagRules(ctx.config);
        const { cin7, ghl, counter } = await countedClients(ctx, body.compareWithGhl);
        return (await mappingPreviewResult(body.customerId, {
          cin7,
          ghl,
          mapping,
          rules,
          locationId: ghl?.locationId ?? ctx.config.ghl.locationId ?? null,
          counter,
        })) as z.input<typeof previewSchema>;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/rules/test',
      operationId: 'testRules',
      summary: 'The tags each Cin7 customer (or one) would get from the tag rules, and why',
      description:
        "Reads customer and sale pages with the service's Cin7 connection; writes nothing. `calls` counts what it used.",
      tags: ['sync'],
      body: z.object({ customerId: z.string().min(1).optional().describe('only this Cin7 customer') }),
      response: rulesTestSchema,
      errors: [409, 502],
      handler: async ({ body }) => {
        const tagRules = loadTagRules(ctx.config);
        const { cin7, counter } = await countedClients(ctx, false);
        return (await rulesTestResult(cin7, tagRules, counter, {
          ...(body.customerId ? { customerId: body.customerId } : {}),
        })) as z.input<typeof rulesTestSchema>;
      },
    }),
  ];
}
