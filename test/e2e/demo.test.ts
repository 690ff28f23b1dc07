/**
 * The demo as `npm start` runs it (`bin/cin7-ghl demo`, here on a free port, in a clean environment
 * and an empty data root — a fresh clone's first start): it prints the URL and the admin password,
 * a dashboard reached with them shows synced contacts within 60 s of the start, and SIGINT stops
 * everything: the process and every process it started (by PID), the service's port and both
 * sandboxes' ports.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../helpers/env.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/cin7-ghl');

/** Parent of every live process, from /proc (Linux). */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces and parentheses; the last ")" ends it.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.set(Number(name), ppid);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function descendants(root: number): number[] {
  const byParent = new Map<number, number[]>();
  for (const [pid, ppid] of parents()) byParent.set(ppid, [...(byParent.get(ppid) ?? []), pid]);
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of byParent.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(root);
  return out;
}

function alive(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return state.slice(state.lastIndexOf(')') + 2, state.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return false;
  } catch {
    return true;
  }
}

/** A tiny cookie jar over fetch: signs in with the login form, as a browser would. */
async function signIn(url: string, password: string): Promise<(p: string) => Promise<Response>> {
  const jar = new Map<string, string>();
  const header = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const kv = c.split(';')[0] ?? '';
      const i = kv.indexOf('=');
      if (kv.slice(i + 1) === '') jar.delete(kv.slice(0, i));
      else jar.set(kv.slice(0, i), kv.slice(i + 1));
    }
  };
  const page = await fetch(`${url}/login`);
  keep(page);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: header(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, password, next: '/' }),
  });
  keep(res);
  expect(res.status).toBe(303);
  return (p) => fetch(`${url}${p}`, { headers: { cookie: header() }, redirect: 'manual' });
}

describe('npm start: the demo', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cin7ghl-demo-'));
  let child: ChildProcess | null = null;

  afterAll(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  it('reaches a dashboard showing synced contacts within 60 s; SIGINT leaves no process behind', async () => {
    const started = Date.now();
    const proc = spawn(process.execPath, [BIN, 'demo', '--port', '0', '--json'], {
      cwd: root,
      env: cleanEnv({ CIN7_GHL_DATA_DIR: root }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-20_000);
    });
    const exited = new Promise<number | string>((resolve) =>
      proc.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
    );
    // Every process the demo ever starts (the embedded database's first initialisation is one).
    const seen = new Set<number>();
    const sample = setInterval(() => {
      for (const pid of descendants(proc.pid as number)) seen.add(pid);
    }, 100);
    try {
      const line = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ready line in 60 s; stderr:\n${stderr}`)),
          60_000,
        );
        createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (l) => {
          if (l.startsWith('{')) {
            clearTimeout(timer);
            resolve(l);
          }
        });
        void exited.then((code) => reject(new Error(`the demo exited (${code}); stderr:\n${stderr}`)));
      });
      const ready = JSON.parse(line) as {
        url: string;
        adminPassword: string;
        dataDir: string;
        sandboxes: { ghl: string; cin7: string };
      };
      const listeningAfter = Date.now() - started;
      expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(ready.adminPassword.length).toBeGreaterThanOrEqual(20);
      expect(ready.dataDir).toBe(path.join(root, 'demo'));

      const get = await signIn(ready.url, ready.adminPassword);
      let linked = 0;
      let records = '';
      while (Date.now() - started < 60_000) {
        const overview = await (await get('/')).text();
        linked = Number(/data-live="links\.linked">([\d,]+)</.exec(overview)?.[1]?.replace(/,/g, '') ?? 0);
        if (linked > 0) {
          records = await (await get('/records')).text();
          if (records.includes('badge-ok">linked<')) break;
        }
        await new Promise((r) => setTimeout(r, 500));
      }
      const syncedAfter = Date.now() - started;
      console.log(
        `demo: listening with its URL printed after ${listeningAfter} ms, ${linked} contacts linked on the dashboard after ${syncedAfter} ms`,
      );
      expect(linked).toBeGreaterThan(0);
      expect(records).toContain('badge-ok">linked<');
      expect(syncedAfter).toBeLessThan(60_000);

      for (const pid of descendants(proc.pid as number)) seen.add(pid);
      proc.kill('SIGINT');
      const code = await Promise.race([
        exited,
        new Promise<string>((r) => setTimeout(() => r('still running after 30 s'), 30_000)),
      ]);
      expect(code, stderr).toBe(0);
      clearInterval(sample);
      const deadline = Date.now() + 5000;
      const left = () => [proc.pid as number, ...seen].filter(alive);
      while (left().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(left()).toEqual([]);
      expect(await refused(`${ready.url}/healthz`)).toBe(true);
      expect(await refused(`${ready.sandboxes.ghl}/_sandbox/info`)).toBe(true);
      expect(await refused(`${ready.sandboxes.cin7}/_sandbox/state`)).toBe(true);
    } finally {
      clearInterval(sample);
    }
  });
});
