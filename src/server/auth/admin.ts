/**
 * The dashboard's admin password: from `CIN7_GHL_ADMIN_PASSWORD` when set, otherwise generated on
 * the first start and shown once. Only its scrypt hash is stored (`service_settings`).
 */
import type { Config } from '../../config/load.js';
import { registerSecret } from '../../log/redact.js';
import type { Store } from '../../store/open.js';
import { generatePassword, hashPassword, verifyPassword } from './password.js';

const KEY = 'admin.password';

interface StoredPassword {
  hash: string;
  source: 'config' | 'generated';
  setAt: string;
}

export interface AdminPasswordResult {
  /** The password generated now, to show once; null when it came from config or already existed. */
  generated: string | null;
  source: 'config' | 'generated';
}

async function read(store: Store): Promise<StoredPassword | null> {
  const row = await store.db
    .selectFrom('service_settings')
    .select('value')
    .where('key', '=', KEY)
    .executeTakeFirst();
  const v = row?.value as Partial<StoredPassword> | undefined;
  return v && typeof v.hash === 'string' ? (v as StoredPassword) : null;
}

/**
 * Makes sure an admin password is set: the configured one (re-hashed when it changed, which also
 * ends every session), else the stored one, else a new generated one (returned once).
 *
 * @example
 * const { generated } = await ensureAdminPassword(store, config);
 * if (generated) console.log(`Admin password (shown once): ${generated}`);
 */
export async function ensureAdminPassword(store: Store, config: Config): Promise<AdminPasswordResult> {
  const configured = config.secrets.adminPassword;
  const stored = await read(store);
  if (configured) {
    registerSecret(configured);
    if (stored && (await verifyPassword(configured, stored.hash)))
      return { generated: null, source: 'config' };
    const value: StoredPassword = {
      hash: await hashPassword(configured),
      source: 'config',
      setAt: new Date().toISOString(),
    };
    await store.transaction(async (trx) => {
      await trx
        .insertInto('service_settings')
        .values({ key: KEY, value: JSON.stringify(value) })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: new Date() }),
        )
        .execute();
      // A changed password ends every session signed in with the old one.
      if (stored) await trx.deleteFrom('sessions').execute();
    });
    return { generated: null, source: 'config' };
  }
  if (stored) return { generated: null, source: stored.source };
  const password = generatePassword();
  registerSecret(password);
  const value: StoredPassword = {
    hash: await hashPassword(password),
    source: 'generated',
    setAt: new Date().toISOString(),
  };
  const inserted = await store.db
    .insertInto('service_settings')
    .values({ key: KEY, value: JSON.stringify(value) })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  // Another process generated one at the same moment: that one stands, and that process shows it.
  return inserted ? { generated: password, source: 'generated' } : { generated: null, source: 'generated' };
}

/** True when `password` is the admin password. */
export async function checkAdminPassword(store: Store, password: string): Promise<boolean> {
  const stored = await read(store);
  if (!stored) return false;
  return verifyPassword(password, stored.hash);
}

/**
 * Replaces the admin password (ends every session). For a reset from the command line.
 *
 * @example
 * await setAdminPassword(store, 'a new long passphrase');
 */
export async function setAdminPassword(store: Store, password: string): Promise<void> {
  const value: StoredPassword = {
    hash: await hashPassword(password),
    source: 'generated',
    setAt: new Date().toISOString(),
  };
  await store.transaction(async (trx) => {
    await trx
      .insertInto('service_settings')
      .values({ key: KEY, value: JSON.stringify(value) })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: new Date() }),
      )
      .execute();
    await trx.deleteFrom('sessions').execute();
  });
}
