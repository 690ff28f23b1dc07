import { cin7Operations } from '../cin7/operations.js';
import { PRODUCT_EVENT_TRIGGERS } from '../events/names.js';
import { ghlOperationProvider } from '../ghl/provider.js';
import { Catalog } from './catalog.js';
import type { OperationProvider } from './types.js';

/** The API modules contributing operations and triggers. Add one entry per provider. */
const providers: OperationProvider[] = [ghlOperationProvider, cin7Operations];

/** The product's operations catalog (GHL, Cin7 and the product's own triggers). */
export function createCatalog(): Catalog {
  const catalog = new Catalog(providers);
  // The product's own outbound events, for no-code platforms to trigger on (src/events).
  catalog.triggers.push(...PRODUCT_EVENT_TRIGGERS);
  return catalog;
}
