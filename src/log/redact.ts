/**
 * Secret redaction, by field name and by value. Every secret the process learns (from config or
 * decrypted from the vault) is registered here, and every log line, error and page body that
 * leaves the process can be passed through `redactText`.
 */

const SECRET_NAME =
  /(token|secret|password|passwd|authorization|applicationkey|application_key|api[-_]?key|cookie|credential|private[-_]?key|masterkey|refresh)/i;
/** Field names that look secret but hold only metadata. */
const SAFE_NAME =
  /^(tokenType|token_type|tokenExpiresAt|expiresAt|expires_in|refreshedAt|tokenUpdatedAt|hasToken)$/i;

export const REDACTED = '[redacted]';

const knownSecrets = new Set<string>();
let pattern: RegExp | null = null;

/** Remembers a secret value so it is masked wherever it appears. Values under 6 characters are ignored. */
export function registerSecret(value: string | null | undefined): void {
  if (!value || value.length < 6 || knownSecrets.has(value)) return;
  knownSecrets.add(value);
  pattern = null;
}

/** True when a field with this name must never be shown. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !SAFE_NAME.test(name);
}

/**
 * Replaces every registered secret value inside `text`.
 *
 * @example
 * registerSecret('s3cr3t-token'); redactText('Bearer s3cr3t-token') // 'Bearer [redacted]'
 */
export function redactText(text: string): string {
  if (knownSecrets.size === 0) return text;
  if (pattern === null) {
    const alternatives = [...knownSecrets]
      .sort((a, b) => b.length - a.length)
      .flatMap((s) => [s, JSON.stringify(s).slice(1, -1)])
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    pattern = new RegExp([...new Set(alternatives)].join('|'), 'g');
  }
  return text.replace(pattern, REDACTED);
}

/** A deep copy of `value` with secret-named fields and registered secret values masked. */
export function redactValue<T>(value: T, depth = 0): T {
  if (depth > 8) return value;
  if (typeof value === 'string') return redactText(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] =
      isSecretName(k) && v !== null && v !== undefined && v !== '' ? REDACTED : redactValue(v, depth + 1);
  }
  return out as T;
}
