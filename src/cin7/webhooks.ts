/**
 * Cin7 webhooks, both ways. Out: the product registers the types it needs, pointing at its public
 * URL with a bearer token (a random secret kept in the vault; Cin7 signs nothing). In: a verifier
 * for the intake helper that compares that token in constant time. Cin7 switches a webhook off after
 * six failed deliveries, so a periodic check re-activates (or recreates) ours and records an alert.
 * A webhook is only a hint: it triggers a debounced change-feed pass (see `feed-jobs.ts`).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { WebhookRejectedError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { registerSecret } from '../log/redact.js';
import { recordEvent } from '../store/events.js';
import type { Store } from '../store/open.js';
import type { Cin7FeedKind } from './change-feed.js';
import type { Cin7Client } from './client.js';
import { readCin7Connection, updateCin7Details, webhookSecretName } from './connection.js';
import type { Cin7Webhook } from './schemas.js';
import type { Cin7WebhookType } from './triggers.js';

/** Where our Cin7 webhooks are received: `<publicUrl>/webhooks/cin7/<customers|sales>`. */
export const CIN7_WEBHOOK_BASE_PATH = '/webhooks/cin7';

/** A second way to carry the secret (a custom header), accepted as well as the bearer token. */
export const CIN7_SECRET_HEADER = 'x-cin7-ghl-secret';

/**
 * The types the product registers: `Customer/Updated` (the only customer event) and the sale events
 * that change what the tag rules read (order count, spend, recency).
 */
export const PRODUCT_WEBHOOK_TYPES: readonly Cin7WebhookType[] = [
  'Customer/Updated',
  'Sale/Created',
  'Sale/OrderAuthorised',
  'Sale/InvoiceAuthorised',
  'Sale/Voided',
  'Sale/CreditNoteAuthorised',
  'Sale/FullPaymentReceived',
  'Sale/PartialPaymentReceived',
  'Sale/Undo',
];

