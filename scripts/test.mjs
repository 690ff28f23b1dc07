#!/usr/bin/env node
// `npm test`: runs the vitest projects one after another (unit, then the timing and e2e projects,
// which must not compete for the CPU) and prints how long each suite took.
// Extra arguments go to every vitest run, e.g. `npm test -- test/http`.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const onlyProject = process.env.TEST_PROJECT; // e.g. TEST_PROJECT=unit npm test
const projects = onlyProject ? onlyProject.split(',') : ['unit', 'timing', 'e2e'];
const results = [];
for (const project of projects) {
  const started = Date.now();
  const run = spawnSync('npx', ['vitest', 'run', '--project', project, '--passWithNoTests', ...args], {
    stdio: 'inherit',
  });
  const seconds = (Date.now() - started) / 1000;
  results.push({ project, seconds, status: run.status });
  console.log(`\n[suite ${project}] ${run.status === 0 ? 'passed' : 'FAILED'} in ${seconds.toFixed(1)} s\n`);
}
console.log('Suite times:');
for (const r of results)
  console.log(
    `  ${r.project.padEnd(8)} ${r.seconds.toFixed(1).padStart(7)} s  ${r.status === 0 ? 'ok' : 'FAILED'}`,
  );
process.exit(results.every((r) => r.status === 0) ? 0 : 1);
