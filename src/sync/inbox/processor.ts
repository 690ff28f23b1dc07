/**
 * The inbox processor: a job per stored webhook delivery (`sync.inbox`, enqueued in the intake's
 * transaction) reads the inbox row and dispatches it by source and event type. Today: GHL
 * `AppUninstall` → `handleGhlAppUninstall`; issue 6 adds the contact, note and task handlers
 * through `handlers`. The row ends `done`, `ignored` (no handler) or, after its last attempt,
 * `failed` (the job then sits in the dead-letter queue); attempts are counted on the row.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import { errorMessage } from '../../errors/index.js';
import { type GhlWebhookPayload, handleGhlAppUninstall, parseGhlWebhook } from '../../ghl/events.js';
import type { GhlWebhookEventName } from '../../ghl/triggers.js';
import { defineJob } from '../../jobs/define.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { Logger } from '../../log/logger.js';
import { redactText } from '../../log/redact.js';
import type { Store } from '../../store/open.js';

export const inboxJob = defineJob({
  name: 'sync.inbox',
  schema: z.object({ inboxId: z.string().regex(/^\d+$/) }),
  retryLimit: 5,
  retryDelaySeconds: 10,
  retryDelayMaxSeconds: 600,
  expireInSeconds: 120,
  singletonKey: (p) => p.inboxId,
});

/** One stored delivery as a handler sees it. */
export interface InboxEvent {
  inboxId: string;
  source: string;
  receivedAt: Date;
  headers: Record<string, string>;
  body: Buffer;
}

export interface InboxContext {
  store: Store;
  logger: Logger;
}

/** Handles one GHL event; resolves when it is done (throw to have it retried). */
export type GhlEventHandler = (
  payload: GhlWebhookPayload,
  event: InboxEvent,
  ctx: InboxContext,
) => Promise<void>;

/** Handlers by source: GHL by event name; other sources by their inbox source name. */
export interface InboxHandlers {
  ghl?: Partial<Record<GhlWebhookEventName, GhlEventHandler>>;
  sources?: Record<string, (event: InboxEvent, ctx: InboxContext) => Promise<void>>;
}

/** The handlers of issue 5: `AppUninstall` stops the connection. Issue 6 adds its own to these. */
export function defaultInboxHandlers(): InboxHandlers {
  return {
    ghl: {
      AppUninstall: async (payload, _event, ctx) => {
        await handleGhlAppUninstall(ctx.store, payload, ctx.logger);
      },
    },
  };
}

export type InboxOutcome = 'done' | 'ignored' | 'missing' | 'skipped';

/**
 * Processes one inbox row. A handler error is rethrown after the row records it (`failed` on the
 * last attempt, else back to `pending`), so the job retries with backoff.
 *
 * @example
 * await processInboxRow({ store, logger }, inboxId, defaultInboxHandlers(), { final: false });
 */
export async function processInboxRow(
  ctx: InboxContext,
  inboxId: string,
  handlers: InboxHandlers,
  attempt: { final: boolean } = { final: true },
): Promise<InboxOutcome> {
  const { store } = ctx;
  const row = await store.db.selectFrom('inbox').selectAll().where('id', '=', inboxId).executeTakeFirst();
  if (!row) return 'missing';
  if (row.status === 'done' || row.status === 'ignored') return 'skipped';
  await store.db
    .updateTable('inbox')
    .set({ status: 'processing', attempts: sql`attempts + 1` })
    .where('id', '=', inboxId)
    .execute();
  const event: InboxEvent = {
    inboxId,
    source: row.source,
    receivedAt: row.received_at,
    headers: (row.headers ?? {}) as Record<string, string>,
    body: row.body,
  };
  try {
    const handled = await dispatch(event, handlers, ctx);
    await store.db
      .updateTable('inbox')
      .set({ status: handled ? 'done' : 'ignored', last_error: null, processed_at: new Date() })
      .where('id', '=', inboxId)
      .execute();
    return handled ? 'done' : 'ignored';
  } catch (e) {
    await store.db
      .updateTable('inbox')
      .set({
        status: attempt.final ? 'failed' : 'pending',
        last_error: redactText(errorMessage(e)).slice(0, 2000),
        ...(attempt.final ? { processed_at: new Date() } : {}),
      })
      .where('id', '=', inboxId)
      .execute();
    throw e;
  }
}

/** True when a handler ran; false when nothing handles this event (the row is `ignored`). */
async function dispatch(event: InboxEvent, handlers: InboxHandlers, ctx: InboxContext): Promise<boolean> {
  if (event.source === 'ghl') {
    const { name, payload } = parseGhlWebhook(event.body);
    const handler = name ? handlers.ghl?.[name] : undefined;
    if (!handler) {
      ctx.logger.debug({ inboxId: event.inboxId, type: payload.type }, 'no handler for this GHL event yet');
      return false;
    }
    await handler(payload, event, ctx);
    return true;
  }
  const handler = handlers.sources?.[event.source];
  if (!handler) return false;
  await handler(event, ctx);
  return true;
}

/**
 * Starts the inbox worker. Enqueue with `queue.send(inboxJob, { inboxId }, { trx })` from the
 * intake's `onStored`.
 *
 * @example
 * await startInboxProcessor({ store, queue, logger, handlers: defaultInboxHandlers() });
 */
export async function startInboxProcessor(deps: {
  store: Store;
  queue: JobQueue;
  logger: Logger;
  handlers?: InboxHandlers;
  concurrency?: number;
}): Promise<void> {
  const handlers = deps.handlers ?? defaultInboxHandlers();
  await deps.queue.work(inboxJob, { batchSize: deps.concurrency ?? 5 }, async (payload, job) => {
    await processInboxRow({ store: deps.store, logger: deps.logger }, payload.inboxId, handlers, {
      final: job.retryCount >= inboxJob.retryLimit,
    });
  });
}
