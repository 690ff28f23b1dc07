import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configKeysMarkdown, describeConfigKeys } from '../../src/config/describe.js';

describe('configuration docs', () => {
  it('docs/configuration.md lists exactly the keys of the schema', () => {
    const text = readFileSync(path.resolve(import.meta.dirname, '../../docs/configuration.md'), 'utf8');
    const table = text.split('<!-- keys:start -->\n')[1]?.split('\n<!-- keys:end -->')[0];
    expect(table, 'regenerate with: npx tsx scripts/gen-config-docs.ts').toBe(configKeysMarkdown());
  });

  it('describes every key with a hint', () => {
    const keys = describeConfigKeys();
    expect(keys.map((k) => k.key)).toContain('reconcile.schedule');
    expect(keys.find((k) => k.key === 'server.port')?.default).toBe(3000);
    for (const k of keys) expect(k.description, k.key).not.toBe('');
  });
});
