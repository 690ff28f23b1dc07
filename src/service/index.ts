/** The service: composition root, roles, modules, shutdown. See docs/operations.md. */
export { ADMIN_TOKEN_FILE, adminTokenPath, ensureAdminToken, readAdminToken } from './admin-token.js';
export { type AlertsModuleOptions, alertsModule } from './alerts-module.js';
export { cin7Module } from './cin7-module.js';
export { type VendorClients, vendorClients } from './clients.js';
export { type EventsModuleOptions, eventsModule } from './events-module.js';
export { ghlModule } from './ghl-module.js';
export { syncModule } from './sync-module.js';
export { type BoundServer, type FetchHandler, bindServer } from './http-server.js';
export { type HttpStack, createHttpStack } from './http-stack.js';
export { type Loop, startLoop } from './loop.js';
export { type ModuleOptions, serviceModules } from './modules.js';
export { stopOnSignals } from './signals.js';
export { type RunningService, type StartServiceOptions, startService } from './start.js';
export { ROLES, type Role, type ServiceContext, type ServiceHooks, type ServiceModule } from './types.js';
export { productVersion } from './version.js';
