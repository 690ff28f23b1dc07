import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError, ConfigErrors } from '../errors/index.js';
import { ENVIRONMENTS, type Environment, type FileConfig, SECRET_FILE_KEYS, fileSchema } from './schema.js';

/** The effective configuration: the file, then environment variables, then flags, validated. */
export type Config = FileConfig & {
  env: Environment;
  /** The file that was read, or null when none exists (defaults and environment only). */
  configFile: string | null;
  /** Relative paths in the file (mapping, rules) resolve against this directory. */
  configDir: string;
  /** `<root>/<env>`: this environment's own data directory. */
  dataDir: string;
  /** PostgreSQL connection string; null means the embedded PGlite store in `dataDir`. */
  databaseUrl: string | null;
  secrets: Secrets;
};

/** Secrets come only from the environment; every one of them is redacted from logs. */
export interface Secrets {
  masterKey?: string;
  ghlClientSecret?: string;
  ghlToken?: string;
  cin7ApplicationKey?: string;
  adminPassword?: string;
  metricsToken?: string;
}

/** Every environment variable the product reads, with what it sets. The README lists the same. */
export const ENV_VARS: Record<string, string> = {
  CIN7_GHL_ENV: 'environment: sandbox, staging or production (flag --env wins)',
  CIN7_GHL_CONFIG: 'path of the config file (flag --config wins)',
  CIN7_GHL_DATA_DIR: 'root of the data directories (default ./data); each environment uses <root>/<env>',
  CIN7_GHL_MASTER_KEY: 'secret: 32-byte base64 key encrypting secrets at rest (required with DATABASE_URL)',
  DATABASE_URL: 'postgres://… to use PostgreSQL instead of the embedded store',
  CIN7_GHL_LOG_LEVEL: 'log.level',
  CIN7_GHL_TIME_ZONE: 'timeZone',
  CIN7_GHL_HOST: 'server.host',
  CIN7_GHL_PORT: 'server.port',
  CIN7_GHL_PUBLIC_URL: 'server.publicUrl',
  CIN7_GHL_ADMIN_PASSWORD: 'secret: dashboard admin password',
  CIN7_GHL_METRICS_TOKEN: 'secret: bearer token required on /metrics when set',
  CIN7_GHL_ALERT_URL: 'alerts.url',
  GHL_BASE_URL: 'ghl.baseUrl',
  GHL_AUTHORIZE_URL: 'ghl.authorizeUrl',
  GHL_LOCATION_ID: 'ghl.locationId',
  GHL_CLIENT_ID: 'ghl.clientId',
  GHL_CLIENT_SECRET: 'secret: GHL Marketplace app client secret',
  GHL_TOKEN: 'secret: a GHL Private Integration Token or access token (sets ghl.authMode to pit)',
  CIN7_BASE_URL: 'cin7.baseUrl',
  CIN7_ACCOUNT_ID: 'cin7.accountId',
  CIN7_APPLICATION_KEY: 'secret: Cin7 Core API application key',
};

const ENV_TO_KEY: Record<string, { key: string; number?: boolean }> = {
  CIN7_GHL_LOG_LEVEL: { key: 'log.level' },
  CIN7_GHL_TIME_ZONE: { key: 'timeZone' },
  CIN7_GHL_HOST: { key: 'server.host' },
  CIN7_GHL_PORT: { key: 'server.port', number: true },
  CIN7_GHL_PUBLIC_URL: { key: 'server.publicUrl' },
  CIN7_GHL_ALERT_URL: { key: 'alerts.url' },
  GHL_BASE_URL: { key: 'ghl.baseUrl' },
  GHL_AUTHORIZE_URL: { key: 'ghl.authorizeUrl' },
  GHL_LOCATION_ID: { key: 'ghl.locationId' },
  GHL_CLIENT_ID: { key: 'ghl.clientId' },
  CIN7_BASE_URL: { key: 'cin7.baseUrl' },
  CIN7_ACCOUNT_ID: { key: 'cin7.accountId' },
};

export interface LoadOptions {
  /** `--env`; wins over CIN7_GHL_ENV. */
  env?: string;
  /** `--config PATH`; wins over CIN7_GHL_CONFIG and the default `cin7-ghl.<env>.yaml`. */
  configPath?: string;
  /** Flag overrides by dotted key, e.g. `{ 'server.port': 4000 }`; they win over everything. */
  overrides?: Record<string, unknown>;
  /** Directory the default file name and `./data` resolve against. Default: the working directory. */
  cwd?: string;
  /** The environment to read. Default: `process.env` (the only place the product reads it). */
  environment?: Record<string, string | undefined>;
}

