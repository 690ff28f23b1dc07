/**
 * A small collector of config problems in the style of `src/config/load.ts`: each names its key,
 * the bad value, what is wrong and how to fix it. Mapping and rule files use it.
 */
import { ConfigError } from '../../errors/index.js';

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Collects issues in the style of `src/config/load.ts`: key, bad value, problem, fix. */
export class Validator {
  constructor(private readonly issues: ConfigError[]) {}

  fail(key: string, value: unknown, problem: string, fix: string): void {
    const shown = value === undefined ? '' : `${JSON.stringify(value)}: `;
    this.issues.push(new ConfigError(key, `${shown}${problem}`, fix));
  }

  /** Reports keys of `obj` not in `known`. */
  keys(obj: Record<string, unknown>, at: string, known: readonly string[]): void {
    for (const k of Object.keys(obj)) {
      if (!known.includes(k))
        this.fail(
          at ? `${at}.${k}` : k,
          undefined,
          'unknown key',
          `remove it or use one of: ${known.join(', ')}`,
        );
    }
  }

  /** `obj[key]` as an object ({} when absent; reported when not an object). */
  object(obj: Record<string, unknown>, key: string): Record<string, unknown> {
    const value = obj[key];
    if (value === undefined || value === null) return {};
    if (!isObject(value)) {
      this.fail(key, value, 'must be a mapping of keys to values', `write e.g. \`${key}: { … }\``);
      return {};
    }
    return value;
  }

  oneOf<T extends string>(obj: Record<string, unknown>, key: string, values: readonly T[], fallback: T): T {
    const name = key.slice(key.lastIndexOf('.') + 1);
    const value = obj[name];
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
    this.fail(key, value, 'not one of the allowed values', `use one of ${values.join(', ')}`);
    return fallback;
  }

  bool(obj: Record<string, unknown>, key: string, fallback: boolean): boolean {
    const name = key.slice(key.lastIndexOf('.') + 1);
    const value = obj[name];
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'boolean') return value;
    this.fail(key, value, 'must be true or false', 'write true or false (without quotes)');
    return fallback;
  }
}
