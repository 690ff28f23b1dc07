/**
 * The REST routes behind the dashboard's actions (and for scripts and no-code tools): start a run
 * (sync, reconcile plan or apply) and watch it, pause or resume the schedules, retry failures and
 * dead letters, list and resolve conflicts, search records, read the rate budget.
 */
import { z } from 'zod';
import { InputError, MissingRecordError } from '../../../errors/index.js';
import { setSchedulePause } from '../../../jobs/pause.js';
import { type ConflictRecord, getConflict, listConflicts } from '../../../sync/conflicts/repo.js';
import { resolveConflict } from '../../../sync/conflicts/resolve.js';
import { retryFailures } from '../../../sync/engine/retry.js';
import { type ApiContext, iso } from '../../api/context.js';
import { type ApiRoute, defineRoute } from '../../api/route.js';
import { listDeadLetters, rateBudget, scheduleInfo, searchRecords } from './data.js';
import { runControlFor, syncDepsFrom } from './run-control.js';

/** A run this service started, as `GET /api/runs/live` answers it. */
export const liveRunSchema = z.object({
  seq: z.number(),
  kind: z.enum(['sync', 'reconcile']),
  mode: z.string(),
  trigger: z.string(),
  status: z.enum(['running', 'completed', 'partial', 'failed']),
  phase: z.string(),
  done: z.number(),
  total: z.number().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  runId: z.string().nullable(),
  summary: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
});

const scheduleSchema = z.object({
  paused: z.object({ sync: z.boolean(), reconcile: z.boolean(), changedAt: z.string().nullable() }),
  next: z.object({ sync: z.string().nullable(), reconcile: z.string().nullable() }),
  crons: z.object({ sync: z.string().nullable(), reconcile: z.string().nullable() }),
});

const json = z.unknown();

const conflictSchema = z.object({
  id: z.string(),
  runId: z.string().nullable(),
  linkId: z.string(),
  locationId: z.string().describe('the GHL location'),
  cin7CustomerId: z.string(),
  cin7ContactId: z.string(),
  ghlContactId: z.string().nullable(),
  field: z.string(),
  baseValue: json.describe('the value last synced'),
  cin7Value: json,
  ghlValue: json,
  cin7ChangedAt: z.string().nullable(),
  ghlChangedAt: z.string().nullable(),
  policy: z.enum(['owner', 'newest', 'manual']),
  winner: z.enum(['cin7', 'ghl']).nullable(),
  status: z.enum(['open', 'resolved', 'superseded']),
  resolution: z.enum(['cin7', 'ghl', 'value', 'policy']).nullable(),
  resolvedValue: json,
  resolvedBy: z.string().nullable(),
  note: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  resolvedAt: z.string().nullable(),
});

/** A conflict as JSON (dates as ISO strings). */
export function conflictJson(c: ConflictRecord): z.infer<typeof conflictSchema> {
  return {
    id: c.id,
    runId: c.runId,
    linkId: c.linkId,
    locationId: c.locationId,
    cin7CustomerId: c.cin7CustomerId,
    cin7ContactId: c.cin7ContactId,
    ghlContactId: c.ghlContactId,
    field: c.field,
    baseValue: c.baseValue,
    cin7Value: c.cin7Value,
    ghlValue: c.ghlValue,
    cin7ChangedAt: iso(c.cin7ChangedAt),
    ghlChangedAt: iso(c.ghlChangedAt),
    policy: c.policy,
    winner: c.winner,
    status: c.status,
    resolution: c.resolution,
    resolvedValue: c.resolvedValue,
    resolvedBy: c.resolvedBy,
    note: c.note,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    resolvedAt: iso(c.resolvedAt),
  };
}

const burstSchema = z.object({ limit: z.number(), windowMs: z.number(), free: z.number().nullable() });

const budgetSchema = z.object({
  ghl: z.array(
    z.object({
      locationId: z.string(),
      burst: burstSchema,
      daily: z
        .object({
          limit: z.number(),
          remaining: z.number(),
          reserve: z.number(),
          usable: z.number(),
          resetAt: z.string(),
          observedAt: z.string(),
          paceMs: z.number(),
        })
        .nullable()
        .describe('null until a GHL answer reported it today'),
      dailyLimit: z.number(),
    }),
  ),
  cin7: z.array(z.object({ accountId: z.string(), perMinute: burstSchema })),
});

const recordSchema = z.object({
  cin7CustomerId: z.string(),
  name: z.string(),
  status: z.string().nullable(),
  syncStatus: z.string().nullable(),
  dirty: z.boolean(),
  cin7ChangedAt: z.string().nullable(),
  ghlChangedAt: z.string().nullable(),
  syncedAt: z.string().nullable(),
  links: z.array(
    z.object({
      cin7ContactId: z.string(),
      ghlContactId: z.string().nullable(),
      state: z.string(),
      email: z.string().nullable(),
    }),
  ),
  openFailures: z.number(),
  openConflicts: z.number(),
});

