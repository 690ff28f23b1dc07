#!/usr/bin/env node
// `npm run bench -- <name> [args]` runs bench/<name>.ts (a benchmark prints its figures; it is not a test).
// Without a name it lists the benchmarks.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const benchDir = path.resolve(import.meta.dirname, '../bench');
const [name, ...rest] = process.argv.slice(2);
const available = readdirSync(benchDir)
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''));
if (!name || !available.includes(name)) {
  if (name) console.error(`No benchmark named "${name}".`);
  console.error(`Usage: npm run bench -- <name> [args]\nBenchmarks: ${available.join(', ') || '(none yet)'}`);
  process.exit(name ? 1 : 0);
}
const file = path.join(benchDir, `${name}.ts`);
if (!existsSync(file)) process.exit(1);
const run = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', file, ...rest], {
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
