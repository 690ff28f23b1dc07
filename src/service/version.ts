import { readFileSync } from 'node:fs';
import path from 'node:path';

let cached: string | null = null;

/** The package version (from package.json beside src/ or dist/). */
export function productVersion(): string {
  if (cached) return cached;
  try {
    const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as {
      version?: string;
    };
    cached = pkg.version ?? '0.0.0';
  } catch {
    cached = '0.0.0';
  }
  return cached;
}
