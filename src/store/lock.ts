import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, readdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { StoreError, StoreLockedError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';

/** What `<dataDir>/store.lock` holds. */
export interface StoreLockInfo {
  pid: number;
  /** ISO time the holder took the lock. */
  startedAt: string;
  host: string;
  /** Unique per acquisition: tells one holder's lock from the next one's. */
  nonce: string;
  /** The holder's service URL, once it serves one (see `setStoreLockUrl`). */
  url?: string;
}

/** A held lock. `release()` is synchronous so it can also run from a process `exit` handler. */
export interface StoreLock {
  readonly path: string;
  readonly info: StoreLockInfo;
  release(): void;
}

export const LOCK_FILE = 'store.lock';
const TAKEOVER_WAIT_MS = 10_000;
const MAX_BREAK_LEVELS = 20;

/** Nonces of the locks this process holds, so a second open in the same process is refused too. */
const held = new Set<string>();

/**
 * Takes `<dataDir>/store.lock`, or throws `StoreLockedError` naming the process that holds it.
 *
 * The lock file is created with `link()`, which is atomic and fails if the file exists, so it
 * always appears complete and only one process can create it. A lock whose process is dead is
 * taken over: to remove it a contender must first create `store.lock.break-<nonce>-<level>` (also
 * by `link()`), so among processes racing to take over the same stale lock exactly one removes it;
 * a contender that dies while holding a level is passed by the next level once its PID is dead.
 *
 * @example
 * const lock = await acquireStoreLock('/var/lib/cin7-ghl/production', logger);
 * try { ... } finally { lock.release(); }
 */
export async function acquireStoreLock(dataDir: string, logger: Logger): Promise<StoreLock> {
  const lockPath = path.join(dataDir, LOCK_FILE);
  const info: StoreLockInfo = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    host: hostname(),
    nonce: randomBytes(16).toString('hex'),
  };
  const tmp = `${lockPath}.tmp-${info.nonce}`;
  writeFileSync(tmp, `${JSON.stringify(info)}\n`, { mode: 0o644 });
  const deadline = Date.now() + TAKEOVER_WAIT_MS;
  try {
    for (;;) {
      try {
        linkSync(tmp, lockPath);
        return holdLock(lockPath, info);
      } catch (e) {
        if (errno(e) !== 'EEXIST') throw lockIoError(lockPath, e);
      }
      const current = readLockFile(lockPath);
      if (current === undefined) continue; // removed meanwhile: try again
      if (current !== null && isHolderAlive(current)) {
        if (current.host !== info.host) {
          logger.warn(
            { lock: lockPath, pid: current.pid, host: current.host },
            `the store lock was taken on another host (${current.host}), whose process cannot be checked from here; if nothing runs there any more (e.g. a replaced container), delete ${lockPath}`,
          );
        }
        throw new StoreLockedError(dataDir, current.pid, current.url);
      }
      const staleId = current?.nonce ?? `unreadable-${fileIdentity(lockPath)}`;
      if (breakStaleLock(lockPath, staleId, info)) {
        logger.warn(
          { lock: lockPath, stalePid: current?.pid ?? null, staleSince: current?.startedAt ?? null },
          'took over the store lock left by a process that is no longer running',
        );
        continue;
      }
      if (Date.now() > deadline) {
        throw new StoreError(
          'store_lock_takeover_stuck',
          `The store lock ${lockPath} is stale but another process has been taking it over for ${TAKEOVER_WAIT_MS / 1000} s.`,
          {
            hint: `If no cin7-ghl process is running on this machine, delete ${lockPath}* and start again.`,
          },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    safeUnlink(tmp);
  }
}

/**
 * Reads `<dataDir>/store.lock`; null when there is none (or it cannot be parsed).
 *
 * @example
 * const lock = readStoreLock(config.dataDir); if (lock?.url) callService(lock.url);
 */
export function readStoreLock(dataDir: string): StoreLockInfo | null {
  return readLockFile(path.join(dataDir, LOCK_FILE)) ?? null;
}

/**
 * Records the service URL in the lock this process holds, so other processes (the CLI) can reach
 * the service instead of opening the store. The file is replaced atomically.
 *
 * @example
 * setStoreLockUrl(config.dataDir, 'http://127.0.0.1:3000');
 */
export function setStoreLockUrl(dataDir: string, url: string): void {
  const lockPath = path.join(dataDir, LOCK_FILE);
  const current = readLockFile(lockPath);
  if (!current || !held.has(current.nonce) || current.pid !== process.pid) {
    throw new StoreError('store_lock_not_held', `This process does not hold the store lock ${lockPath}.`, {
      hint: 'Call setStoreLockUrl only from the process that opened the embedded store.',
    });
  }
  const tmp = `${lockPath}.tmp-${current.nonce}-url`;
  writeFileSync(tmp, `${JSON.stringify({ ...current, url })}\n`, { mode: 0o644 });
  renameSync(tmp, lockPath);
}

function holdLock(lockPath: string, info: StoreLockInfo): StoreLock {
  held.add(info.nonce);
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    held.delete(info.nonce);
    const current = readLockFile(lockPath);
    if (current?.nonce === info.nonce) safeUnlink(lockPath);
  };
  process.on('exit', release);
  return { path: lockPath, info, release };
}

/**
 * Removes the stale lock identified by `staleId` if this process wins the right to. Returns true
 * when the lock is gone (removed here, or by a winner that finished); false while another live
 * contender holds the takeover.
 */
function breakStaleLock(lockPath: string, staleId: string, me: StoreLockInfo): boolean {
  const marker = `${lockPath}.breaker-${me.nonce}`;
  writeFileSync(marker, `${JSON.stringify({ pid: me.pid, host: me.host, nonce: me.nonce })}\n`);
  try {
    for (let level = 1; level <= MAX_BREAK_LEVELS; level++) {
      const levelPath = `${lockPath}.break-${staleId}-${level}`;
      try {
        linkSync(marker, levelPath);
      } catch (e) {
        if (errno(e) !== 'EEXIST') throw lockIoError(levelPath, e);
        const holder = readJson(levelPath);
        if (holder === undefined) return false; // cleaned up by a winner: re-read the lock
        const pid = typeof holder?.pid === 'number' ? holder.pid : Number.NaN;
        if (holder && holder.host === me.host && Number.isInteger(pid) && !isPidAlive(pid)) continue;
        return false;
      }
      // We hold this level and every level below is held by a dead process: the stale lock is ours
      // to remove, provided it is still the one we judged stale.
      const current = readLockFile(lockPath);
      const currentId =
        current === undefined ? null : (current?.nonce ?? `unreadable-${fileIdentity(lockPath)}`);
      if (currentId === staleId) safeUnlink(lockPath);
      removeBreakFiles(lockPath, staleId);
      return true;
    }
    return false;
  } finally {
    safeUnlink(marker);
  }
}

function removeBreakFiles(lockPath: string, staleId: string): void {
  const dir = path.dirname(lockPath);
  const prefix = `${path.basename(lockPath)}.break-${staleId}-`;
  for (const name of readdirSync(dir)) if (name.startsWith(prefix)) safeUnlink(path.join(dir, name));
}

/** undefined: no file; null: a file that is not a lock we can read; else the lock. */
function readLockFile(lockPath: string): StoreLockInfo | null | undefined {
  const value = readJson(lockPath);
  if (value === undefined) return undefined;
  if (
    value &&
    typeof value.pid === 'number' &&
    typeof value.nonce === 'string' &&
    typeof value.startedAt === 'string' &&
    typeof value.host === 'string'
  ) {
    return {
      pid: value.pid,
      nonce: value.nonce,
      startedAt: value.startedAt,
      host: value.host,
      ...(typeof value.url === 'string' ? { url: value.url } : {}),
    };
  }
  return null;
}

function readJson(file: string): Record<string, unknown> | null | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (errno(e) === 'ENOENT') return undefined;
    throw lockIoError(file, e);
  }
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function isHolderAlive(info: StoreLockInfo): boolean {
  // Another host's PID cannot be checked from here: treat the lock as held.
  if (info.host !== hostname()) return true;
  // Our own PID: held only if this process took it (a container restart reuses PIDs).
  if (info.pid === process.pid) return held.has(info.nonce);
  if (!isPidAlive(info.pid)) return false;
  const started = processStartMs(info.pid);
  // A live process that started after the lock was written cannot be its writer: the PID was reused.
  if (started !== null && started > Date.parse(info.startedAt) + 2_000) return false;
  return true;
}

function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errno(e) === 'EPERM';
  }
}

