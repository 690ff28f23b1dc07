/**
 * Suites that need something outside the repo (PostgreSQL, Chromium, ../shared/specs) ask here.
 * When it is missing they are skipped with a line naming them, unless the matching REQUIRE_*
 * variable is set (CI sets them), in which case the suite fails instead.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface Requirement {
  available: boolean;
  /** Why it is missing, or '' when available. */
  reason: string;
}

function decide(suite: string, available: boolean, requireVar: string, reason: string): Requirement {
  if (available) return { available, reason: '' };
  if (process.env[requireVar] === '1' || (requireVar === 'CI' && process.env.CI === 'true')) {
    throw new Error(`${suite}: required but missing (${requireVar} is set): ${reason}`);
  }
  console.warn(`SKIPPED suite "${suite}": ${reason}`);
  return { available, reason };
}

/** PostgreSQL for scale-out suites: DATABASE_URL set (CI sets it and REQUIRE_POSTGRES=1). */
export function requirePostgres(suite: string): Requirement & { url: string } {
  const url = process.env.DATABASE_URL ?? '';
  return { ...decide(suite, url !== '', 'REQUIRE_POSTGRES', 'DATABASE_URL is not set'), url };
}

/** The vendor spec files beside the checkout, at ../shared/specs. */
export const SPECS_DIR = path.resolve(import.meta.dirname, '../../../shared/specs');

export function requireSpecs(suite: string): Requirement {
  return decide(suite, existsSync(SPECS_DIR), 'CI', `${SPECS_DIR} does not exist`);
}

/** Chromium for browser suites. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function requireBrowser(suite: string): Requirement {
  return decide(suite, existsSync(CHROMIUM_PATH), 'REQUIRE_BROWSER', `${CHROMIUM_PATH} not found`);
}
