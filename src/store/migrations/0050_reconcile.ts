import type { Migration } from './types.js';

/**
 * The nightly reconciliation (issue 6, items 1–3 and conflicts):
 * - `reconcile_customers`, `reconcile_contacts`, `reconcile_ghl`, `reconcile_business`: one run's
 *   working state, filled page by page (so memory stays bounded by the page size and a killed run
 *   resumes where it stopped), deleted when the run ends;
 * - `reconcile_items`: what the run found per record (drift, conflict, orphan, unlinked candidate)
 *   with the field changes, and whether it was applied — the plan, and the apply's checkpoint;
 * - `conflicts`: both values, both change times and the policy that applied; open ones wait for
 *   `cin7-ghl conflicts resolve`.
 */
export const migration: Migration = {
  id: '0050_reconcile',
  up: `
create table reconcile_customers (
  run_id bigint not null,
  cin7_customer_id text not null,
  status text,
  modified_at timestamptz,
  snapshot jsonb not null,
  primary key (run_id, cin7_customer_id)
);

create table reconcile_contacts (
  run_id bigint not null,
  cin7_customer_id text not null,
  cin7_contact_id text not null,
  email text,
  phone text,
  primary key (run_id, cin7_customer_id, cin7_contact_id)
);
create index reconcile_contacts_email on reconcile_contacts (run_id, email) where email is not null;
create index reconcile_contacts_phone on reconcile_contacts (run_id, phone) where phone is not null;

create table reconcile_ghl (
  run_id bigint not null,
  ghl_contact_id text not null,
  email text,
  phone text,
  date_updated timestamptz,
  contact jsonb not null,
  primary key (run_id, ghl_contact_id)
);
create index reconcile_ghl_email on reconcile_ghl (run_id, email) where email is not null;
create index reconcile_ghl_phone on reconcile_ghl (run_id, phone) where phone is not null;

create table reconcile_business (
  run_id bigint not null,
  business_id text not null,
  ghl_contact_id text not null,
  primary key (run_id, business_id, ghl_contact_id)
);

create table reconcile_items (
  id bigserial primary key,
  run_id bigint not null,
  kind text not null check (kind in ('fields', 'business', 'orphan', 'candidate')),
  key text not null,
  class text not null check (class in ('drift', 'conflict', 'orphan', 'unlinked')),
  link_id bigint,
  cin7_customer_id text,
  cin7_contact_id text,
  ghl_contact_id text,
  changes jsonb not null default '[]'::jsonb,
  base_hashes jsonb,
  forecast jsonb not null default '{}'::jsonb,
  details jsonb,
  priority integer not null default 0,
  state text not null default 'planned'
    check (state in ('planned', 'writing', 'done', 'failed', 'deferred', 'skipped')),
  error text,
  result jsonb,
  updated_at timestamptz not null default now(),
  unique (run_id, kind, key)
);
create index reconcile_items_state on reconcile_items (run_id, state, priority desc, id);
create index reconcile_items_link on reconcile_items (link_id, run_id);

create table conflicts (
  id bigserial primary key,
  run_id bigint,
  link_id bigint not null,
  ghl_location_id text not null,
  cin7_customer_id text not null,
  cin7_contact_id text not null,
  ghl_contact_id text,
  field text not null,
  base_value jsonb,
  cin7_value jsonb,
  ghl_value jsonb,
  cin7_changed_at timestamptz,
  ghl_changed_at timestamptz,
  policy text not null check (policy in ('owner', 'newest', 'manual')),
  winner text check (winner in ('cin7', 'ghl')),
  status text not null default 'open' check (status in ('open', 'resolved', 'superseded')),
  resolution text check (resolution in ('cin7', 'ghl', 'value', 'policy')),
  resolved_value jsonb,
  resolved_by text,
  note text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  resolved_at timestamptz
);
create unique index conflicts_open on conflicts (link_id, field) where status = 'open';
create index conflicts_status on conflicts (status, created_at desc, id desc);
create index conflicts_customer on conflicts (cin7_customer_id, created_at desc);
`,
};
