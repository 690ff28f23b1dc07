import type { Context } from 'hono';
import type { Transaction } from 'kysely';
import { WebhookRejectedError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { isSecretName } from '../log/redact.js';
import type { Store } from '../store/open.js';
import type { Database } from '../store/schema.js';

/** What a verifier learns from a request it accepts. */
export interface VerifiedWebhook {
  /** The sender's event id (GHL `webhookId`): a second delivery with the same key is refused. */
  dedupeKey: string | null;
}

/**
 * Checks one delivery on its raw bytes (signature, secret header, timestamp). Throws
 * `WebhookRejectedError` with a reason safe to return to the sender; must not touch state.
 */
export type WebhookVerifier = (
  raw: Uint8Array,
  headers: Headers,
) => Promise<VerifiedWebhook> | VerifiedWebhook;

export interface IntakeOptions {
  /** Inbox source name, e.g. `ghl` or `cin7`. */
  source: string;
  store: Store;
  verify: WebhookVerifier;
  /**
   * Runs in the same transaction as the inbox insert, e.g. to enqueue the processing job, so an
   * acknowledged delivery always has its job.
   */
  onStored?: (trx: Transaction<Database>, inboxId: string) => Promise<void>;
  logger: Logger;
  /** Larger bodies are refused with 413 (default 1 MiB). */
  maxBodyBytes?: number;
}

const DEFAULT_MAX_BODY = 1024 * 1024;

/**
 * A hono handler for vendor webhooks: keeps the raw body bytes, verifies them, persists the raw
 * event in the inbox (and its job, through `onStored`) in one transaction, and only then answers 2xx.
 * A rejected delivery stores nothing. Processing happens later, in a job.
 *
 * @example
 * app.post('/webhooks/ghl', webhookIntake({ source: 'ghl', store, verify: ghlVerifier, logger,
 *   onStored: (trx, id) => queue.send(processInbox, { inboxId: id }, { trx }) }));
 */
export function webhookIntake(options: IntakeOptions) {
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  return async (c: Context): Promise<Response> => {
    const declared = Number(c.req.header('content-length') ?? '0');
    if (declared > maxBody)
      throw new WebhookRejectedError(`Body of ${declared} bytes is over the ${maxBody}-byte limit`, 413);
    const raw = new Uint8Array(await c.req.arrayBuffer());
    if (raw.byteLength > maxBody) {
      throw new WebhookRejectedError(
        `Body of ${raw.byteLength} bytes is over the ${maxBody}-byte limit`,
        413,
      );
    }
    const headers = c.req.raw.headers;
    const verified = await options.verify(raw, headers);
    const inboxId = await options.store.transaction(async (trx) => {
      const row = await trx
        .insertInto('inbox')
        .values({
          source: options.source,
          dedupe_key: verified.dedupeKey,
          headers: JSON.stringify(keptHeaders(headers)),
          body: raw,
        })
        .onConflict((oc) => oc.columns(['source', 'dedupe_key']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!row) return null;
      await options.onStored?.(trx, row.id);
      return row.id;
    });
    if (inboxId === null) {
      throw new WebhookRejectedError(
        `Webhook ${verified.dedupeKey} was already received; this delivery is a replay`,
        409,
      );
    }
    options.logger.debug({ source: options.source, inboxId, bytes: raw.byteLength }, 'webhook stored');
    return c.json({ received: true, id: inboxId }, 200);
  };
}

/** Headers worth keeping with the event (for audit and re-verification); never credentials. */
function keptHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (!isSecretName(name)) out[name] = value;
  });
  return out;
}
