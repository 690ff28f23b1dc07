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

export interface Database {
  schema_migrations: SchemaMigrationsTable;
  secrets: SecretsTable;
  vault_keys: VaultKeysTable;
  inbox: InboxTable;
  checkpoints: CheckpointsTable;
  events: EventsTable;
  connections: ConnectionsTable;
  oauth_pending: OauthPendingTable;
}
