/**
 * The local admin token: an API token the service creates for the CLI on the same machine, kept in
 * `<dataDir>/service-token` (mode 0600). While the service holds the embedded store, the CLI reads
 * it to call the REST API instead of opening the store.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { registerSecret } from '../log/redact.js';
import { createApiToken, verifyApiToken } from '../server/auth/tokens.js';
import type { Store } from '../store/open.js';

export const ADMIN_TOKEN_FILE = 'service-token';

/** The token file's path for a data directory. */
export function adminTokenPath(dataDir: string): string {
  return path.join(dataDir, ADMIN_TOKEN_FILE);
}

/** The token in the file, or null when there is none. */
export function readAdminToken(dataDir: string): string | null {
  try {
    const token = readFileSync(adminTokenPath(dataDir), 'utf8').trim();
    if (!token) return null;
    registerSecret(token);
    return token;
  } catch {
    return null;
  }
}

/**
 * Makes sure the file holds a valid local-admin token: the existing one when it still works, else
 * a new one (written atomically, mode 0600).
 *
 * @example
 * await ensureAdminToken(store, config.dataDir);
 */
export async function ensureAdminToken(store: Store, dataDir: string): Promise<void> {
  const existing = readAdminToken(dataDir);
  if (existing && (await verifyApiToken(store.db, existing))) return;
  const { token } = await createApiToken(store.db, 'local admin (CLI on this machine)', 'local-admin');
  const file = adminTokenPath(dataDir);
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${token}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}
