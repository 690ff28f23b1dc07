/**
 * The sync's read routes, over G2's functions: status, runs, failures, profiles, audit. Starting
 * runs, retrying failures and conflicts are the dashboard's control routes
 * (`server/dashboard/control/routes.ts`); following a run and the previews are in `runs.ts` and
 * `previews.ts`. The CLI calls the same routes while the service holds the embedded store.
 */
import { z } from 'zod';
import { MissingRecordError } from '../../errors/index.js';
import { syncStatus } from '../../sync/engine/status.js';
import { loadMapping } from '../../sync/mapping/index.js';
import { findProfiles } from '../../sync/profile/read.js';
import { listAudit } from '../../sync/repo/audit.js';
import { type FailureRecord, getFailure, listFailures } from '../../sync/repo/failures.js';
import { listRuns } from '../../sync/repo/runs.js';
import { type ApiContext, iso } from './context.js';
import { type ApiRoute, defineRoute } from './route.js';

const json = z.unknown();

const runSchema = z.object({
  id: z.string(),
  kind: z.string(),
  mode: z.string(),
  trigger: z.string(),
  status: z.enum(['running', 'completed', 'partial', 'failed']),
  counts: json,
  calls: json,
  minimumCalls: json,
  progress: json,
  timings: json,
  error: z.string().nullable(),
  startedAt: z.string(),
  heartbeatAt: z.string(),
  finishedAt: z.string().nullable(),
});

const failureSchema = z.object({
  id: z.string(),
  cin7CustomerId: z.string(),
  cin7ContactId: z.string(),
  ghlContactId: z.string().nullable(),
  stage: z.string(),
  code: z.string(),
  error: z.string().describe('the error in plain words'),
  request: json.describe('the request that was refused'),
  record: json.describe('the record as read'),
  details: json,
  status: z.enum(['open', 'resolved']),
  attempts: z.number(),
  runId: z.string().nullable(),
  firstAt: z.string(),
  lastAt: z.string(),
  resolvedAt: z.string().nullable(),
});

function failureJson(f: FailureRecord): z.infer<typeof failureSchema> {
  return {
    ...f,
    firstAt: f.firstAt.toISOString(),
    lastAt: f.lastAt.toISOString(),
    resolvedAt: iso(f.resolvedAt),
  };
}

const statusSchema = z.object({
  customers: z.object({ total: z.number(), dirty: z.number(), byStatus: z.record(z.string(), z.number()) }),
  links: z.object({ pending: z.number(), linked: z.number(), unlinked: z.number() }),
  failures: z.object({ open: z.number(), byCode: z.record(z.string(), z.number()), latest: z.array(json) }),
  skipped: z.object({ contacts: z.number(), byReason: z.record(z.string(), z.number()) }),
  conflicts: z
    .object({ open: z.number(), resolved: z.number(), superseded: z.number() })
    .describe('conflicts by status: the open ones wait for `conflicts resolve`'),
  runs: z.array(json),
  feeds: z.array(json),
});

const profileSchema = z
  .looseObject({
    cin7CustomerId: z.string(),
    name: z.string(),
    contacts: z.array(json),
    ruleTags: z.array(z.string()),
    lastChange: z.object({ cin7: z.string().nullable(), ghl: z.string().nullable() }),
  })
  .describe(
    'The unified customer profile: the Cin7 customer, aggregates, linked GHL contacts with notes and tasks',
  );

const auditSchema = z.object({
  id: z.string(),
  at: z.string(),
  direction: z.enum(['cin7_to_ghl', 'ghl_to_cin7']),
  action: z.string(),
  cause: z.enum(['webhook', 'poll', 'reconcile', 'manual']),
  cin7CustomerId: z.string().nullable(),
  cin7ContactId: z.string().nullable(),
  ghlContactId: z.string().nullable(),
  fields: z.array(z.string()),
  before: json,
  after: json,
  runId: z.string().nullable(),
  details: json,
});

