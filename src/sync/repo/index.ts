/** The sync engine's repositories (migration 0030): links, customers, sales, runs, failures, audit. */
export * from './audit.js';
export * from './customers.js';
export { json, uniqueViolation } from './db-errors.js';
export * from './failures.js';
export * from './links.js';
export * from './runs.js';
export * from './sales.js';
