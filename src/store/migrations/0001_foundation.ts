import type { Migration } from './types.js';

/** The foundation tables: vault, webhook inbox, checkpoints, events. */
export const migration: Migration = {
  id: '0001_foundation',
  up: `
CREATE TABLE secrets (
  name text PRIMARY KEY,
  key_id text NOT NULL,
  iv bytea NOT NULL,
  tag bytea NOT NULL,
  ciphertext bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE vault_keys (
  key_id text PRIMARY KEY,
  wrapped_by text NOT NULL,
  iv bytea NOT NULL,
  tag bytea NOT NULL,
  wrapped_key bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE inbox (
  id bigserial PRIMARY KEY,
  source text NOT NULL,
  dedupe_key text,
  received_at timestamptz NOT NULL DEFAULT now(),
  headers jsonb NOT NULL DEFAULT '{}'::jsonb,
  body bytea NOT NULL,
  status text NOT NULL DEFAULT 'pending',
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  processed_at timestamptz,
  CONSTRAINT inbox_source_dedupe_key UNIQUE (source, dedupe_key)
);
CREATE INDEX inbox_status_received ON inbox (status, received_at);

CREATE TABLE checkpoints (
  name text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE events (
  id bigserial PRIMARY KEY,
  kind text NOT NULL,
  severity text NOT NULL CHECK (severity IN ('info', 'warning', 'error', 'critical')),
  subject text,
  message text NOT NULL,
  details jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  dedupe_key text
);
CREATE UNIQUE INDEX events_dedupe_key ON events (dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX events_created ON events (created_at DESC, id DESC);
CREATE INDEX events_kind_created ON events (kind, created_at DESC);
`,
};
