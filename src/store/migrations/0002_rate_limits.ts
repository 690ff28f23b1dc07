import type { Migration } from './types.js';

/**
 * The shared rate limiter's state (`src/http/rate-limit/postgres.ts`): one row per hashed key
 * (`ghl:…`, `cin7:…`, never a key in clear), holding the times in ms at which each slot is free.
 */
export const migration: Migration = {
  id: '0002_rate_limits',
  up: `
CREATE TABLE IF NOT EXISTS http_rate_limits (
  key text PRIMARY KEY,
  slots bigint[] NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL DEFAULT now()
);
`,
};
