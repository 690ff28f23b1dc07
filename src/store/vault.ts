import { type Kysely, type Transaction, sql } from 'kysely';
import { InputError, VaultError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { registerSecret } from '../log/redact.js';
import { recordEvent } from './events.js';
import type { Database } from './schema.js';
import {
  type MasterKey,
  generateMasterKey,
  keyId,
  parseMasterKeys,
  readKeyFile,
  seal,
  unseal,
  writeKeyFile,
} from './vault-keys.js';

/** Steps of `rotateKey`, reported to `onStep` (crash tests kill the process at each one). */
export type RotationStep = 'in-transaction' | 'committed' | 'key-file-written' | 'done';

export interface RotateKeyOptions {
  /** Called after each step; for tests that simulate a crash part-way. */
  onStep?: (step: RotationStep) => void | Promise<void>;
}

/** What the vault needs from the store. */
export interface VaultDeps {
  db: Kysely<Database>;
  transaction: <T>(fn: (trx: Transaction<Database>) => Promise<T>) => Promise<T>;
  /** The environment's data directory on PGlite (where `master.key` may live); null on PostgreSQL. */
  dataDir: string | null;
  /** `config.secrets.masterKey`: one base64 key, or "new,old" during a switch. */
  masterKey: string | undefined;
  logger: Logger;
}

// pg_advisory_xact_lock(class, object): writers share the vault lock, a rotation takes it alone.
const LOCK_CLASS = 1128877623; // 'CIN7'
const VAULT_LOCK = 2;
const MAX_NAME_LENGTH = 200;

const secretAad = (name: string) => `cin7-ghl-sync/secret/${name}`;
const keyAad = (id: string) => `cin7-ghl-sync/key/${id}`;

/**
 * Secrets at rest: AES-256-GCM with a random IV and the secret's name as associated data, under a
 * master key whose id is stored with each row. Decrypted values are registered for log redaction.
 *
 * Master key: `CIN7_GHL_MASTER_KEY` ("env" mode), or on PGlite without it a generated
 * `<dataDir>/master.key` with mode 0600 ("file" mode).
 *
 * Rotation stays readable through any crash: one transaction stores the new key encrypted under the
 * current one (`vault_keys`) and re-encrypts every secret under the new key. Any process that holds
 * an older key can therefore still reach the new one. In file mode the key file is then replaced
 * and the wrapped copy deleted; an open that finds the copy still there finishes the job. In env
 * mode the new key is returned for the operator, who sets "new,old" and later "new" alone; the
 * first process started without the old key deletes the wrapped copy.
 *
 * @example
 * await store.vault.put('ghl.refreshToken', token);
 * const token = await store.vault.get('ghl.refreshToken');
 */
export class Vault {
  readonly #deps: VaultDeps;
  readonly #mode: 'env' | 'file';
  /** Keys given by configuration, the first one preferred. */
  readonly #configured: MasterKey[];
  /** Every key we can use to decrypt, by id. */
  readonly #keys = new Map<string, MasterKey>();
  #current: MasterKey;

  private constructor(deps: VaultDeps, mode: 'env' | 'file', configured: MasterKey[], extra: MasterKey[]) {
    this.#deps = deps;
    this.#mode = mode;
    this.#configured = configured;
    for (const k of [...configured, ...extra]) this.#keys.set(k.id, k);
    this.#current = configured[0]!;
  }

  /**
   * Loads the master key(s), finishes any interrupted rotation and moves stragglers to the current key.
   *
   * @example
   * const vault = await Vault.open({ db, transaction, dataDir, masterKey: config.secrets.masterKey, logger });
   */
  static async open(deps: VaultDeps): Promise<Vault> {
    const fileKey = deps.dataDir === null ? null : readKeyFile(deps.dataDir);
    let vault: Vault;
    if (deps.masterKey !== undefined && deps.masterKey !== '') {
      vault = new Vault(deps, 'env', parseMasterKeys(deps.masterKey), fileKey ? [fileKey] : []);
    } else if (deps.dataDir === null) {
      throw new VaultError(
        'vault_no_key',
        'No master key: CIN7_GHL_MASTER_KEY is required with PostgreSQL.',
        {
          hint: 'Generate one with: openssl rand -base64 32, and set it on every machine.',
        },
      );
    } else if (fileKey) {
      vault = new Vault(deps, 'file', [fileKey], []);
    } else {
      const existing = await deps.db
        .selectFrom('secrets')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      if (Number(existing.n) > 0) {
        throw new VaultError(
          'vault_key_missing',
          `The store holds ${existing.n} encrypted secrets but there is no master key: neither CIN7_GHL_MASTER_KEY nor ${deps.dataDir}/master.key.`,
          { hint: 'Set CIN7_GHL_MASTER_KEY to the key used before, or restore master.key from a backup.' },
        );
      }
      const created = generateMasterKey();
      writeKeyFile(deps.dataDir, created, true);
      deps.logger.info({ file: `${deps.dataDir}/master.key` }, 'generated a new master key file (mode 0600)');
      vault = new Vault(deps, 'file', [created], []);
    }
    await vault.#settle();
    return vault;
  }

  /** The id of the key new secrets are encrypted with (not secret). */
  get currentKeyId(): string {
    return this.#current.id;
  }

  /**
   * Stores (or replaces) a secret. With `trx`, inside the caller's transaction.
   *
   * @example
   * await store.transaction(async (trx) => { await store.vault.put('cin7.key', key, trx); ... });
   */
  async put(name: string, value: string, trx?: Transaction<Database>): Promise<void> {
    checkName(name);
    registerSecret(value);
    const write = async (t: Kysely<Database>) => {
      await sql`select pg_advisory_xact_lock_shared(${sql.lit(LOCK_CLASS)}, ${sql.lit(VAULT_LOCK)})`.execute(
        t,
      );
      await this.#refresh(t);
      await this.#write(t, name, Buffer.from(value, 'utf8'), this.#current);
    };
    if (trx) await write(trx);
    else await this.#deps.transaction(write);
  }

  /**
   * The decrypted secret, or null when there is none.
   *
   * @example
   * const token = await store.vault.get('ghl.accessToken');
   */
  async get(name: string, trx?: Transaction<Database>): Promise<string | null> {
    const db = trx ?? this.#deps.db;
    const row = await db
      .selectFrom('secrets')
      .select(['key_id', 'iv', 'tag', 'ciphertext'])
      .where('name', '=', name)
      .executeTakeFirst();
    if (!row) return null;
    if (!this.#keys.has(row.key_id)) await this.#refresh(db);
    const value = this.#decrypt(name, row).toString('utf8');
    registerSecret(value);
    return value;
  }

  /** Deletes a secret; true when it existed. */
  async delete(name: string, trx?: Transaction<Database>): Promise<boolean> {
    const result = await (trx ?? this.#deps.db)
      .deleteFrom('secrets')
      .where('name', '=', name)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** The names of every stored secret, sorted. */
  async names(): Promise<string[]> {
    const rows = await this.#deps.db.selectFrom('secrets').select('name').orderBy('name').execute();
    return rows.map((r) => r.name);
  }

  /**
   * Re-encrypts every secret under a new master key, atomically. In file mode the key file is
   * replaced and nothing is returned; in env mode the new key is returned (base64) for the operator,
   * who sets `CIN7_GHL_MASTER_KEY=<new>,<old>` on every machine, then `<new>` alone.
   *
   * @example
   * const { newKeyBase64 } = await store.vault.rotateKey();
   */
  async rotateKey(options: RotateKeyOptions = {}): Promise<{ newKeyBase64?: string }> {
    const next = generateMasterKey();
    const from = this.#current.id;
    let count = 0;
    await this.#deps.transaction(async (trx) => {
      await sql`select pg_advisory_xact_lock(${sql.lit(LOCK_CLASS)}, ${sql.lit(VAULT_LOCK)})`.execute(trx);
      await this.#refresh(trx);
      const wrapping = this.#current;
      const wrapped = seal(wrapping, next.key, keyAad(next.id));
      await trx
        .insertInto('vault_keys')
        .values({
          key_id: next.id,
          wrapped_by: wrapping.id,
          iv: wrapped.iv,
          tag: wrapped.tag,
          wrapped_key: wrapped.ciphertext,
        })
        .execute();
      count = await this.#reencryptAll(trx, next, true);
      await options.onStep?.('in-transaction');
      await recordEvent(trx, {
        kind: 'vault.key_rotated',
        severity: 'info',
        message: `Master key rotated: ${count} secrets re-encrypted.`,
        details: { fromKeyId: wrapping.id, toKeyId: next.id, secrets: count, mode: this.#mode },
      });
    });
    this.#keys.set(next.id, next);
    this.#current = next;
    await options.onStep?.('committed');
    if (this.#mode === 'file') {
      await this.#completeFileRotation(next);
      await options.onStep?.('key-file-written');
      this.#deps.logger.info({ fromKeyId: from, toKeyId: next.id, secrets: count }, 'master key rotated');
      await options.onStep?.('done');
      return {};
    }
    const newKeyBase64 = next.key.toString('base64');
    registerSecret(newKeyBase64);
    this.#deps.logger.warn(
      { fromKeyId: from, toKeyId: next.id, secrets: count },
      'master key rotated: set CIN7_GHL_MASTER_KEY to "<new>,<old>" on every machine and restart, then to "<new>" alone',
    );
    await options.onStep?.('done');
    return { newKeyBase64 };
  }

  /** At open: finish an interrupted file rotation, drop retired wrapped keys, move stragglers. */
  async #settle(): Promise<void> {
    await this.#refresh(this.#deps.db);
    if (this.#mode === 'file') {
      if (this.#current.id !== this.#configured[0]!.id) {
        this.#deps.logger.warn(
          { toKeyId: this.#current.id },
          'completing a master key rotation that was interrupted before the key file was replaced',
        );
      }
      await this.#completeFileRotation(this.#current);
    } else if (this.#configured.some((k) => k.id === this.#current.id)) {
      const configuredIds = this.#configured.map((k) => k.id);
      const retired = await this.#deps.db
        .deleteFrom('vault_keys')
        .where('wrapped_by', 'not in', configuredIds)
        .executeTakeFirst();
      if (retired.numDeletedRows > 0n) {
        this.#deps.logger.info(
          { removed: Number(retired.numDeletedRows) },
          'removed wrapped copies of the master key made for keys no longer configured',
        );
      }
    }
    const stragglers = await this.#deps.db
      .selectFrom('secrets')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('key_id', '!=', this.#current.id)
      .executeTakeFirstOrThrow();
    if (Number(stragglers.n) > 0) {
      await this.#deps.transaction(async (trx) => {
        await sql`select pg_advisory_xact_lock(${sql.lit(LOCK_CLASS)}, ${sql.lit(VAULT_LOCK)})`.execute(trx);
        await this.#refresh(trx);
        const moved = await this.#reencryptAll(trx, this.#current, false);
        if (moved > 0) {
          this.#deps.logger.info(
            { secrets: moved, keyId: this.#current.id },
            're-encrypted secrets under the current key',
          );
        }
      });
    }
  }

  async #completeFileRotation(current: MasterKey): Promise<void> {
    const dataDir = this.#deps.dataDir!;
    if (readKeyFile(dataDir)?.id !== current.id) writeKeyFile(dataDir, current, false);
    await this.#deps.db.deleteFrom('vault_keys').execute();
  }

  /** Re-reads wrapped keys: learns keys other processes rotated to and follows them to the newest. */
  async #refresh(db: Kysely<Database>): Promise<void> {
    const rows = await db.selectFrom('vault_keys').selectAll().orderBy('created_at').execute();
    let learned = true;
    while (learned) {
      learned = false;
      for (const row of rows) {
        if (this.#keys.has(row.key_id)) continue;
        const wrapping = this.#keys.get(row.wrapped_by);
        if (!wrapping) continue;
        const key = unseal(
          wrapping,
          { iv: row.iv, tag: row.tag, ciphertext: row.wrapped_key },
          keyAad(row.key_id),
          `the wrapped master key ${row.key_id}`,
        );
        if (keyId(key) !== row.key_id) continue;
        registerSecret(key.toString('base64'));
        this.#keys.set(row.key_id, { id: row.key_id, key });
        learned = true;
      }
    }
    // Follow the chain of rotations from the preferred configured key to the newest key.
    let current = this.#configured[0]!;
    for (let hops = 0; hops <= rows.length; hops++) {
      const newer = rows.filter((r) => r.wrapped_by === current.id && this.#keys.has(r.key_id)).pop();
      if (!newer) break;
      current = this.#keys.get(newer.key_id)!;
    }
    this.#current = current;
  }

  /** Re-encrypts every row not under `target`; with `strict`, an unreadable row aborts. */
  async #reencryptAll(trx: Kysely<Database>, target: MasterKey, strict: boolean): Promise<number> {
    const rows = await trx
      .selectFrom('secrets')
      .select(['name', 'key_id', 'iv', 'tag', 'ciphertext'])
      .execute();
    let moved = 0;
    for (const row of rows) {
      if (row.key_id === target.id) continue;
      if (!this.#keys.has(row.key_id) && !strict) {
        this.#deps.logger.error(
          { secret: row.name, keyId: row.key_id },
          'a secret is encrypted with a key that is not configured; it cannot be read until that key is set in CIN7_GHL_MASTER_KEY',
        );
        continue;
      }
      const plain = this.#decrypt(row.name, row);
      await this.#write(trx, row.name, plain, target);
      moved++;
    }
    return moved;
  }

  #decrypt(name: string, row: { key_id: string; iv: Buffer; tag: Buffer; ciphertext: Buffer }): Buffer {
    const key = this.#keys.get(row.key_id);
    if (!key) {
      throw new VaultError(
        'vault_unknown_key',
        `The secret "${name}" is encrypted with master key ${row.key_id}, which is not configured.`,
        {
          hint: 'Set CIN7_GHL_MASTER_KEY to include that key ("new,old" during a key switch), or restore master.key.',
          details: { secret: name, keyId: row.key_id },
        },
      );
    }
    return unseal(key, row, secretAad(name), `the secret "${name}"`);
  }

  async #write(db: Kysely<Database>, name: string, plain: Buffer, key: MasterKey): Promise<void> {
    const sealed = seal(key, plain, secretAad(name));
    const values = { key_id: key.id, iv: sealed.iv, tag: sealed.tag, ciphertext: sealed.ciphertext };
    await db
      .insertInto('secrets')
      .values({ name, ...values })
      .onConflict((oc) => oc.column('name').doUpdateSet({ ...values, updated_at: sql<Date>`now()` }))
      .execute();
  }
}

function checkName(name: string): void {
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME_LENGTH) {
    throw new InputError(
      'vault.put',
      `invalid secret name ${JSON.stringify(name)}`,
      'use 1 to 200 characters',
    );
  }
}
