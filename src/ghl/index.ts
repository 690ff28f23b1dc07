/** The GHL (HighLevel) module: client, OAuth and tokens, webhooks, catalog. See README.md here. */
export { type GhlAccessToken, type GhlTokenProvider, StaticTokenProvider } from './auth.js';
export { GhlClient, type GhlClientOptions, type GhlCallArgs } from './client.js';
export {
  type GhlConnection,
  type GhlConnectionDetails,
  GhlConnectionError,
  getGhlConnection,
  ghlConnectionId,
  listGhlConnections,
  resolveGhlConnection,
  savePitConnection,
} from './connections.js';
export {
  type GhlWebhookEvent,
  type GhlWebhookPayload,
  handleGhlAppUninstall,
  parseGhlWebhook,
} from './events.js';
export { callGhlOperation, createGhlExecutor } from './executor.js';
export { createGhlClient, ghlHttpClient, ghlTokenProvider } from './factory.js';
export { GHL_API_VERSION, ghlHttpRules } from './http-rules.js';
export {
  GHL_IDLE_REFRESH_CRON,
  ghlRefreshIdleJob,
  refreshIdleGhlConnections,
  startGhlJobs,
} from './jobs.js';
export {
  GhlOAuthRefusedError,
  completeGhlConnect,
  ghlRedirectUri,
  ghlWebhookUrl,
  startGhlConnect,
} from './oauth.js';
export { GHL_OPERATIONS, type GhlOperationName, ghlOperation, scopeForOperation } from './operations.js';
export { ghlOperationProvider } from './provider.js';
export { requiredGhlScopes } from './scopes.js';
export { GhlRefreshError, GhlTokenManager, refreshMarginMs } from './tokens.js';
export { GHL_TRIGGERS, GHL_WEBHOOK_EVENTS, type GhlWebhookEventName } from './triggers.js';
export type * from './types.js';
export {
  GHL_WEBHOOK_DEDUPE_RETENTION_DAYS,
  ghlWebhookVerifier,
  ghlWebhookVerifierFromConfig,
} from './webhooks.js';
