/**
 * The Node verification snippet of docs/events.md, loaded from the document itself (the fenced
 * block starting `// verify-signature.mjs`), so the documented code is the code the tests run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export type Verify = (secret: string, header: string, rawBody: string, toleranceSeconds?: number) => boolean;

export async function loadDocsVerifier(): Promise<Verify> {
  const doc = readFileSync(path.resolve(import.meta.dirname, '../../docs/events.md'), 'utf8');
  const m = /```js\n(\/\/ verify-signature\.mjs\n[\s\S]*?)```/.exec(doc);
  if (!m?.[1]) throw new Error('docs/events.md has no ```js block starting with // verify-signature.mjs');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cin7ghl-snippet-'));
  const file = path.join(dir, 'verify-signature.mjs');
  writeFileSync(file, m[1]);
  try {
    const mod = (await import(pathToFileURL(file).href)) as { verifyCin7GhlSignature: Verify };
    return mod.verifyCin7GhlSignature;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
