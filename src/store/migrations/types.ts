/**
 * One versioned migration: plain SQL that runs unchanged on PGlite and PostgreSQL.
 * Files are named `NNNN_what.ts`, export `migration`, and are listed in order in `index.ts`.
 * A migration never changes once released; a change is a new migration.
 */
export interface Migration {
  /** `NNNN_what`, equal to the file name; the order is the numeric prefix. */
  id: string;
  /** One or more SQL statements, run in one transaction. */
  up: string;
}
