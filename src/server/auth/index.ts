/** Authentication of the service: admin password, sessions, CSRF, API tokens, the route policy. */
export {
  type AdminPasswordResult,
  checkAdminPassword,
  ensureAdminPassword,
  setAdminPassword,
} from './admin.js';
export {
  type AuthDeps,
  authMiddleware,
  authenticate,
  loginRedirect,
  refuseUnauthenticated,
  requireAuth,
} from './middleware.js';
export { generatePassword, hashPassword, verifyPassword } from './password.js';
export { OPEN_ROUTES, type OpenRoute, isApiPath, isOpenRoute } from './policy.js';
export { type LoginRouteDeps, clientOf, loginPage, loginRoutes, safeNext, secureCookies } from './routes.js';
export { safeEqual, sha256Hex } from './secrets.js';
export {
  SESSION_COOKIE,
  type SessionInfo,
  createSession,
  csrfTokenFor,
  deleteSession,
  findSession,
  pruneSessions,
} from './sessions.js';
export { LoginThrottle, type LoginThrottleOptions } from './throttle.js';
export {
  type ApiTokenInfo,
  type ApiTokenKind,
  TOKEN_PREFIX,
  createApiToken,
  listApiTokens,
  revokeApiToken,
  verifyApiToken,
} from './tokens.js';
export type { AuthInfo } from './types.js';
