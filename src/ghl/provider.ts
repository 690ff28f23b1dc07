import type { OperationProvider } from '../ops/types.js';
import { createGhlExecutor } from './executor.js';
import { GHL_OPERATIONS } from './operations.js';
import { GHL_TRIGGERS } from './triggers.js';

/**
 * The GHL half of the operations catalog: every GHL operation and trigger, and the executor that
 * calls them.
 *
 * @example
 * const catalog = new Catalog([ghlOperationProvider]);
 */
export const ghlOperationProvider: OperationProvider = {
  api: 'ghl',
  operations: [...GHL_OPERATIONS],
  triggers: [...GHL_TRIGGERS],
  createExecutor: createGhlExecutor,
};