let clockTicks: number | null | undefined;

/** Start time of a process in epoch ms, from /proc (Linux); null where that is not available. */
function processStartMs(pid: number): number | null {
  try {
    const bootSeconds = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    if (!Number.isFinite(bootSeconds)) return null;
    if (clockTicks === undefined) clockTicks = calibrateClockTicks(bootSeconds);
    if (clockTicks === null) return null;
    const ticks = startTicks(pid);
    return ticks === null ? null : (bootSeconds + ticks / clockTicks) * 1000;
  } catch {
    return null;
  }
}

/** CLK_TCK is not readable from Node: derive it from our own start time, or give up. */
function calibrateClockTicks(bootSeconds: number): number | null {
  const ticks = startTicks(process.pid);
  if (ticks === null) return null;
  const startedSeconds = Date.now() / 1000 - process.uptime() - bootSeconds;
  if (startedSeconds <= 1) return null;
  const measured = ticks / startedSeconds;
  const known = [100, 250, 300, 1000].find((hz) => Math.abs(measured - hz) / hz < 0.05);
  return known ?? null;
}

function startTicks(pid: number): number | null {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces and parentheses: fields restart after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const value = Number(rest[19]);
  return Number.isFinite(value) ? value : null;
}

function fileIdentity(file: string): string {
  try {
    return readFileSync(file).toString('hex').slice(0, 32) || 'empty';
  } catch {
    return 'gone';
  }
}

function safeUnlink(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

function lockIoError(file: string, cause: unknown): StoreError {
  return new StoreError('store_lock_io', `Could not use the store lock file ${file}: ${String(cause)}`, {
    hint: 'Check that the data directory exists and is writable by this user.',
    cause,
  });
}
