import type { Migration } from './types.js';

/**
 * The sync engine's tables (issue 5; issue 6 reads and extends them):
 * - `links`: one row per Cin7 customer contact and GHL location: the GHL contact it is linked to,
 *   the create intent recorded before the write, the identity (email, phone) the GHL contact holds
 *   — unique per location, so two Cin7 contacts can never claim one GHL contact or one identity —,
 *   per-field hashes and values of the last synced state, and the last change seen on each side;
 * - `customers`: the latest Cin7 snapshot as read from feed pages (`version` moves with every new
 *   snapshot or rule-tag change; `dirty` says it still has to be synced), purchase aggregates,
 *   desired rule tags, the unified profile;
 * - `sales`: the facts the aggregates need, kept from the sales feed;
 * - `sync_runs`, `failures` (one open row per record), `audit` (every write, either way).
 */
export const migration: Migration = {
  id: '0030_sync',
  up: `
create table links (
  id bigserial primary key,
  cin7_customer_id text not null,
  cin7_contact_id text not null,
  ghl_location_id text not null,
  ghl_contact_id text,
  state text not null default 'pending' check (state in ('pending', 'linked', 'unlinked')),
  intent_id text,
  intent_at timestamptz,
  intent jsonb,
  email text,
  phone text,
  hashes jsonb not null default '{}'::jsonb,
  synced_values jsonb not null default '{}'::jsonb,
  withheld jsonb not null default '{}'::jsonb,
  ghl_tags jsonb not null default '[]'::jsonb,
  business_id text,
  cin7_changed_at timestamptz,
  ghl_changed_at timestamptz,
  synced_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (ghl_location_id, cin7_customer_id, cin7_contact_id)
);
create unique index links_ghl_contact on links (ghl_location_id, ghl_contact_id)
  where ghl_contact_id is not null and state <> 'unlinked';
create unique index links_email on links (ghl_location_id, email)
  where email is not null and state <> 'unlinked';
create unique index links_phone on links (ghl_location_id, phone)
  where phone is not null and state <> 'unlinked';
create index links_customer on links (cin7_customer_id);

create table customers (
  cin7_customer_id text primary key,
  name text,
  status text,
  snapshot jsonb not null,
  cin7_modified_at timestamptz,
  version integer not null default 1,
  aggregates jsonb,
  rule_tags jsonb not null default '[]'::jsonb,
  rule_reasons jsonb not null default '[]'::jsonb,
  profile jsonb,
  skipped jsonb not null default '[]'::jsonb,
  dirty boolean not null default true,
  dirty_since timestamptz,
  sync_status text,
  cin7_changed_at timestamptz,
  ghl_changed_at timestamptz,
  synced_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index customers_dirty on customers (dirty_since, cin7_customer_id) where dirty;

create table sales (
  sale_id text primary key,
  cin7_customer_id text,
  status text,
  order_date text,
  invoice_amount double precision,
  currency text,
  updated timestamptz,
  seen_at timestamptz not null default now()
);
create index sales_customer on sales (cin7_customer_id);

create table sync_runs (
  id bigserial primary key,
  kind text not null,
  mode text not null,
  trigger text not null,
  status text not null default 'running' check (status in ('running', 'completed', 'partial', 'failed')),
  counts jsonb not null default '{}'::jsonb,
  calls jsonb not null default '{}'::jsonb,
  minimum_calls jsonb not null default '{}'::jsonb,
  progress jsonb not null default '{}'::jsonb,
  timings jsonb not null default '{}'::jsonb,
  error text,
  started_at timestamptz not null default now(),
  heartbeat_at timestamptz not null default now(),
  finished_at timestamptz
);
create index sync_runs_started on sync_runs (started_at desc, id desc);

create table failures (
  id bigserial primary key,
  cin7_customer_id text not null,
  cin7_contact_id text not null default '',
  ghl_contact_id text,
  stage text not null,
  code text not null,
  error text not null,
  request jsonb,
  record jsonb,
  details jsonb,
  status text not null default 'open' check (status in ('open', 'resolved')),
  attempts integer not null default 1,
  run_id bigint,
  first_at timestamptz not null default now(),
  last_at timestamptz not null default now(),
  resolved_at timestamptz
);
create unique index failures_open on failures (cin7_customer_id, cin7_contact_id) where status = 'open';
create index failures_status on failures (status, last_at desc);

create table audit (
  id bigserial primary key,
  at timestamptz not null default now(),
  direction text not null check (direction in ('cin7_to_ghl', 'ghl_to_cin7')),
  action text not null,
  cause text not null check (cause in ('webhook', 'poll', 'reconcile', 'manual')),
  cin7_customer_id text,
  cin7_contact_id text,
  ghl_contact_id text,
  fields jsonb not null default '[]'::jsonb,
  before jsonb,
  after jsonb,
  run_id bigint,
  details jsonb
);
create index audit_customer on audit (cin7_customer_id, at desc);
create index audit_ghl on audit (ghl_contact_id, at desc);
create index audit_at on audit (at desc, id desc);
`,
};
