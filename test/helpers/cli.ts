/**
 * Runs `bin/cin7-ghl` as a child process, the way a user does: with a clean environment (see
 * `cleanEnv`), results on stdout, logs on stderr.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { inject } from 'vitest';
import { cleanEnv } from './env.js';

/** `bin/cin7-ghl`, as a user runs it in a checkout (TypeScript compiled on the fly by tsx). */
export const SOURCE_BIN = path.resolve(import.meta.dirname, '../../bin/cin7-ghl');

/**
 * What tests run as `node <BIN> …`: the CLI compiled once for the run by the unit project's global
 * setup (test/setup/cli-build.ts), else `bin/cin7-ghl`.
 */
export const BIN = compiledEntry() ?? SOURCE_BIN;

function compiledEntry(): string | null {
  try {
    return inject('cliEntry') || null;
  } catch {
    return null; // outside a vitest worker
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one command to completion (killed after `timeoutMs`). */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: cleanEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += String(d);
    });
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface SandboxReady {
  ghl: {
    baseUrl: string;
    locationId: string;
    token: string;
    clientId: string;
    clientSecret: string;
    authorizeUrl: string;
    webhookPublicKeys: { ed25519: string; rsa: string };
    campaignId: string;
    workflowId: string;
  };
  cin7: { baseUrl: string; accountId: string; applicationKey: string };
}

export interface SandboxProcess {
  ready: SandboxReady;
  child: ChildProcess;
  /** Sends SIGINT and waits for the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `cin7-ghl sandbox` on free ports and waits for its JSON ready line.
 *
 * @example
 * const sb = await startSandboxProcess(['--customers', '20']); ... await sb.stop();
 */
export function startSandboxProcess(extraArgs: string[] = [], timeoutMs = 60_000): Promise<SandboxProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [BIN, 'sandbox', '--ghl-port', '0', '--cin7-port', '0', ...extraArgs],
      {
        env: cleanEnv({ CIN7_GHL_LOG_LEVEL: 'warn' }),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let buffer = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cin7-ghl sandbox was not ready within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    const onData = (d: Buffer) => {
      buffer += String(d);
      const nl = buffer.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      const ready = JSON.parse(buffer.slice(0, nl)) as SandboxReady;
      resolve({
        ready,
        child,
        stop: () =>
          new Promise((res) => {
            if (child.exitCode !== null) return res(child.exitCode);
            child.once('exit', (code) => res(code));
            child.kill('SIGINT');
          }),
      });
    };
    child.stdout.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`cin7-ghl sandbox exited with ${code} before it was ready: ${stderr}`));
    });
  });
}
