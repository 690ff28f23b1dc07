import type { Migration } from './types.js';

/** Every migration, in order. Add new ones at the end (one import and one entry each). */
export const migrations: Migration[] = [];
