import type { Migration } from './types.js';

/**
 * What the Cin7 change feeds have processed: one row per (feed, record id, modification time), so a
 * record re-read in an overlapping window or a repeated page is handed on once per change. Rows
 * behind a feed's next lower bound are pruned at the end of each pass (`src/cin7/change-feed.ts`).
 */
export const migration: Migration = {
  id: '0020_cin7_feed',
  up: `
create table cin7_feed_seen (
  feed text not null,
  record_id text not null,
  modified_at timestamptz not null,
  seen_at timestamptz not null default now(),
  primary key (feed, record_id, modified_at)
);
create index cin7_feed_seen_prune on cin7_feed_seen (feed, modified_at);
`,
};
