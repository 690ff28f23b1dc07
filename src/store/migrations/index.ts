import { migration as m0001 } from './0001_foundation.js';
import { migration as m0002 } from './0002_rate_limits.js';
import { migration as m0003 } from './0003_connections.js';
import { migration as m0020 } from './0020_cin7_feed.js';
import { migration as m0030 } from './0030_sync.js';
import { migration as m0040 } from './0040_service.js';
import { migration as m0041 } from './0041_product_events.js';
import { migration as m0042 } from './0042_alerts.js';
import { migration as m0050 } from './0050_reconcile.js';
import { migration as m0060 } from './0060_ghl_to_cin7.js';
import type { Migration } from './types.js';

/** Every migration, in order. Add new ones at the end (one import and one entry each). */
export const migrations: Migration[] = [m0001, m0002, m0003, m0020, m0030, m0040, m0041, m0042, m0050, m0060];