const limit = (max: number, dflt: number) => z.coerce.number().int().min(1).max(max).default(dflt);

/**
 * @example
 * ctx.api.add(...controlRoutes(ctx));
 */
export function controlRoutes(ctx: ApiContext): ApiRoute[] {
  const db = ctx.store.db;
  return [
    defineRoute({
      method: 'get',
      path: '/runs/live',
      operationId: 'getLiveRun',
      summary: 'The run this service is doing now (or just did), with its progress, and the schedules',
      tags: ['runs'],
      response: z.object({ live: liveRunSchema.nullable(), schedules: scheduleSchema }),
      handler: async () => ({ live: runControlFor(ctx).live(), schedules: await scheduleInfo(ctx) }),
    }),
    defineRoute({
      method: 'post',
      path: '/runs',
      operationId: 'startRun',
      summary: 'Start a sync pass or a reconciliation (plan or apply) in the background',
      description:
        'One run at a time: 409 while one is going on. Follow it with GET /api/runs/live; it is listed by GET /api/runs once it ends.',
      tags: ['runs'],
      body: z.object({
        kind: z.enum(['sync', 'reconcile']),
        full: z.boolean().optional().describe('sync: read everything again'),
        mode: z.enum(['plan', 'apply']).optional().describe('reconcile: plan (default) writes nothing'),
        policy: z.enum(['owner', 'newest', 'manual']).optional().describe('reconcile: conflict policy'),
        concurrency: z
          .number()
          .int()
          .min(1)
          .max(64)
          .optional()
          .describe('customers synced (sync, up to 64) or records applied (reconcile, up to 16) at once'),
        feeds: z
          .enum(['both', 'customers', 'sales'])
          .optional()
          .describe('sync: which Cin7 change feeds to read (default both)'),
        cause: z.enum(['poll', 'manual']).optional().describe('sync: recorded in the audit (default manual)'),
        trigger: z
          .enum(['manual', 'simulate'])
          .optional()
          .describe('recorded on the run (default manual; `simulate` for `trigger simulate`)'),
        budget: z
          .boolean()
          .optional()
          .describe("reconcile: keep reconcile.dailyHeadroom of GHL's daily budget, as scheduled runs do"),
        fresh: z
          .boolean()
          .optional()
          .describe('reconcile: start over instead of resuming a run a killed process left'),
      }),
      response: z.object({ run: liveRunSchema }),
      status: 201,
      errors: [409],
      // A run going on, or an account not connected, answers 409 (their errors carry that status).
      handler: async ({ body }) => {
        if (body.kind === 'reconcile' && body.concurrency !== undefined && body.concurrency > 16) {
          throw new InputError(
            'body concurrency',
            `${body.concurrency} is more than a reconciliation applies at once (16)`,
            'send a concurrency from 1 to 16',
          );
        }
        return {
          run: await runControlFor(ctx).start({
            kind: body.kind,
            ...(body.full !== undefined ? { full: body.full } : {}),
            ...(body.mode ? { mode: body.mode } : {}),
            ...(body.policy ? { policy: body.policy } : {}),
            ...(body.concurrency !== undefined ? { concurrency: body.concurrency } : {}),
            ...(body.feeds && body.feeds !== 'both'
              ? { feeds: { customers: body.feeds === 'customers', sales: body.feeds === 'sales' } }
              : {}),
            ...(body.cause ? { cause: body.cause } : {}),
            ...(body.trigger ? { trigger: body.trigger } : {}),
            ...(body.budget !== undefined ? { budget: body.budget } : {}),
            ...(body.fresh !== undefined ? { fresh: body.fresh } : {}),
          }),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/schedules',
      operationId: 'getSchedules',
      summary: 'The polling and reconciliation schedules: next run, pause',
      tags: ['runs'],
      response: scheduleSchema,
      handler: () => scheduleInfo(ctx),
    }),
    defineRoute({
      method: 'put',
      path: '/schedules',
      operationId: 'pauseSchedules',
      summary: 'Pause or resume the schedules (scheduled passes are skipped while paused)',
      tags: ['runs'],
      body: z.object({ sync: z.boolean().optional(), reconcile: z.boolean().optional() }),
      response: scheduleSchema,
      handler: async ({ body }) => {
        await setSchedulePause(db, body);
        return scheduleInfo(ctx);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/failures/retry',
      operationId: 'retryFailures',
      summary: 'Retry failed records: each customer read again from Cin7 and synced',
      description: 'Give `ids`, or `all: true` for every open failure. Fix the data in Cin7 first.',
      tags: ['sync'],
      body: z.object({ ids: z.array(z.string()).optional(), all: z.boolean().optional() }),
      response: z.object({
        runId: z.string(),
        retried: z.number(),
        customers: z.number(),
        resolved: z.number(),
        stillFailing: z.array(
          z.object({
            id: z.string(),
            cin7CustomerId: z.string(),
            cin7ContactId: z.string(),
            code: z.string(),
            error: z.string(),
          }),
        ),
        notRetried: z.array(z.object({ cin7CustomerId: z.string(), reason: z.string() })),
        calls: z.object({ ghl: z.number(), cin7: z.number() }),
      }),
      errors: [409, 502],
      handler: async ({ body }) => {
        if (!body.all && (body.ids?.length ?? 0) === 0) {
          throw new InputError('body', 'neither ids nor all', 'send {"ids": ["12"]} or {"all": true}');
        }
        return retryFailures(await syncDepsFrom(ctx), body.all ? { all: true } : { ids: body.ids ?? [] });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/dead-letters',
      operationId: 'listDeadLetters',
      summary: 'Jobs that failed after their last retry, every kind, newest first',
      tags: ['sync'],
      query: z.object({ limit: limit(1000, 100) }),
      response: z.object({
        deadLetters: z.array(
          z.object({
            id: z.string(),
            kind: z.string(),
            payload: json,
            error: z.string(),
            deadAt: z.string(),
          }),
        ),
      }),
      handler: async ({ query }) => ({ deadLetters: await listDeadLetters(ctx.store, query.limit) }),
    }),
    defineRoute({
      method: 'post',
      path: '/dead-letters/{id}/retry',
      operationId: 'retryDeadLetter',
      summary: 'Send a dead-lettered job back to its queue for a fresh run',
      tags: ['sync'],
      params: z.object({ id: z.string() }),
      response: z.object({ retried: z.boolean() }),
      errors: [404],
      handler: async ({ params }) => {
        if (!(await ctx.queue.retryDeadLetter(params.id)))
          throw new MissingRecordError('dead letter', params.id);
        return { retried: true };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/conflicts',
      operationId: 'listConflicts',
      summary: 'Fields both sides changed since the last sync (open ones by default), newest first',
      tags: ['sync'],
      query: z.object({
        status: z.enum(['open', 'resolved', 'superseded', 'all']).default('open'),
        customerId: z.string().optional().describe('a Cin7 customer id'),
        limit: limit(10_000, 100),
      }),
      response: z.object({ conflicts: z.array(conflictSchema) }),
      handler: async ({ query }) => ({
        conflicts: (
          await listConflicts(db, {
            status: query.status,
            limit: query.limit,
            ...(query.customerId ? { cin7CustomerId: query.customerId } : {}),
          })
        ).map(conflictJson),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/conflicts/{id}',
      operationId: 'getConflict',
      summary: 'One conflict: both values, both change times, the policy',
      tags: ['sync'],
      params: z.object({ id: z.string() }),
      response: conflictSchema,
      errors: [404],
      handler: async ({ params }) => {
        const c = await getConflict(db, params.id);
        if (!c) throw new MissingRecordError('conflict', params.id);
        return conflictJson(c);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/conflicts/{id}/resolve',
      operationId: 'resolveConflict',
      summary: "Resolve an open conflict: take Cin7's value, GHL's, or a value given",
      description:
        'Both sides are read again; the value is written to the side(s) that need it as far as the mapping lets it flow, audited with cause manual.',
      tags: ['sync'],
      params: z.object({ id: z.string() }),
      body: z.object({ take: z.enum(['cin7', 'ghl', 'value']), value: z.string().optional() }),
      response: z.object({
        conflict: conflictSchema,
        value: json,
        written: z.object({ ghl: z.array(z.string()), cin7: z.array(z.string()) }),
        kept: z.array(z.enum(['ghl', 'cin7'])),
        warnings: z.array(z.string()),
      }),
      errors: [404, 409, 422, 502],
      handler: async ({ params, body }) => {
        if (!(await getConflict(db, params.id))) throw new MissingRecordError('conflict', params.id);
        if (body.take === 'value' && body.value === undefined) {
          throw new InputError(
            'body value',
            'missing with take "value"',
            'send {"take": "value", "value": "…"}',
          );
        }
        const r = await resolveConflict(
          await syncDepsFrom(ctx),
          params.id,
          body.take === 'value' ? { take: 'value', value: body.value ?? '' } : { take: body.take },
        );
        return { ...r, conflict: conflictJson(r.conflict) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/rate-budget',
      operationId: 'getRateBudget',
      summary:
        'Per GHL location the burst window and daily budget left; per Cin7 application the per-minute budget',
      tags: ['runs'],
      response: budgetSchema,
      handler: () => rateBudget(ctx),
    }),
    defineRoute({
      method: 'get',
      path: '/records',
      operationId: 'searchRecords',
      summary:
        'Customers by name, email, Cin7 customer id or GHL contact id: links, last change each side, status',
      tags: ['sync'],
      query: z.object({ q: z.string().max(200).default(''), limit: limit(500, 50) }),
      response: z.object({ records: z.array(recordSchema) }),
      handler: async ({ query }) => ({ records: await searchRecords(db, query.q, query.limit) }),
    }),
  ];
}
