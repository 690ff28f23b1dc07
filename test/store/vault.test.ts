import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VaultError } from '../../src/errors/index.js';
import { createLogger, silentLogger } from '../../src/log/logger.js';
import { listEvents } from '../../src/store/events.js';
import { keyId } from '../../src/store/vault-keys.js';
import { requirePostgres } from '../helpers/requirements.js';
import { type Backend, type TestStore, openTestStore, randomMasterKey } from '../helpers/store.js';
import { startChild } from './fixtures/child.js';

const pgReq = requirePostgres('vault (PostgreSQL)');
const fixture = path.resolve(import.meta.dirname, 'fixtures/store-child.ts');
const token = () => `tok_${randomBytes(24).toString('hex')}`;
const idOf = (b64: string) => keyId(Buffer.from(b64, 'base64'));

function capturingLogger(): { logger: ReturnType<typeof createLogger>; text: () => string } {
  let out = '';
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out += chunk.toString('utf8');
      cb();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), text: () => out };
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

for (const backend of ['pglite', 'postgres'] as Backend[]) {
  const skip = backend === 'postgres' && !pgReq.available;
  describe.skipIf(skip)(`vault on ${backend}`, () => {
    let t: TestStore;
    beforeAll(async () => {
      t = await openTestStore({ backend });
    });
    afterAll(async () => {
      await t?.cleanup();
    });

    it('stores, reads, replaces, lists and deletes secrets', async () => {
      const v = t.store.vault;
      expect(await v.get('nope')).toBeNull();
      await v.put('ghl.token', 'first-value');
      await v.put('cin7.key', 'other-value');
      await v.put('ghl.token', 'second-value');
      expect(await v.get('ghl.token')).toBe('second-value');
      expect(await v.names()).toEqual(['cin7.key', 'ghl.token']);
      expect(await v.delete('cin7.key')).toBe(true);
      expect(await v.delete('cin7.key')).toBe(false);
      expect(await v.names()).toEqual(['ghl.token']);
      await expect(v.put('', 'x')).rejects.toMatchObject({ code: 'input_invalid' });
    });

    it('writes inside the caller transaction: a rollback keeps no secret', async () => {
      await expect(
        t.store.transaction(async (trx) => {
          await t.store.vault.put('in.trx', 'value-in-trx', trx);
          expect(await t.store.vault.get('in.trx', trx)).toBe('value-in-trx');
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await t.store.vault.get('in.trx')).toBeNull();
    });

    it('encrypts with AES-256-GCM: random IV, auth tag, key id; tampering or moving a row fails', async () => {
      await t.store.vault.put('a', 'same-plaintext');
      await t.store.vault.put('b', 'same-plaintext');
      const rows = await t.store.db
        .selectFrom('secrets')
        .selectAll()
        .where('name', 'in', ['a', 'b'])
        .orderBy('name')
        .execute();
      const [a, b] = rows;
      expect(a!.iv).toHaveLength(12);
      expect(a!.tag).toHaveLength(16);
      expect(a!.key_id).toBe(t.store.vault.currentKeyId);
      expect(a!.iv.equals(b!.iv)).toBe(false);
      expect(a!.ciphertext.equals(b!.ciphertext)).toBe(false);
      expect(a!.ciphertext.toString('utf8')).not.toContain('same-plaintext');
      // The same ciphertext under another name does not decrypt (the name is authenticated).
      await t.store.db
        .updateTable('secrets')
        .set({ iv: a!.iv, tag: a!.tag, ciphertext: a!.ciphertext })
        .where('name', '=', 'b')
        .execute();
      await expect(t.store.vault.get('b')).rejects.toMatchObject({ code: 'vault_decrypt_failed' });
      const flipped = Buffer.from(a!.ciphertext);
      flipped[0] = flipped[0]! ^ 1;
      await t.store.db.updateTable('secrets').set({ ciphertext: flipped }).where('name', '=', 'a').execute();
      await expect(t.store.vault.get('a')).rejects.toBeInstanceOf(VaultError);
      await t.store.vault.delete('a');
      await t.store.vault.delete('b');
    });

    it('keeps every secret readable across a rotation under an environment key ("new,old", then "new")', async () => {
      const k1 = randomMasterKey();
      const e = await openTestStore({ backend, masterKey: k1 });
      try {
        const secrets = { 'ghl.access': token(), 'ghl.refresh': token(), 'cin7.key': token() };
        for (const [n, v] of Object.entries(secrets)) await e.store.vault.put(n, v);
        const { newKeyBase64: k2 } = await e.store.vault.rotateKey();
        expect(k2).toBeDefined();
        expect(Buffer.from(k2!, 'base64')).toHaveLength(32);
        expect(e.store.vault.currentKeyId).toBe(idOf(k2!));
        const keyIds = await e.store.db.selectFrom('secrets').select('key_id').distinct().execute();
        expect(keyIds.map((r) => r.key_id)).toEqual([idOf(k2!)]);
        for (const [n, v] of Object.entries(secrets)) expect(await e.store.vault.get(n)).toBe(v);
        const rotated = await listEvents(e.store.db, { kinds: ['vault.key_rotated'] });
        expect(rotated[0]?.details).toMatchObject({ fromKeyId: idOf(k1), toKeyId: idOf(k2!), secrets: 3 });
        await e.store.close();

        // A machine still configured with the old key reads everything (and writes under the new key).
        let s = await e.reopen({ masterKey: k1 });
        for (const [n, v] of Object.entries(secrets)) expect(await s.vault.get(n)).toBe(v);
        await s.vault.put('late.write', 'written-by-old-config');
        expect(s.vault.currentKeyId).toBe(idOf(k2!));
        await s.close();

        s = await e.reopen({ masterKey: `${k2},${k1}` });
        for (const [n, v] of Object.entries(secrets)) expect(await s.vault.get(n)).toBe(v);
        await s.close();

        // The new key alone: still readable; the wrapped copy made for the old key is now removed.
        s = await e.reopen({ masterKey: k2! });
        for (const [n, v] of Object.entries(secrets)) expect(await s.vault.get(n)).toBe(v);
        expect(await s.vault.get('late.write')).toBe('written-by-old-config');
        expect(await s.db.selectFrom('vault_keys').selectAll().execute()).toEqual([]);
        await s.close();

        // The retired key alone no longer opens anything.
        s = await e.reopen({ masterKey: k1 });
        await expect(s.vault.get('ghl.access')).rejects.toMatchObject({ code: 'vault_unknown_key' });
        await s.close();
      } finally {
        await e.cleanup();
      }
    });
  });
}

describe('vault on pglite with a generated key file', () => {
  it('creates master.key with mode 0600 and rotates it, secrets readable before and after reopening', async () => {
    const t = await openTestStore({ backend: 'pglite' });
    try {
      const keyFile = path.join(t.config.dataDir, 'master.key');
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      const before = readFileSync(keyFile, 'utf8').trim();
      const secrets = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`s${i}`, token()]));
      for (const [n, v] of Object.entries(secrets)) await t.store.vault.put(n, v);
      expect(await t.store.vault.rotateKey()).toEqual({});
      const after = readFileSync(keyFile, 'utf8').trim();
      expect(after).not.toBe(before);
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(t.store.vault.currentKeyId).toBe(idOf(after));
      for (const [n, v] of Object.entries(secrets)) expect(await t.store.vault.get(n)).toBe(v);
      expect(await t.store.db.selectFrom('vault_keys').selectAll().execute()).toEqual([]);
      await t.store.close();
      const s = await t.reopen();
      for (const [n, v] of Object.entries(secrets)) expect(await s.vault.get(n)).toBe(v);
    } finally {
      await t.cleanup();
    }
  });

  it('refuses to open when secrets exist but the key is gone, instead of making a new key', async () => {
    const t = await openTestStore({ backend: 'pglite' });
    try {
      await t.store.vault.put('x', token());
      await t.store.close();
      rmSync(path.join(t.config.dataDir, 'master.key'));
      await expect(t.reopen()).rejects.toMatchObject({ code: 'vault_key_missing' });
    } finally {
      await t.cleanup();
    }
  });

  it('moves secrets from the key file to CIN7_GHL_MASTER_KEY when that is set later', async () => {
    const t = await openTestStore({ backend: 'pglite' });
    try {
      const v = token();
      await t.store.vault.put('x', v);
      await t.store.close();
      const envKey = randomMasterKey();
      const s = await t.reopen({ masterKey: envKey });
      const row = await s.db.selectFrom('secrets').select('key_id').executeTakeFirstOrThrow();
      expect(row.key_id).toBe(idOf(envKey));
      expect(await s.vault.get('x')).toBe(v);
    } finally {
      await t.cleanup();
    }
  });

  for (const step of ['in-transaction', 'committed', 'key-file-written'] as const) {
    it(`keeps every secret readable when the process is killed during a rotation (${step})`, async () => {
      const t = await openTestStore({ backend: 'pglite' });
      try {
        const secrets = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`k${i}`, token()]));
        for (const [n, v] of Object.entries(secrets)) await t.store.vault.put(n, v);
        await t.store.close();
        const child = startChild(fixture, ['rotate', step], { CIN7_GHL_DATA_DIR: t.root });
        expect(await child.exited).toBe('SIGKILL');
        expect(child.lines).toContain(`step ${step}`);
        const s = await t.reopen();
        for (const [n, v] of Object.entries(secrets)) expect(await s.vault.get(n)).toBe(v);
        // The interrupted rotation was finished or never happened: one key everywhere, no leftovers.
        const fileKeyId = idOf(readFileSync(path.join(t.config.dataDir, 'master.key'), 'utf8').trim());
        const ids = await s.db.selectFrom('secrets').select('key_id').distinct().execute();
        expect(ids.map((r) => r.key_id)).toEqual([fileKeyId]);
        expect(await s.db.selectFrom('vault_keys').selectAll().execute()).toEqual([]);
      } finally {
        await t.cleanup();
      }
    });
  }

  it('keeps secrets readable with the old environment key when killed after committing a rotation', async () => {
    const k1 = randomMasterKey();
    const t = await openTestStore({ backend: 'pglite', masterKey: k1 });
    try {
      const v = token();
      await t.store.vault.put('x', v);
      await t.store.close();
      const child = startChild(fixture, ['rotate', 'committed'], {
        CIN7_GHL_DATA_DIR: t.root,
        CIN7_GHL_MASTER_KEY: k1,
      });
      expect(await child.exited).toBe('SIGKILL');
      const s = await t.reopen({ masterKey: k1 });
      expect(await s.vault.get('x')).toBe(v);
      expect(s.vault.currentKeyId).not.toBe(idOf(k1));
    } finally {
      await t.cleanup();
    }
  });

  it('never leaves a plaintext secret in the database files, the tables or the logs', async () => {
    const { logger, text } = capturingLogger();
    const t = await openTestStore({ backend: 'pglite', logger });
    try {
      const secrets = {
        'ghl.access-token': token(),
        'ghl.refresh-token': token(),
        'cin7.application-key': token(),
      };
      for (const [n, v] of Object.entries(secrets)) await t.store.vault.put(n, v);
      // Code that carelessly logs what it read: the vault registered the values for redaction.
      for (const n of Object.keys(secrets)) {
        const value = await t.store.vault.get(n);
        logger.info({ value, nested: { header: `Bearer ${value}` } }, `read ${n}: ${value}`);
      }
      await t.store.vault.rotateKey();
      const tables = await t.store.query<{ table_name: string }>(
        "select table_name from information_schema.tables where table_schema in ('public', 'pgboss') and table_type = 'BASE TABLE'",
      );
      let dump = '';
      for (const { table_name } of tables.rows) {
        const rows = await t.store.query<{ row: string }>(`select t::text as row from "${table_name}" t`);
        dump += rows.rows.map((r) => r.row).join('\n');
      }
      await t.store.close();
      const files = filesUnder(t.config.dataDir).map((f) => readFileSync(f));
      // The search works: the names (not secret) are found in the files and the dump.
      expect(files.some((b) => b.includes('ghl.refresh-token'))).toBe(true);
      expect(dump).toContain('ghl.refresh-token');
      for (const v of Object.values(secrets)) {
        expect(files.some((b) => b.includes(v))).toBe(false);
        expect(dump).not.toContain(v);
        expect(text()).not.toContain(v);
      }
      expect(text()).toContain('[redacted]');
    } finally {
      await t.cleanup();
    }
  });
});

describe.skipIf(!pgReq.available)('vault on postgres: no plaintext in the tables', () => {
  it('stores only ciphertext', async () => {
    const t = await openTestStore({ backend: 'postgres', logger: silentLogger() });
    try {
      const v = token();
      await t.store.vault.put('ghl.token', v);
      const rows = await t.store.query<{ row: string }>('select s::text as row from secrets s');
      expect(rows.rows.map((r) => r.row).join('')).not.toContain(v);
      expect(await t.store.vault.get('ghl.token')).toBe(v);
    } finally {
      await t.cleanup();
    }
  });
});
