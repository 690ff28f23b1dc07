// Regenerates the key table of docs/configuration.md from the config schema (npm run gen:config-docs).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { configKeysMarkdown } from '../src/config/describe.js';

const file = path.resolve(import.meta.dirname, '../docs/configuration.md');
const text = readFileSync(file, 'utf8');
const start = '<!-- keys:start -->';
const end = '<!-- keys:end -->';
const next = text.replace(new RegExp(`${start}[\\s\\S]*${end}`), `${start}\n${configKeysMarkdown()}\n${end}`);
writeFileSync(file, next);
console.log(next === text ? 'docs/configuration.md is up to date' : 'docs/configuration.md updated');
