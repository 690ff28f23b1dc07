/**
 * Where the package is installed: the nearest folder above this file holding our package.json. The
 * same answer from the sources (`src/config/`), a build (`dist/src/config/`) or any other outDir, so
 * files shipped beside the code (package.json, examples/) are found however it runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const PACKAGE_NAME = 'cin7-ghl-sync';
let cached: string | null = null;

/**
 * @example
 * const rules = path.join(packageRoot(), 'examples', 'tag-rules.yaml');
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = import.meta.dirname;
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        if ((JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === PACKAGE_NAME) {
          cached = dir;
          return dir;
        }
      } catch {
        // not ours (unreadable): keep looking above
      }
    }
    const up = path.dirname(dir);
    if (up === dir) {
      // Not found (an unusual install): the layout of the sources.
      cached = path.resolve(import.meta.dirname, '../..');
      return cached;
    }
    dir = up;
  }
}
