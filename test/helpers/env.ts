/**
 * A clean environment for child processes spawned by tests: the runner's DATABASE_URL, CI flags
 * and product variables must not leak into a process that is meant to run on the embedded store.
 */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (k === 'DATABASE_URL' || k.startsWith('CIN7_') || k.startsWith('GHL_') || k.startsWith('REQUIRE_'))
      continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}
