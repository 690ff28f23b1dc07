import type { Migration } from './types.js';

/**
 * GHL → Cin7 (issue 6, items 4 and 5):
 * - `ghl_inbound`: GHL contacts with work waiting (a webhook or a poll saw a change): what to re-read
 *   (the contact, its notes, its tasks) and whether it looked deleted; one row per contact, merged
 *   while it waits, so a burst of events costs one re-read and one Cin7 write (`version` lets a job
 *   delete only what it handled);
 * - `ghl_profile_state`: per Cin7 customer, the profile values last written to Cin7 and their hash;
 * - `ghl_tasks_seen`: the location-wide task poll's last view (a task's hash), to tell changes;
 * - `ghl_customer_creates`: a Cin7 customer being created from a GHL contact: the intent (names
 *   tried) recorded before the write, so a retry finds the customer instead of making a second one.
 */
export const migration: Migration = {
  id: '0060_ghl_to_cin7',
  up: `
create table ghl_inbound (
  location_id text not null,
  ghl_contact_id text not null,
  cin7_customer_id text,
  needs_contact boolean not null default false,
  needs_notes boolean not null default false,
  needs_tasks boolean not null default false,
  deleted boolean not null default false,
  cause text not null check (cause in ('webhook', 'poll', 'reconcile', 'manual')),
  events jsonb not null default '[]',
  version integer not null default 1,
  first_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (location_id, ghl_contact_id)
);
create index ghl_inbound_customer on ghl_inbound (cin7_customer_id) where cin7_customer_id is not null;

create table ghl_profile_state (
  cin7_customer_id text primary key,
  hash text not null,
  "values" jsonb not null default '{}',
  written_at timestamptz not null default now()
);

create table ghl_tasks_seen (
  location_id text not null,
  task_id text not null,
  ghl_contact_id text,
  hash text not null,
  pass_id bigint not null,
  primary key (location_id, task_id)
);

create table ghl_customer_creates (
  location_id text not null,
  ghl_contact_id text not null,
  state text not null check (state in ('pending', 'created', 'skipped', 'failed')),
  names jsonb not null default '[]',
  cin7_customer_id text,
  reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (location_id, ghl_contact_id)
);
`,
};
