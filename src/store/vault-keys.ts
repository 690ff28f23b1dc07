import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { VaultError } from '../errors/index.js';
import { registerSecret } from '../log/redact.js';

/** A 32-byte AES-256 master key and its id (stored with every row it encrypts). */
export interface MasterKey {
  id: string;
  key: Buffer;
}

/** AES-256-GCM output: a random 12-byte IV, the 16-byte auth tag, the ciphertext. */
export interface Sealed {
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

export const KEY_FILE = 'master.key';

/**
 * The public id of a key: a truncated SHA-256 of it, which identifies the key without revealing it.
 *
 * @example
 * keyId(randomBytes(32)) // '3f9a0c1b2d4e5f60'
 */
export function keyId(key: Buffer): string {
  return createHash('sha256').update('cin7-ghl-sync vault key id\0').update(key).digest('hex').slice(0, 16);
}

/** A new random master key. */
export function generateMasterKey(): MasterKey {
  const key = randomBytes(32);
  return { id: keyId(key), key };
}

/**
 * Parses `CIN7_GHL_MASTER_KEY`: one base64 key, or `new,old` while a rotation is rolled out.
 *
 * @example
 * parseMasterKeys(`${newKey},${oldKey}`).map((k) => k.id)
 */
export function parseMasterKeys(value: string): MasterKey[] {
  const parts = value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0) throw keyError('is empty');
  return parts.map((part, i) => {
    registerSecret(part);
    const key = Buffer.from(part, 'base64');
    if (key.length !== 32) throw keyError(`key ${i + 1} decodes to ${key.length} bytes, not 32`);
    return { id: keyId(key), key };
  });
}

function keyError(problem: string): VaultError {
  return new VaultError('vault_key_invalid', `CIN7_GHL_MASTER_KEY ${problem}.`, {
    hint: 'Set it to a base64 32-byte key (openssl rand -base64 32), or "new,old" during a key switch.',
  });
}

/** Reads `<dataDir>/master.key`; null when it does not exist. */
export function readKeyFile(dataDir: string): MasterKey | null {
  const file = path.join(dataDir, KEY_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new VaultError('vault_key_file', `Cannot read the master key file ${file}: ${String(e)}`, {
      hint: 'Check that the file belongs to the user running cin7-ghl and has mode 0600.',
    });
  }
  const encoded = text.trim();
  registerSecret(encoded);
  const key = Buffer.from(encoded, 'base64');
  if (key.length !== 32) {
    throw new VaultError(
      'vault_key_file',
      `The master key file ${file} does not hold a 32-byte base64 key.`,
      {
        hint: 'Restore the file from a backup; without it the stored secrets cannot be decrypted.',
      },
    );
  }
  return { id: keyId(key), key };
}

/**
 * Writes `<dataDir>/master.key` (mode 0600) atomically: a complete temp file, fsynced, then
 * linked (when `exclusive`, failing if a key file exists) or renamed over the old one.
 */
export function writeKeyFile(dataDir: string, key: MasterKey, exclusive: boolean): void {
  const file = path.join(dataDir, KEY_FILE);
  const tmp = `${file}.tmp-${key.id}-${process.pid}`;
  const encoded = key.key.toString('base64');
  registerSecret(encoded);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${encoded}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    if (exclusive) linkSync(tmp, file);
    else renameSync(tmp, file);
    syncDir(dataDir);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // renamed away
    }
  }
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // not supported on every platform; the rename itself is still atomic
  }
}

/** Encrypts with AES-256-GCM; `aad` binds the ciphertext to its row (it cannot be moved to another). */
export function seal(key: MasterKey, plaintext: Buffer, aad: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ciphertext };
}

/** Decrypts and authenticates; throws VaultError when the key, the row or the data do not match. */
export function unseal(key: MasterKey, sealed: Sealed, aad: string, what: string): Buffer {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(sealed.iv));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext)), decipher.final()]);
  } catch (e) {
    throw new VaultError('vault_decrypt_failed', `Could not decrypt ${what}: authentication failed.`, {
      hint: 'The stored value was altered or belongs to another key; store the secret again.',
      cause: e,
    });
  }
}
