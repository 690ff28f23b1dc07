import { createHash } from 'node:crypto';
import type { ApiName } from './errors.js';

/**
 * The id a rate-limit key is stored, logged and compared under: the API name and a SHA-256 prefix
 * of the caller's key, so a Cin7 application key never appears in clear in memory maps, the
 * database or logs.
 *
 * @example
 * rateKeyId('ghl', 'loc_123') // 'ghl:5b2c…' (24 hex digits)
 */
export function rateKeyId(api: ApiName, rateKey: string): string {
  const digest = createHash('sha256').update(`${api}\u0000${rateKey}`).digest('hex');
  return `${api}:${digest.slice(0, 24)}`;
}
