/**
 * The feature modules of the service, in the order their phases run. To add a feature, write a
 * `ServiceModule` and list it here.
 */
import { type AlertsModuleOptions, alertsModule } from './alerts-module.js';
import { cin7Module } from './cin7-module.js';
import { type EventsModuleOptions, eventsModule } from './events-module.js';
import { ghlModule } from './ghl-module.js';
import { syncModule } from './sync-module.js';
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
    // The sync goes first: its `init` sets `ctx.hooks.ghlWebhookStored` (enqueue the inbox job)
    // before the GHL module mounts the webhook route. It starts the Cin7 feed workers and polling
    // itself (so `ctx.hooks.cin7FeedConsumers` stays unset and the Cin7 module does not). The
    // reconciliation (issue 6) adds its module here the same way: jobKinds, workers (its cron
    // schedule in `schedules`), routes with `ctx.api.add(...)` (src/server/api/route.ts).
    syncModule,
    ghlModule,
    cin7Module,
    eventsModule(options.events),
    alertsModule(options.alerts),
  ];
}
