import type { Migration } from './types.js';

/**
 * The service's own state: settings (the admin password hash), dashboard sessions and bearer API
 * tokens. Sessions and tokens are stored as SHA-256 hashes of high-entropy random values: the
 * database never holds anything that would let a reader sign in.
 */
export const migration: Migration = {
  id: '0040_service',
  up: `
CREATE TABLE service_settings (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
  id_hash text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  client text,
  user_agent text
);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
  id text PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL DEFAULT 'api' CHECK (kind IN ('api', 'local-admin')),
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
`,
};
