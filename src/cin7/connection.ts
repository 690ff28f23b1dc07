/**
 * The Cin7 connection: one `connections` row per Cin7 account (`api='cin7'`, `auth_mode='key'`),
 * its application key and webhook secret in the vault, and how a client is built from config (the
 * `CIN7_*` variables win) or from the store.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Config } from '../config/load.js';
import { AppError } from '../errors/index.js';
import { HttpClient } from '../http/client.js';
import type { CallCounter } from '../http/counter.js';
import type { RateLimiter } from '../http/rate-limit/types.js';
import type { Logger } from '../log/logger.js';
import { registerSecret } from '../log/redact.js';
import type { Store } from '../store/open.js';
import type { ConnectionsTable, Database, Json } from '../store/schema.js';
import { Cin7Client } from './client.js';
import { cin7HttpRules } from './http-rules.js';
import { normalizeGuid } from './normalize.js';

/** The id of an account's connection row: `cin7:<accountId>` (account id in lower case). */
export function cin7ConnectionId(accountId: string): string {
  return `cin7:${normalizeGuid(accountId)}`;
}

/** Vault name of a connection's API application key. */
export function applicationKeySecretName(connectionId: string): string {
  return `${connectionId}:application-key`;
}

/** Vault name of the secret Cin7 sends back on our webhooks (bearer token). */
export function webhookSecretName(connectionId: string): string {
  return `${connectionId}:webhook-secret`;
}

/** What `connections.details` holds for a Cin7 connection (metadata only, never a secret). */
export interface Cin7ConnectionDetails {
  baseUrl?: string;
  company?: string | null;
  currency?: string | null;
  timeZone?: string | null;
  /** Our webhooks by type, as last registered: lets the check tell "switched off" from "deleted". */
  webhooks?: Record<string, string>;
  /** The public URL the webhooks were registered under. */
  webhookBaseUrl?: string;
}

export interface Cin7Connection {
  id: string;
  accountId: string;
  status: string;
  details: Cin7ConnectionDetails;
  updatedAt: Date;
}

/** Credentials of one Cin7 account, from the environment/config or from the store. */
export interface Cin7Credentials {
  baseUrl: string;
  accountId: string;
  applicationKey: string;
  connectionId: string;
  source: 'config' | 'store';
}

/** Cin7 cannot be called: no credentials anywhere, or the connection is not active. */
export class Cin7ConnectionError extends AppError {
  constructor(
    code: 'cin7_not_connected' | 'cin7_connection_inactive' | 'cin7_credentials_rejected',
    message: string,
    hint: string,
  ) {
    super(code, message, { hint });
  }
}

/**
 * Credentials from config alone: `cin7.accountId` (or `CIN7_ACCOUNT_ID`) and `CIN7_APPLICATION_KEY`;
 * null when either is missing.
 *
 * @example
 * const creds = credentialsFromConfig(config) ?? (await credentialsFromStore(store, config));
 */
export function credentialsFromConfig(config: Config): Cin7Credentials | null {
  const accountId = config.cin7.accountId;
  const applicationKey = config.secrets.cin7ApplicationKey;
  if (!accountId || !applicationKey) return null;
  registerSecret(applicationKey);
  return {
    baseUrl: config.cin7.baseUrl,
    accountId,
    applicationKey,
    connectionId: cin7ConnectionId(accountId),
    source: 'config',
  };
}

/**
 * Credentials of the connected account from the store (the key decrypted from the vault). With
 * `cin7.accountId` set, that account's connection; otherwise the only Cin7 connection.
 */
export async function credentialsFromStore(store: Store, config: Config): Promise<Cin7Credentials> {
  const connection = await readCin7Connection(store.db, config.cin7.accountId);
  if (!connection) {
    throw new Cin7ConnectionError(
      'cin7_not_connected',
      config.cin7.accountId
        ? `No Cin7 connection for account ${config.cin7.accountId} in this environment (${config.env}).`
        : `No Cin7 connection in this environment (${config.env}).`,
      'Run `cin7-ghl connect cin7` with CIN7_ACCOUNT_ID and CIN7_APPLICATION_KEY set, or set both variables for this command.',
    );
  }
  if (connection.status !== 'active') {
    throw new Cin7ConnectionError(
      'cin7_connection_inactive',
      `The Cin7 connection ${connection.id} is ${connection.status}.`,
      'Run `cin7-ghl connect cin7` again with a valid application key.',
    );
  }
  const applicationKey = await store.vault.get(applicationKeySecretName(connection.id));
  if (!applicationKey) {
    throw new Cin7ConnectionError(
      'cin7_not_connected',
      `The Cin7 connection ${connection.id} has no application key in the vault.`,
      'Run `cin7-ghl connect cin7` again.',
    );
  }
  registerSecret(applicationKey);
  return {
    baseUrl: config.cin7.baseUrl,
    accountId: connection.accountId,
    applicationKey,
    connectionId: connection.id,
    source: 'store',
  };
}

