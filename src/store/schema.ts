import type { ColumnType, Generated } from 'kysely';

/**
 * The typed view of the database for Kysely. One interface per table; later migrations add tables
 * here (one property each) next to the SQL that creates them.
 *
 * Conventions, identical on PGlite and PostgreSQL (both drivers are set up to return the same types):
 * - `bigint`/`bigserial` come back as decimal strings (`Int8`), like node-postgres does;
 * - `timestamptz` comes back as `Date`;
 * - `jsonb` comes back parsed and is written as a JSON string (`JsonColumn`): write
 *   `JSON.stringify(value)`, because node-postgres would turn a JS array into a PostgreSQL array;
 * - `bytea` comes back as a `Buffer` and is written as a `Buffer`/`Uint8Array`.
 */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A jsonb column: read as parsed JSON, written as a JSON string. */
export type JsonColumn<T extends Json = Json> = ColumnType<T, string, string>;
/** A nullable jsonb column. */
export type NullableJsonColumn<T extends Json = Json> = ColumnType<T | null, string | null, string | null>;
/** A bigserial primary key: generated, read as a decimal string. */
export type Int8Id = ColumnType<string, never, never>;
/** A bytea column. */
export type Bytes = ColumnType<Buffer, Buffer | Uint8Array, Buffer | Uint8Array>;
/** A timestamptz with a database default. */
export type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export interface SchemaMigrationsTable {
  id: string;
  checksum: string;
  applied_at: Generated<Date>;
}

