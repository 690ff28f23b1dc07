import type { Migration } from './types.js';

/**
 * Outbound product events (record.synced, run.failed, …): an outbox written in the transaction of
 * the change it describes, the subscriptions that want them (their signing secrets live in the
 * vault), and one delivery row per event and subscription, sent by a job with retries.
 */
export const migration: Migration = {
  id: '0041_product_events',
  up: `
CREATE TABLE event_subscriptions (
  id text PRIMARY KEY,
  url text NOT NULL,
  events text[] NOT NULL,
  source text NOT NULL DEFAULT 'api' CHECK (source IN ('api', 'cli', 'config')),
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
CREATE UNIQUE INDEX event_subscriptions_config_url ON event_subscriptions (url)
  WHERE source = 'config' AND deleted_at IS NULL;

CREATE TABLE product_events (
  id bigserial PRIMARY KEY,
  name text NOT NULL,
  payload jsonb NOT NULL,
  dedupe_key text,
  created_at timestamptz NOT NULL DEFAULT now(),
  dispatched_at timestamptz
);
CREATE UNIQUE INDEX product_events_dedupe_key ON product_events (dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX product_events_undispatched ON product_events (id) WHERE dispatched_at IS NULL;
CREATE INDEX product_events_created ON product_events (created_at);

CREATE TABLE event_deliveries (
  id bigserial PRIMARY KEY,
  event_id bigint NOT NULL REFERENCES product_events (id) ON DELETE CASCADE,
  subscription_id text NOT NULL REFERENCES event_subscriptions (id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'retrying', 'delivered', 'dead', 'cancelled')),
  attempts integer NOT NULL DEFAULT 0,
  last_status integer,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  CONSTRAINT event_deliveries_once UNIQUE (event_id, subscription_id)
);
CREATE INDEX event_deliveries_subscription ON event_deliveries (subscription_id, id DESC);
CREATE INDEX event_deliveries_status ON event_deliveries (status);
`,
};