/** The Cin7 connection (of `accountId`, or the only one); null when there is none. */
export async function readCin7Connection(
  db: Kysely<Database>,
  accountId?: string,
): Promise<Cin7Connection | null> {
  let q = db.selectFrom('connections').selectAll().where('api', '=', 'cin7');
  if (accountId) q = q.where('id', '=', cin7ConnectionId(accountId));
  const rows = await q.orderBy('updated_at', 'desc').limit(2).execute();
  if (rows.length === 0) return null;
  if (rows.length > 1 && !accountId) {
    throw new Cin7ConnectionError(
      'cin7_not_connected',
      'Several Cin7 connections exist in this environment.',
      'Set cin7.accountId (or CIN7_ACCOUNT_ID) to choose one.',
    );
  }
  return toConnection(rows[0] as Selectable<ConnectionsTable>);
}

/** Inserts or updates the connection row (status active); details are merged into what is stored. */
export async function saveCin7Connection(
  trx: Transaction<Database> | Kysely<Database>,
  accountId: string,
  details: Cin7ConnectionDetails,
): Promise<Cin7Connection> {
  const id = cin7ConnectionId(accountId);
  const existing = await trx
    .selectFrom('connections')
    .select('details')
    .where('id', '=', id)
    .executeTakeFirst();
  const merged = { ...detailsOf(existing?.details ?? null), ...details };
  const json = JSON.stringify(merged);
  const row = await trx
    .insertInto('connections')
    .values({
      id,
      api: 'cin7',
      account_id: accountId.trim(),
      auth_mode: 'key',
      status: 'active',
      details: json,
    })
    .onConflict((oc) =>
      oc
        .column('id')
        .doUpdateSet({ status: 'active', details: json, last_error: null, updated_at: new Date() }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return toConnection(row);
}

/** Merges `details` into the stored details of a connection. */
export async function updateCin7Details(
  db: Kysely<Database>,
  connectionId: string,
  details: Cin7ConnectionDetails,
): Promise<void> {
  const existing = await db
    .selectFrom('connections')
    .select('details')
    .where('id', '=', connectionId)
    .executeTakeFirst();
  if (!existing) return;
  const merged = { ...detailsOf(existing.details), ...details };
  await db
    .updateTable('connections')
    .set({ details: JSON.stringify(merged), updated_at: new Date() })
    .where('id', '=', connectionId)
    .execute();
}

function detailsOf(value: Json | null): Cin7ConnectionDetails {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Cin7ConnectionDetails) : {};
}

function toConnection(row: Selectable<ConnectionsTable>): Cin7Connection {
  return {
    id: row.id,
    accountId: row.account_id,
    status: row.status,
    details: detailsOf(row.details),
    updatedAt: row.updated_at,
  };
}

export interface Cin7HttpOptions {
  logger?: Logger;
  counter?: CallCounter;
  /** Default: in memory (one process). Pass one over `PostgresSlotStore` to share across workers. */
  limiter?: RateLimiter;
}

/**
 * An HTTP layer with the Cin7 rules from config (rate limit, timeout).
 *
 * @example
 * const http = createCin7Http(config, { logger });
 */
export function createCin7Http(config: Config, options: Cin7HttpOptions = {}): HttpClient {
  return new HttpClient({
    rules: [cin7HttpRules({ rateLimit: config.cin7.rateLimit, timeoutMs: config.cin7.timeoutMs })],
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.counter ? { counter: options.counter } : {}),
    ...(options.limiter ? { limiter: options.limiter } : {}),
  });
}

/**
 * A client for `credentials` on `http` (which must have the Cin7 rules registered).
 *
 * @example
 * const cin7 = createCin7Client(config, credentialsFromConfig(config)!, createCin7Http(config));
 */
export function createCin7Client(config: Config, credentials: Cin7Credentials, http: HttpClient): Cin7Client {
  return new Cin7Client({
    http,
    baseUrl: credentials.baseUrl,
    accountId: credentials.accountId,
    applicationKey: credentials.applicationKey,
    pageSize: config.cin7.pageSize,
  });
}
