/**
 * Subscriptions to product events: a URL, the events it wants, and a signing secret kept in the
 * vault (`events:subscription:<id>`). Created from the CLI, the API or the config file; the secret
 * is shown once when created (or rotated).
 */
import { randomBytes } from 'node:crypto';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Config } from '../config/load.js';
import { InputError, MissingRecordError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { registerSecret } from '../log/redact.js';
import type { Store } from '../store/open.js';
import type { Database, EventSubscriptionsTable, SubscriptionSource } from '../store/schema.js';
import { PRODUCT_EVENT_NAMES } from './names.js';
import { newSubscriptionSecret } from './signature.js';

export interface Subscription {
  id: string;
  url: string;
  /** Event names, or `*` for every event. */
  events: string[];
  source: SubscriptionSource;
  description: string | null;
  createdAt: Date;
  deletedAt: Date | null;
}

export interface NewSubscription {
  url: string;
  events: string[];
  source?: SubscriptionSource;
  description?: string | null;
}

/** The vault name of a subscription's signing secret. */
export function subscriptionSecretName(id: string): string {
  return `events:subscription:${id}`;
}

function toSubscription(row: Selectable<EventSubscriptionsTable>): Subscription {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    source: row.source,
    description: row.description,
    createdAt: row.created_at,
    deletedAt: row.deleted_at,
  };
}

/** Checks the URL and event names; answers the cleaned event list. */
export function checkSubscription(input: Pick<NewSubscription, 'url' | 'events'>): string[] {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw new InputError(
      'subscription url',
      `"${input.url}" is not a URL`,
      'give an http(s) URL, e.g. https://hooks.zapier.com/…',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError('subscription url', `${url.protocol} is not http or https`, 'give an http(s) URL');
  }
  if (url.username || url.password) {
    throw new InputError(
      'subscription url',
      'must not carry credentials',
      'remove user:password@ from the URL; deliveries are signed instead',
    );
  }
  const events = [...new Set(input.events.map((e) => e.trim()).filter((e) => e !== ''))];
  if (events.length === 0) {
    throw new InputError(
      'subscription events',
      'none given',
      `give one or more of ${PRODUCT_EVENT_NAMES.join(', ')}, or *`,
    );
  }
  for (const e of events) {
    if (e !== '*' && !(PRODUCT_EVENT_NAMES as string[]).includes(e)) {
      throw new InputError(
        'subscription events',
        `unknown event "${e}"`,
        `use ${PRODUCT_EVENT_NAMES.join(', ')}, or * for all`,
      );
    }
  }
  return events;
}

/**
 * Subscribes a URL; the secret that signs its deliveries is returned here only.
 *
 * @example
 * const { subscription, secret } = await createSubscription(store, { url, events: ['record.synced'] });
 */
export async function createSubscription(
  store: Store,
  input: NewSubscription,
): Promise<{ subscription: Subscription; secret: string }> {
  const events = checkSubscription(input);
  const secret = newSubscriptionSecret();
  registerSecret(secret);
  const id = `sub_${randomBytes(6).toString('hex')}`;
  const row = await store.transaction(async (trx) => {
    const inserted = await trx
      .insertInto('event_subscriptions')
      .values({
        id,
        url: input.url,
        events,
        source: input.source ?? 'api',
        description: input.description ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await store.vault.put(subscriptionSecretName(id), secret, trx);
    return inserted;
  });
  return { subscription: toSubscription(row), secret };
}

/** Active subscriptions (and deleted ones with `includeDeleted`), oldest first. */
export async function listSubscriptions(
  db: Kysely<Database>,
  options: { includeDeleted?: boolean } = {},
): Promise<Subscription[]> {
  let q = db.selectFrom('event_subscriptions').selectAll();
  if (!options.includeDeleted) q = q.where('deleted_at', 'is', null);
  return (await q.orderBy('created_at').orderBy('id').execute()).map(toSubscription);
}

/** One subscription (deleted too); MissingRecordError when unknown. */
export async function getSubscription(db: Kysely<Database>, id: string): Promise<Subscription> {
  const row = await db.selectFrom('event_subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new MissingRecordError('event subscription', id);
  return toSubscription(row);
}

/**
 * Unsubscribes: no new deliveries; queued ones are cancelled when their turn comes. Its delivery
 * history stays; its secret is deleted.
 *
 * @example
 * await deleteSubscription(store, 'sub_0a1b2c3d4e5f');
 */
export async function deleteSubscription(store: Store, id: string): Promise<Subscription> {
  return store.transaction(async (trx) => {
    const row = await trx
      .updateTable('event_subscriptions')
      .set({ deleted_at: sql<Date>`coalesce(deleted_at, now())`, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new MissingRecordError('event subscription', id);
    await store.vault.delete(subscriptionSecretName(id), trx);
    return toSubscription(row);
  });
}

/** A new signing secret for a subscription (the old one stops working at once); returned once. */
export async function rotateSubscriptionSecret(store: Store, id: string): Promise<string> {
  const sub = await getSubscription(store.db, id);
  if (sub.deletedAt) throw new InputError(`subscription ${id}`, 'is deleted', 'subscribe the URL again');
  const secret = newSubscriptionSecret();
  registerSecret(secret);
  await store.vault.put(subscriptionSecretName(id), secret);
  return secret;
}

/**
 * Makes the subscriptions of the config file (`events.subscriptions`) exist, and removes config
 * subscriptions no longer listed. A new one gets a secret, which `cin7-ghl events rotate-secret`
 * shows (config files hold no secrets).
 *
 * @example
 * await syncConfigSubscriptions(store, config, logger);
 */
export async function syncConfigSubscriptions(store: Store, config: Config, logger: Logger): Promise<void> {
  const wanted = configSubscriptions(config);
  const existing = (await listSubscriptions(store.db)).filter((s) => s.source === 'config');
  for (const w of wanted) {
    const events = checkSubscription(w);
    const found = existing.find((s) => s.url === w.url);
    if (!found) {
      const { subscription } = await createSubscription(store, { url: w.url, events, source: 'config' });
      logger.info(
        { subscription: subscription.id, url: w.url },
        'created the event subscription from the config file; show its signing secret with `cin7-ghl events rotate-secret <id>`',
      );
    } else if (found.events.join(',') !== events.join(',')) {
      await store.db
        .updateTable('event_subscriptions')
        .set({ events, updated_at: sql<Date>`now()` })
        .where('id', '=', found.id)
        .execute();
    }
  }
  for (const s of existing) if (!wanted.some((w) => w.url === s.url)) await deleteSubscription(store, s.id);
}

function configSubscriptions(config: Config): Array<{ url: string; events: string[] }> {
  return config.events.subscriptions;
}
