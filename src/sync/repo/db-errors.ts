/**
 * Reading PostgreSQL errors the repositories rely on (the same fields on PGlite and `pg`).
 */

/** The unique index a statement violated (SQLSTATE 23505), or null for any other error. */
export function uniqueViolation(e: unknown): string | null {
  if (typeof e !== 'object' || e === null) return null;
  const err = e as { code?: unknown; constraint?: unknown; cause?: unknown };
  if (err.code === '23505') return typeof err.constraint === 'string' ? err.constraint : '';
  return err.cause === undefined ? null : uniqueViolation(err.cause);
}

/** JSON text of a value for a jsonb column (node-postgres would turn a JS array into a PostgreSQL array). */
export function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}