/** Vault rows: AES-256-GCM ciphertext of one secret (see src/store/vault.ts). */
export interface SecretsTable {
  name: string;
  key_id: string;
  iv: Bytes;
  tag: Bytes;
  ciphertext: Bytes;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

/**
 * A newer master key, encrypted under an older one, kept while a key rotation is rolled out so that
 * every secret stays readable whichever key a process was started with (see vault.ts).
 */
export interface VaultKeysTable {
  key_id: string;
  wrapped_by: string;
  iv: Bytes;
  tag: Bytes;
  wrapped_key: Bytes;
  created_at: CreatedAt;
}

/** Webhook intake: the raw request, persisted before the 2xx is sent; processed by a job. */
export interface InboxTable {
  id: Int8Id;
  source: string;
  dedupe_key: string | null;
  received_at: CreatedAt;
  headers: JsonColumn;
  /** The raw body bytes, exactly as received (signatures are verified on these). */
  body: Bytes;
  /** pending → processing → done | failed | ignored. */
  status: ColumnType<string, string | undefined, string>;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  processed_at: Date | null;
}

/** Named resume points (cursors, high-water marks) of long jobs. */
export interface CheckpointsTable {
  name: string;
  value: JsonColumn;
  updated_at: CreatedAt;
}

export type EventSeverity = 'info' | 'warning' | 'error' | 'critical';

/** Alert- or audit-worthy happenings (failed runs, dead letters, auth loss, key rotation...). */
export interface EventsTable {
  id: Int8Id;
  kind: string;
  severity: EventSeverity;
  subject: string | null;
  message: string;
  details: NullableJsonColumn;
  created_at: CreatedAt;
  dedupe_key: string | null;
}

/**
 * A vendor connection (migration 0003): one row per GHL location or Cin7 account. Its secrets live
 * in the vault, never here.
 */
export interface ConnectionsTable {
  /** e.g. `ghl:<locationId>`. */
  id: string;
  api: 'ghl' | 'cin7';
  /** GHL location id or Cin7 account id. */
  account_id: string;
  status: ColumnType<ConnectionStatus, ConnectionStatus | undefined, ConnectionStatus>;
  auth_mode: 'oauth' | 'pit' | 'key';
  /** A PostgreSQL `text[]`. */
  scopes: ColumnType<string[], string[] | undefined, string[]>;
  token_expires_at: Date | null;
  token_refreshed_at: Date | null;
  token_version: ColumnType<number, number | undefined, number>;
  /** Set (and committed) just before a refresh request is sent; cleared when its outcome is stored. */
  refresh_intent_at: Date | null;
  refresh_intent_version: number | null;
  last_used_at: Date | null;
  last_error: string | null;
  details: ColumnType<Json, string | undefined, string>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export type ConnectionStatus = 'active' | 'needs_reauth' | 'uninstalled' | 'disabled';

/** An OAuth connect started from this install, waiting for its callback (migration 0003). */
export interface OauthPendingTable {
  state: string;
  api: string;
  scopes: string[];
  redirect_uri: string;
  created_at: CreatedAt;
  used_at: Date | null;
}

/** A jsonb column with a database default: optional on insert. */
export type DefaultJsonColumn<T extends Json = Json> = ColumnType<T, string | undefined, string>;

/** Link state: `pending` (a create intent is recorded, its outcome not yet), `linked`, `unlinked`. */
export type LinkState = 'pending' | 'linked' | 'unlinked';

/**
 * A Cin7 customer contact ↔ GHL contact link (migration 0030). `email`/`phone` are the identity the
 * GHL contact holds, unique per location among rows that are not `unlinked`.
 */
export interface LinksTable {
  id: Int8Id;
  cin7_customer_id: string;
  cin7_contact_id: string;
  ghl_location_id: string;
  ghl_contact_id: string | null;
  state: ColumnType<LinkState, LinkState | undefined, LinkState>;
  intent_id: string | null;
  intent_at: Date | null;
  /** The identity the create upsert used: `{email, phone}`. */
  intent: NullableJsonColumn;
  email: string | null;
  phone: string | null;
  /** Per-field hash of the last synced values (Cin7-owned fields) or the GHL value (GHL-owned). */
  hashes: ColumnType<Record<string, string>, string | undefined, string>;
  synced_values: ColumnType<{ [key: string]: Json }, string | undefined, string>;
  /** Fields deliberately not written (the value is held by another GHL contact): field → hash. */
  withheld: ColumnType<Record<string, string>, string | undefined, string>;
  ghl_tags: ColumnType<string[], string | undefined, string>;
  business_id: string | null;
  cin7_changed_at: Date | null;
  ghl_changed_at: Date | null;
  synced_at: Date | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

/** The latest Cin7 snapshot of a customer and what the engine derived from it (migration 0030). */
export interface CustomersTable {
  cin7_customer_id: string;
  name: string | null;
  status: string | null;
  snapshot: JsonColumn;
  cin7_modified_at: Date | null;
  /** Moves with every new snapshot or rule-tag change; a sync only clears `dirty` for the version it read. */
  version: ColumnType<number, number | undefined, number>;
  aggregates: NullableJsonColumn;
  rule_tags: ColumnType<string[], string | undefined, string>;
  rule_reasons: DefaultJsonColumn;
  profile: NullableJsonColumn;
  skipped: DefaultJsonColumn;
  dirty: ColumnType<boolean, boolean | undefined, boolean>;
  dirty_since: Date | null;
  sync_status: string | null;
  cin7_changed_at: Date | null;
  ghl_changed_at: Date | null;
  synced_at: Date | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

/** One sale as the purchase aggregates need it (migration 0030). */
export interface SalesTable {
  sale_id: string;
  cin7_customer_id: string | null;
  status: string | null;
  order_date: string | null;
  invoice_amount: number | null;
  currency: string | null;
  updated: Date | null;
  seen_at: CreatedAt;
}

export type SyncRunStatus = 'running' | 'completed' | 'partial' | 'failed';

/** One sync pass (foreground run, retry, later reconcile) with its counts and calls (migration 0030). */
export interface SyncRunsTable {
  id: Int8Id;
  kind: string;
  mode: string;
  trigger: string;
  status: ColumnType<SyncRunStatus, SyncRunStatus | undefined, SyncRunStatus>;
  counts: DefaultJsonColumn;
  calls: DefaultJsonColumn;
  minimum_calls: DefaultJsonColumn;
  progress: DefaultJsonColumn;
  timings: DefaultJsonColumn;
  error: string | null;
  started_at: CreatedAt;
  heartbeat_at: CreatedAt;
  finished_at: Date | null;
}

/** A record that failed alone, with the request and the error kept (migration 0030). */
export interface FailuresTable {
  id: Int8Id;
  cin7_customer_id: string;
  cin7_contact_id: ColumnType<string, string | undefined, string>;
  ghl_contact_id: string | null;
  stage: string;
  code: string;
  error: string;
  request: NullableJsonColumn;
  record: NullableJsonColumn;
  details: NullableJsonColumn;
  status: ColumnType<'open' | 'resolved', 'open' | 'resolved' | undefined, 'open' | 'resolved'>;
  attempts: ColumnType<number, number | undefined, number>;
  run_id: string | null;
  first_at: CreatedAt;
  last_at: CreatedAt;
  resolved_at: Date | null;
}

/** Every write the product makes, either way (migration 0030). */
export interface AuditTable {
  id: Int8Id;
  at: CreatedAt;
  direction: 'cin7_to_ghl' | 'ghl_to_cin7';
  action: string;
  cause: 'webhook' | 'poll' | 'reconcile' | 'manual';
  cin7_customer_id: string | null;
  cin7_contact_id: string | null;
  ghl_contact_id: string | null;
  fields: ColumnType<string[], string | undefined, string>;
  before: NullableJsonColumn;
  after: NullableJsonColumn;
  run_id: string | null;
  details: NullableJsonColumn;
}

/** A service setting (migration 0040), e.g. `admin.password` → its scrypt hash. */
export interface ServiceSettingsTable {
  key: string;
  value: JsonColumn;
  updated_at: CreatedAt;
}

/** A dashboard session (migration 0040): only the SHA-256 of the cookie value is stored. */
export interface SessionsTable {
  id_hash: string;
  created_at: CreatedAt;
  expires_at: Date;
  last_seen_at: CreatedAt;
  client: string | null;
  user_agent: string | null;
}

/** A bearer API token (migration 0040): only its SHA-256 is stored; the token is shown once. */
export interface ApiTokensTable {
  id: string;
  name: string;
  kind: ColumnType<'api' | 'local-admin', 'api' | 'local-admin' | undefined, 'api' | 'local-admin'>;
  token_hash: string;
  created_at: CreatedAt;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/** Where an outbound-event subscription came from (migration 0041). */
export type SubscriptionSource = 'api' | 'cli' | 'config';

/** A URL that wants some product events (migration 0041); its signing secret is in the vault. */
export interface EventSubscriptionsTable {
  id: string;
  url: string;
  /** A PostgreSQL `text[]`. */
  events: ColumnType<string[], string[], string[]>;
  source: ColumnType<SubscriptionSource, SubscriptionSource | undefined, SubscriptionSource>;
  description: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  deleted_at: Date | null;
}

/** The outbox of product events (migration 0041): written with the change, dispatched later. */
export interface ProductEventsTable {
  id: Int8Id;
  name: string;
  payload: JsonColumn;
  dedupe_key: string | null;
  created_at: CreatedAt;
  dispatched_at: Date | null;
}

export type DeliveryStatus = 'pending' | 'retrying' | 'delivered' | 'dead' | 'cancelled';

/** One product event for one subscription (migration 0041). */
export interface EventDeliveriesTable {
  id: Int8Id;
  event_id: string;
  subscription_id: string;
  status: ColumnType<DeliveryStatus, DeliveryStatus | undefined, DeliveryStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  last_status: number | null;
  last_error: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  delivered_at: Date | null;
}

export type AlertStatus = 'pending' | 'sent' | 'failed' | 'unsent';

/** One incident, one alert (migration 0042). */
export interface AlertIncidentsTable {
  id: Int8Id;
  incident_key: string;
  kind: string;
  severity: EventSeverity;
  subject: string | null;
  title: string;
  message: string;
  details: NullableJsonColumn;
  event_count: ColumnType<number, number | undefined, number>;
  opened_at: CreatedAt;
  last_seen_at: CreatedAt;
  status: ColumnType<AlertStatus, AlertStatus | undefined, AlertStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  sent_at: Date | null;
  last_error: string | null;
}

/** Which store event joined which incident (migration 0042). */
export interface AlertIncidentEventsTable {
  event_id: string;
  incident_id: string;
}

/** One run's Cin7 customers as read by the reconciliation (migration 0050); deleted when it ends. */
export interface ReconcileCustomersTable {
  run_id: string;
  cin7_customer_id: string;
  status: string | null;
  modified_at: Date | null;
  snapshot: JsonColumn;
}

/** The identities of one run's mapped Cin7 contacts, for unlinked candidates (migration 0050). */
export interface ReconcileContactsTable {
  run_id: string;
  cin7_customer_id: string;
  cin7_contact_id: string;
  email: string | null;
  phone: string | null;
}

/** One run's GHL contacts as read from search pages (migration 0050); deleted when it ends. */
export interface ReconcileGhlTable {
  run_id: string;
  ghl_contact_id: string;
  email: string | null;
  phone: string | null;
  date_updated: Date | null;
  contact: JsonColumn;
}

/** The members one run found in each GHL business its links name (migration 0050). */
export interface ReconcileBusinessTable {
  run_id: string;
  business_id: string;
  ghl_contact_id: string;
}

export type ReconcileItemKind = 'fields' | 'business' | 'orphan' | 'candidate';
export type ReconcileItemClass = 'drift' | 'conflict' | 'orphan' | 'unlinked';
export type ReconcileItemState = 'planned' | 'writing' | 'done' | 'failed' | 'deferred' | 'skipped';

/** What a reconciliation found for one record, and whether it was applied (migration 0050). */
export interface ReconcileItemsTable {
  id: Int8Id;
  run_id: string;
  kind: ReconcileItemKind;
  /** Unique per run and kind: `link:<id>`, or `<customer>:<contact>:<ghl id>` for candidates. */
  key: string;
  class: ReconcileItemClass;
  link_id: string | null;
  cin7_customer_id: string | null;
  cin7_contact_id: string | null;
  ghl_contact_id: string | null;
  changes: DefaultJsonColumn;
  base_hashes: NullableJsonColumn;
  forecast: DefaultJsonColumn;
  details: NullableJsonColumn;
  priority: ColumnType<number, number | undefined, number>;
  state: ColumnType<ReconcileItemState, ReconcileItemState | undefined, ReconcileItemState>;
  error: string | null;
  result: NullableJsonColumn;
  updated_at: CreatedAt;
}

export type ConflictStatus = 'open' | 'resolved' | 'superseded';

/** A field both sides changed since the last sync (migration 0050). */
export interface ConflictsTable {
  id: Int8Id;
  run_id: string | null;
  link_id: string;
  ghl_location_id: string;
  cin7_customer_id: string;
  cin7_contact_id: string;
  ghl_contact_id: string | null;
  field: string;
  base_value: NullableJsonColumn;
  cin7_value: NullableJsonColumn;
  ghl_value: NullableJsonColumn;
  cin7_changed_at: Date | null;
  ghl_changed_at: Date | null;
  policy: 'owner' | 'newest' | 'manual';
  winner: 'cin7' | 'ghl' | null;
  status: ColumnType<ConflictStatus, ConflictStatus | undefined, ConflictStatus>;
  resolution: 'cin7' | 'ghl' | 'value' | 'policy' | null;
  resolved_value: NullableJsonColumn;
  resolved_by: string | null;
  note: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  resolved_at: Date | null;
}

export interface Database {
  schema_migrations: SchemaMigrationsTable;
  secrets: SecretsTable;
  vault_keys: VaultKeysTable;
  inbox: InboxTable;
  checkpoints: CheckpointsTable;
  events: EventsTable;
  connections: ConnectionsTable;
  oauth_pending: OauthPendingTable;
  links: LinksTable;
  customers: CustomersTable;
  sales: SalesTable;
  sync_runs: SyncRunsTable;
  failures: FailuresTable;
  audit: AuditTable;
  service_settings: ServiceSettingsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  event_subscriptions: EventSubscriptionsTable;
  product_events: ProductEventsTable;
  event_deliveries: EventDeliveriesTable;
  alert_incidents: AlertIncidentsTable;
  alert_incident_events: AlertIncidentEventsTable;
  reconcile_customers: ReconcileCustomersTable;
  reconcile_contacts: ReconcileContactsTable;
  reconcile_ghl: ReconcileGhlTable;
  reconcile_business: ReconcileBusinessTable;
  reconcile_items: ReconcileItemsTable;
  conflicts: ConflictsTable;
  ghl_inbound: GhlInboundTable;
  ghl_profile_state: GhlProfileStateTable;
  ghl_tasks_seen: GhlTasksSeenTable;
  ghl_customer_creates: GhlCustomerCreatesTable;
}

/** A GHL contact with work waiting for the GHL → Cin7 job (migration 0060). */
export interface GhlInboundTable {
  location_id: string;
  ghl_contact_id: string;
  /** The linked Cin7 customer when the work was recorded (the job's key), else null. */
  cin7_customer_id: string | null;
  needs_contact: ColumnType<boolean, boolean | undefined, boolean>;
  needs_notes: ColumnType<boolean, boolean | undefined, boolean>;
  needs_tasks: ColumnType<boolean, boolean | undefined, boolean>;
  deleted: ColumnType<boolean, boolean | undefined, boolean>;
  cause: 'webhook' | 'poll' | 'reconcile' | 'manual';
  /** The latest events behind it: `[{name, at, inboxId?}]` (bounded). */
  events: DefaultJsonColumn;
  version: ColumnType<number, number | undefined, number>;
  first_at: CreatedAt;
  updated_at: CreatedAt;
}

/** The profile values last written to a Cin7 customer (migration 0060). */
export interface GhlProfileStateTable {
  cin7_customer_id: string;
  hash: string;
  values: DefaultJsonColumn;
  written_at: CreatedAt;
}

/** The location-wide task poll's last view of each task (migration 0060). */
export interface GhlTasksSeenTable {
  location_id: string;
  task_id: string;
  ghl_contact_id: string | null;
  hash: string;
  pass_id: string;
}

/** A Cin7 customer created (or being created) from a GHL contact (migration 0060). */
export interface GhlCustomerCreatesTable {
  location_id: string;
  ghl_contact_id: string;
  state: 'pending' | 'created' | 'skipped' | 'failed';
  names: DefaultJsonColumn;
  cin7_customer_id: string | null;
  reason: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}