const limit = (max: number, dflt: number) => z.coerce.number().int().min(1).max(max).default(dflt);

export function syncRoutes(ctx: ApiContext): ApiRoute[] {
  const db = ctx.store.db;
  return [
    defineRoute({
      method: 'get',
      path: '/sync/status',
      operationId: 'getSyncStatus',
      summary: 'Customers and links by state, open failures, skipped contacts, latest runs, feeds',
      tags: ['sync'],
      query: z.object({ failures: limit(10_000, 20).describe('open failures to list') }),
      response: statusSchema,
      handler: async ({ query }) =>
        (await syncStatus(ctx.store, { failures: query.failures })) as z.input<typeof statusSchema>,
    }),
    defineRoute({
      method: 'get',
      path: '/runs',
      operationId: 'listRuns',
      summary: 'Sync runs, newest first: counts, calls used against the minimum, timings',
      tags: ['sync'],
      query: z.object({ limit: limit(500, 20) }),
      response: z.object({ runs: z.array(runSchema) }),
      handler: async ({ query }) => ({
        runs: (await listRuns(db, query.limit)).map((r) => ({
          ...r,
          startedAt: r.startedAt.toISOString(),
          heartbeatAt: r.heartbeatAt.toISOString(),
          finishedAt: iso(r.finishedAt),
        })),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/failures',
      operationId: 'listFailures',
      summary: 'Records that failed alone, newest first, with the error, the request and the record',
      tags: ['sync'],
      query: z.object({
        status: z.enum(['open', 'resolved', 'all']).default('open'),
        customerId: z.string().optional().describe('a Cin7 customer id'),
        limit: limit(10_000, 100),
      }),
      response: z.object({ failures: z.array(failureSchema) }),
      handler: async ({ query }) => ({
        failures: (
          await listFailures(db, {
            status: query.status,
            limit: query.limit,
            ...(query.customerId ? { customerId: query.customerId } : {}),
          })
        ).map(failureJson),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/failures/{id}',
      operationId: 'getFailure',
      summary: 'One failure',
      tags: ['sync'],
      params: z.object({ id: z.string() }),
      response: failureSchema,
      errors: [404],
      handler: async ({ params }) => {
        const f = await getFailure(db, params.id);
        if (!f) throw new MissingRecordError('failure', params.id);
        return failureJson(f);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/profiles/{query}',
      operationId: 'findProfiles',
      summary: 'The unified profile(s) of a Cin7 customer id, or of the customers with that email',
      tags: ['sync'],
      params: z.object({ query: z.string().describe('a Cin7 customer id or an email') }),
      response: z.object({ profiles: z.array(profileSchema) }),
      handler: async ({ params }) => ({
        profiles: (await findProfiles(ctx.store, params.query, {
          locationId: ctx.config.ghl.locationId ?? null,
          mapping: loadMapping(ctx.config),
        })) as unknown as Array<z.input<typeof profileSchema>>,
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/audit',
      operationId: 'listAudit',
      summary: 'Every write the product made, either way, newest first (before, after, cause)',
      tags: ['sync'],
      query: z.object({
        cin7CustomerId: z.string().optional().describe('only this Cin7 customer'),
        ghlContactId: z.string().optional().describe('only this GHL contact'),
        record: z
          .string()
          .min(1)
          .optional()
          .describe('a Cin7 customer id or a GHL contact id: rows of either (`cin7-ghl audit --record`)'),
        limit: limit(10_000, 100),
      }),
      response: z.object({ audit: z.array(auditSchema) }),
      handler: async ({ query }) => ({
        audit: (
          await listAudit(db, {
            limit: query.limit,
            ...(query.cin7CustomerId ? { cin7CustomerId: query.cin7CustomerId } : {}),
            ...(query.ghlContactId ? { ghlContactId: query.ghlContactId } : {}),
            ...(query.record ? { record: query.record } : {}),
          })
        ).map((a) => ({ ...a, at: a.at.toISOString() })),
      }),
    }),
  ];
}
