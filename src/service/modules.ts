/**
 * The feature modules of the service, in the order their phases run. To add a feature, write a
 * `ServiceModule` and list it here.
 */
import { type AlertsModuleOptions, alertsModule } from './alerts-module.js';
import { cin7Module } from './cin7-module.js';
import { type EventsModuleOptions, eventsModule } from './events-module.js';
import { ghlModule } from './ghl-module.js';
import type { ServiceModule } from './types.js';

export interface ModuleOptions {
  events?: EventsModuleOptions;
  alerts?: AlertsModuleOptions;
}

/**
 * The product's modules.
 *
 * @example
 * await startService(config, { role: 'all', logger, modules: serviceModules() });
 */
export function serviceModules(options: ModuleOptions = {}): ServiceModule[] {
  return [
    // ── SYNC MODULE: the lead wires it here when the engine lands (`src/sync/index.ts`). ──
    // It goes first, so its `init` sets `ctx.hooks.cin7FeedConsumers` (the feed consumers) and
    // `ctx.hooks.ghlWebhookStored` (enqueue the inbox job) before the GHL and Cin7 modules mount
    // routes and start workers; its `routes` adds the runs, records, profiles, conflicts, failures
    // and audit routes with `ctx.api.add(...)` (see src/server/api/route.ts for the pattern), its
    // `workers` starts the sync-customer and inbox workers, and its `init` registers run durations
    // and sync lag with `ctx.metrics.register('sync', collector)`.
    ghlModule,
    cin7Module,
    eventsModule(options.events),
    alertsModule(options.alerts),
  ];
}