/** The feed a webhook type hints at: customers for `Customer/*`, sales for `Sale/*`, else null. */
export function feedForWebhookType(type: string): Cin7FeedKind | null {
  if (/^customer\//i.test(type)) return 'customers';
  if (/^sale\//i.test(type)) return 'sales';
  return null;
}

/** The URL Cin7 delivers `kind` hints to. */
export function cin7WebhookUrl(publicUrl: string, kind: Cin7FeedKind): string {
  return `${publicUrl.replace(/\/+$/, '')}${CIN7_WEBHOOK_BASE_PATH}/${kind}`;
}

/** A new random webhook secret (256 bits, base64url). */
export function generateWebhookSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The connection's webhook secret from the vault, created (and stored) when there is none yet.
 *
 * @example
 * const secret = await ensureWebhookSecret(store, connectionId);
 */
export async function ensureWebhookSecret(store: Store, connectionId: string): Promise<string> {
  const name = webhookSecretName(connectionId);
  const existing = await store.vault.get(name);
  if (existing) {
    registerSecret(existing);
    return existing;
  }
  const secret = generateWebhookSecret();
  registerSecret(secret);
  await store.vault.put(name, secret);
  return secret;
}

/** True when `given` equals `expected`, in time that does not depend on where they differ. */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/**
 * A verifier for the intake helper: the delivery must carry the secret as `Authorization: Bearer …`
 * (how we register) or in `X-Cin7-Ghl-Secret`. Wrong or missing → `WebhookRejectedError` (401), and
 * the intake stores nothing. Cin7 sends no event id, so nothing is deduplicated here: a hint
 * delivered twice only costs a debounced read.
 *
 * @example
 * webhookIntake({ source: 'cin7.customers', store, logger, verify: cin7WebhookVerifier(() => vault.get(name)) });
 */
export function cin7WebhookVerifier(
  getSecret: () => Promise<string | null> | string | null,
): (raw: Uint8Array, headers: Headers) => Promise<{ dedupeKey: string | null }> {
  return async (_raw, headers) => {
    const secret = await getSecret();
    if (!secret) {
      throw new WebhookRejectedError(
        'Cin7 webhooks are not set up on this service (no webhook secret); run `cin7-ghl connect cin7`',
        401,
      );
    }
    const auth = headers.get('authorization');
    const bearer = auth && /^bearer\s+/i.test(auth) ? auth.replace(/^bearer\s+/i, '').trim() : null;
    const header = headers.get(CIN7_SECRET_HEADER);
    if (bearer === null && header === null) {
      throw new WebhookRejectedError('Missing webhook credentials (Authorization: Bearer …)', 401);
    }
    // Both compared, so the time taken does not tell which one was present or right.
    const bearerOk = secretsEqual(bearer ?? '', secret) && bearer !== null;
    const headerOk = secretsEqual(header ?? '', secret) && header !== null;
    if (!bearerOk && !headerOk) throw new WebhookRejectedError('Wrong webhook credentials', 401);
    return { dedupeKey: null };
  };
}

/** What a webhook sync changed, by type. */
export interface WebhookSyncResult {
  /** Registered for the first time. */
  created: string[];
  /** Ours but switched off (Cin7 does that after six failed deliveries): switched back on. */
  reactivated: string[];
  /** Registered before but gone from Cin7: registered again. */
  recreated: string[];
  /** Ours, but with another token or auth type: corrected. */
  repaired: string[];
  /** Extra copies of ours (same type and URL): deleted so each event comes once. */
  removed: string[];
  unchanged: string[];
  /** Our webhook id per type, after the sync. */
  ids: Record<string, string>;
}

export interface SyncWebhooksOptions {
  /** The service's public URL (config `server.publicUrl`). */
  publicUrl: string;
  /** The bearer token Cin7 must send. */
  secret: string;
  /** Default: `PRODUCT_WEBHOOK_TYPES`. */
  types?: readonly string[];
  /** Our ids from the last sync, by type: tells a deleted webhook from a new one. */
  known?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * Makes Cin7's webhooks match what the product needs: one active webhook per type at our URL with
 * our bearer token. Costs one `GET /webhooks` plus one call per change.
 *
 * @example
 * const r = await syncWebhooks(client, { publicUrl: 'https://sync.example.com', secret });
 */
export async function syncWebhooks(
  client: Cin7Client,
  options: SyncWebhooksOptions,
): Promise<WebhookSyncResult> {
  const result: WebhookSyncResult = {
    created: [],
    reactivated: [],
    recreated: [],
    repaired: [],
    removed: [],
    unchanged: [],
    ids: {},
  };
  const hooks = await client.listWebhooks(options.signal);
  for (const type of options.types ?? PRODUCT_WEBHOOK_TYPES) {
    const kind = feedForWebhookType(type);
    if (!kind) continue;
    const url = cin7WebhookUrl(options.publicUrl, kind);
    const ours = hooks.filter(
      (h) => h.Type.toLowerCase() === type.toLowerCase() && sameUrl(h.ExternalURL, url),
    );
    const wanted = {
      Type: type,
      IsActive: true,
      ExternalURL: url,
      ExternalAuthorizationType: 'bearerauth' as const,
      ExternalBearerToken: options.secret,
    };
    if (ours.length === 0) {
      const created = await client.createWebhook(wanted, options.signal);
      result.ids[type] = created.ID;
      (options.known?.[type] ? result.recreated : result.created).push(type);
      continue;
    }
    const keep = ours.find((h) => h.IsActive && tokenMatches(h, options.secret)) ?? (ours[0] as Cin7Webhook);
    for (const extra of ours) {
      if (extra.ID === keep.ID) continue;
      await client.deleteWebhook(extra.ID, options.signal);
      result.removed.push(type);
    }
    result.ids[type] = keep.ID;
    if (!keep.IsActive) {
      await client.updateWebhook({ ...wanted, ID: keep.ID }, options.signal);
      result.reactivated.push(type);
    } else if (!tokenMatches(keep, options.secret)) {
      await client.updateWebhook({ ...wanted, ID: keep.ID }, options.signal);
      result.repaired.push(type);
    } else {
      result.unchanged.push(type);
    }
  }
  return result;
}

function tokenMatches(h: Cin7Webhook, secret: string): boolean {
  return (
    h.ExternalAuthorizationType?.toLowerCase() === 'bearerauth' &&
    typeof h.ExternalBearerToken === 'string' &&
    secretsEqual(h.ExternalBearerToken, secret)
  );
}

function sameUrl(a: string | null, b: string): boolean {
  if (!a) return false;
  const norm = (u: string) => u.trim().replace(/\/+$/, '').toLowerCase();
  return norm(a) === norm(b);
}

export interface CheckWebhooksDeps {
  store: Store;
  client: Cin7Client;
  connectionId: string;
  publicUrl: string;
  logger: Logger;
  types?: readonly string[];
  signal?: AbortSignal;
}

/**
 * The periodic check: syncs our webhooks (re-activating or recreating what Cin7 switched off or
 * lost), remembers their ids, and records a warning event for each one that had to be fixed, so the
 * operator learns that deliveries were failing (the polling feed covered the gap).
 *
 * @example
 * await checkCin7Webhooks({ store, client, connectionId, publicUrl: config.server.publicUrl!, logger });
 */
export async function checkCin7Webhooks(deps: CheckWebhooksDeps): Promise<WebhookSyncResult> {
  const { store, client, connectionId, logger } = deps;
  const connection = await readCin7Connection(store.db, client.accountId);
  const secret = await ensureWebhookSecret(store, connectionId);
  const result = await syncWebhooks(client, {
    publicUrl: deps.publicUrl,
    secret,
    ...(deps.types ? { types: deps.types } : {}),
    known: connection?.details.webhooks ?? {},
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  await updateCin7Details(store.db, connectionId, { webhooks: result.ids, webhookBaseUrl: deps.publicUrl });
  const fixes: [string[], string, string][] = [
    [
      result.reactivated,
      'cin7.webhook.reactivated',
      'was switched off by Cin7 (deliveries kept failing); switched it back on',
    ],
    [result.recreated, 'cin7.webhook.recreated', 'was gone from Cin7; registered it again'],
    [result.repaired, 'cin7.webhook.repaired', 'had other credentials; restored ours'],
  ];
  for (const [types, kind, what] of fixes) {
    for (const type of types) {
      await recordEvent(store.db, {
        kind,
        severity: 'warning',
        subject: connectionId,
        message: `Cin7 webhook ${type} ${what}. Changes made meanwhile are caught by the polling feed.`,
        details: { type, webhookId: result.ids[type] ?? null },
      });
      logger.warn({ connectionId, type, kind }, `cin7 webhook ${type} ${what}`);
    }
  }
  return result;
}