/**
 * Loads and validates the configuration for one environment.
 *
 * @example
 * const config = loadConfig({ env: 'staging' }); // reads ./cin7-ghl.staging.yaml if present
 */
export function loadConfig(options: LoadOptions = {}): Config {
  const environment = options.environment ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const envName = options.env ?? environment.CIN7_GHL_ENV ?? 'sandbox';
  if (!(ENVIRONMENTS as readonly string[]).includes(envName)) {
    const source = options.env !== undefined ? '--env' : 'CIN7_GHL_ENV';
    throw new ConfigErrors(source, [
      new ConfigError(source, `unknown environment "${envName}"`, `use one of ${ENVIRONMENTS.join(', ')}`),
    ]);
  }
  const env = envName as Environment;

  const explicitPath = options.configPath ?? environment.CIN7_GHL_CONFIG;
  const filePath = path.resolve(cwd, explicitPath ?? `cin7-ghl.${env}.yaml`);
  let raw: Record<string, unknown> = {};
  let configFile: string | null = null;
  if (existsSync(filePath)) {
    raw = readYamlObject(filePath);
    configFile = filePath;
  } else if (explicitPath !== undefined) {
    throw new ConfigErrors(filePath, [
      new ConfigError(
        '--config',
        `file ${filePath} does not exist`,
        'give the path of an existing YAML file',
      ),
    ]);
  }
  const source = configFile ?? '(defaults and environment)';

  const issues: ConfigError[] = [];
  for (const [key, variable] of Object.entries(SECRET_FILE_KEYS)) {
    if (getPath(raw, key) !== undefined) {
      issues.push(
        new ConfigError(
          key,
          'secrets may not be written in the config file',
          `remove it and set ${variable} instead`,
        ),
      );
      deletePath(raw, key);
    }
  }
  if (raw.env !== undefined && raw.env !== env) {
    issues.push(
      new ConfigError(
        'env',
        `the file says "${String(raw.env)}" but the environment chosen is "${env}"`,
        `use --env ${String(raw.env)} or fix the file`,
      ),
    );
  }

  for (const [variable, { key, number }] of Object.entries(ENV_TO_KEY)) {
    const value = environment[variable];
    if (value === undefined || value === '') continue;
    if (number) {
      const n = Number(value);
      if (!Number.isFinite(n)) {
        issues.push(new ConfigError(variable, `"${value}" is not a number`, `set ${variable} to a number`));
        continue;
      }
      setPath(raw, key, n);
    } else {
      setPath(raw, key, value);
    }
  }
  if (environment.GHL_TOKEN) setPath(raw, 'ghl.authMode', 'pit');
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value !== undefined) setPath(raw, key, value);
  }

  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) issues.push(...parsed.error.issues.map((issue) => toConfigError(issue, raw)));
  if (issues.length > 0 || !parsed.success) throw new ConfigErrors(source, issues);

  const secrets: Secrets = {};
  assignSecret(secrets, 'masterKey', environment.CIN7_GHL_MASTER_KEY);
  assignSecret(secrets, 'ghlClientSecret', environment.GHL_CLIENT_SECRET);
  assignSecret(secrets, 'ghlToken', environment.GHL_TOKEN);
  assignSecret(secrets, 'cin7ApplicationKey', environment.CIN7_APPLICATION_KEY);
  assignSecret(secrets, 'adminPassword', environment.CIN7_GHL_ADMIN_PASSWORD);
  assignSecret(secrets, 'metricsToken', environment.CIN7_GHL_METRICS_TOKEN);

  const databaseUrl = environment.DATABASE_URL || null;
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigErrors(source, [
      new ConfigError(
        'DATABASE_URL',
        'is not a postgres:// URL',
        'set it to postgres://user@host:5432/db, or unset it to use the embedded store',
      ),
    ]);
  }
  if (secrets.masterKey !== undefined) {
    // "new,old" is accepted while a rotated key is rolled out (see src/store/vault.ts).
    const keys = secrets.masterKey.split(',').map((k) => k.trim());
    const bad = keys.findIndex((k) => Buffer.from(k, 'base64').length !== 32);
    if (bad >= 0) {
      const where = keys.length > 1 ? `key ${bad + 1} of ${keys.length} ` : '';
      throw new ConfigErrors(source, [
        new ConfigError(
          'CIN7_GHL_MASTER_KEY',
          `${where}decodes to ${Buffer.from(keys[bad]!, 'base64').length} bytes, not 32`,
          'generate one with: openssl rand -base64 32 (during a key switch: "<new>,<old>")',
        ),
      ]);
    }
  } else if (databaseUrl !== null) {
    throw new ConfigErrors(source, [
      new ConfigError(
        'CIN7_GHL_MASTER_KEY',
        'is required when DATABASE_URL is set, so every machine reads the same secrets',
        'generate one with: openssl rand -base64 32 and set it on every machine',
      ),
    ]);
  }

  const dataRoot = path.resolve(cwd, environment.CIN7_GHL_DATA_DIR || 'data');
  return {
    ...parsed.data,
    env,
    configFile,
    configDir: configFile ? path.dirname(configFile) : cwd,
    dataDir: path.join(dataRoot, env),
    databaseUrl,
    secrets,
  };
}

