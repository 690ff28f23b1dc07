/**
 * Runs the Cin7 sandbox alone in its own process, for tests that drive it over HTTP
 * (`/_sandbox/…`). Options come as one JSON argument; the ready line is printed as one JSON
 * object, `{"cin7":{"baseUrl","accountId","applicationKey"}}`. The product's `cin7-ghl sandbox`
 * starts both sandboxes itself; this is the Cin7 half on its own.
 *
 * @example
 * node --import tsx sandbox/cin7/main.ts '{"customers":500,"timeScale":60}'
 */
import { type Cin7SandboxOptions, startCin7Sandbox } from './index.js';

const raw = process.argv[2] ?? '{}';
let options: Cin7SandboxOptions;
try {
  options = JSON.parse(raw) as Cin7SandboxOptions;
} catch {
  process.stderr.write(`cin7 sandbox: the options argument is not JSON: ${raw}\n`);
  process.exit(2);
}
const sandbox = await startCin7Sandbox({ ...options, logger: (line) => process.stderr.write(`${line}\n`) });
process.stdout.write(`${JSON.stringify({ cin7: sandbox.readyInfo() })}\n`);

const stop = () => {
  void sandbox.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
