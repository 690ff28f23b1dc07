import type { Migration } from './types.js';

/**
 * Vendor connections (one row per GHL location or Cin7 account) and pending OAuth connects.
 * Tokens and keys are never here: they live encrypted in `secrets` (the vault), named after the
 * connection id. `refresh_intent_*` records a refresh in flight, committed before the request is sent,
 * so a process killed after the vendor rotated the token but before the new pair was stored is
 * recognised on the next attempt and reported instead of failing silently.
 */
export const migration: Migration = {
  id: '0003_connections',
  up: `
create table connections (
  id text primary key,
  api text not null check (api in ('ghl', 'cin7')),
  account_id text not null,
  status text not null default 'active' check (status in ('active', 'needs_reauth', 'uninstalled', 'disabled')),
  auth_mode text not null check (auth_mode in ('oauth', 'pit', 'key')),
  scopes text[] not null default '{}',
  token_expires_at timestamptz,
  token_refreshed_at timestamptz,
  token_version integer not null default 0,
  refresh_intent_at timestamptz,
  refresh_intent_version integer,
  last_used_at timestamptz,
  last_error text,
  details jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (api, account_id)
);

create table oauth_pending (
  state text primary key,
  api text not null,
  scopes text[] not null,
  redirect_uri text not null,
  created_at timestamptz not null default now(),
  used_at timestamptz
);
create index oauth_pending_created_at on oauth_pending (created_at);
`,
};