/** Turns one zod issue into an error naming the key, the bad value and the fix. */
function toConfigError(issue: z.core.$ZodIssue, raw: Record<string, unknown>): ConfigError {
  const key = issue.path.map(String).join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const parent = issue.path.map(String).join('.');
    const names = issue.keys.map((k) => (parent ? `${parent}.${k}` : k));
    const known = knownKeys(issue.path.map(String));
    return new ConfigError(
      names.join(', '),
      'unknown key',
      known.length ? `remove it or use one of: ${known.join(', ')}` : 'remove it',
    );
  }
  const value = getPath(raw, key);
  const shown = value === undefined ? 'missing' : JSON.stringify(value);
  const hint = describeKey(issue.path.map(String));
  const problem =
    issue.code === 'invalid_type' && value !== undefined ? `wrong type (${typeof value})` : issue.message;
  return new ConfigError(
    key,
    `${shown}: ${problem}`,
    hint ? `set it to ${hint}` : 'see docs/configuration.md',
  );
}

type SchemaNode = {
  def?: { type?: string; innerType?: SchemaNode; shape?: Record<string, SchemaNode> };
  description?: string;
};

function nodeAt(pathParts: string[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = fileSchema as unknown as SchemaNode;
  for (const part of pathParts) {
    node = unwrap(node);
    node = node?.def?.shape?.[part];
    if (!node) return undefined;
  }
  return node;
}

function unwrap(node: SchemaNode | undefined): SchemaNode | undefined {
  let n = node;
  while (n?.def?.innerType) n = n.def.innerType;
  return n;
}

function knownKeys(pathParts: string[]): string[] {
  return Object.keys(unwrap(nodeAt(pathParts))?.def?.shape ?? {});
}

function describeKey(pathParts: string[]): string | undefined {
  let n = nodeAt(pathParts);
  while (n) {
    if (n.description) return n.description;
    n = n.def?.innerType;
  }
  return undefined;
}

function readYamlObject(filePath: string): Record<string, unknown> {
  const text = readFileSync(filePath, 'utf8');
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const where = first.linePos?.[0]
      ? `line ${first.linePos[0].line}, column ${first.linePos[0].col}`
      : 'unknown position';
    throw new ConfigErrors(filePath, [
      new ConfigError(
        `(YAML ${where})`,
        first.message.split('\n')[0] ?? 'syntax error',
        'fix the YAML syntax at that line',
      ),
    ]);
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigErrors(filePath, [
      new ConfigError(
        '(top level)',
        'the file is not a mapping of keys to values',
        'start the file with keys such as `ghl:` and `cin7:`',
      ),
    ]);
  }
  return value as Record<string, unknown>;
}

function assignSecret(secrets: Secrets, key: keyof Secrets, value: string | undefined): void {
  if (value !== undefined && value !== '') secrets[key] = value;
}

function getPath(obj: Record<string, unknown>, key: string): unknown {
  let cur: unknown = obj;
  for (const part of key.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let cur = obj;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}

function deletePath(obj: Record<string, unknown>, key: string): void {
  const parts = key.split('.');
  let cur: unknown = obj;
  for (const part of parts.slice(0, -1)) {
    if (cur === null || typeof cur !== 'object') return;
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur !== null && typeof cur === 'object')
    delete (cur as Record<string, unknown>)[parts[parts.length - 1]!];
}
