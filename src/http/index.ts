/** The one outbound HTTP layer. See README.md in this folder. */
export { HttpClient, type HttpClientOptions, buildUrl } from './client.js';
export { type Clock, systemClock, sleep } from './clock.js';
export {
  CallCounter,
  type CallSnapshot,
  type CallCount,
  type ApiTotals,
  type CallResult,
} from './counter.js';
export {
  DailyBudget,
  type DailyBudgetOptions,
  type DailyBudgetView,
  nextUtcMidnight,
} from './daily-budget.js';
export * from './errors.js';
export { rateKeyId } from './keys.js';
export { backoffDelay, parseRetryAfter } from './backoff.js';
export * from './rules.js';
export * from './types.js';
export { SlotLimiter, LimiterWaitTimeoutError, type SlotLimiterOptions } from './rate-limit/limiter.js';
export { MemorySlotStore } from './rate-limit/memory.js';
export {
  PostgresSlotStore,
  executorFromPool,
  RATE_LIMIT_TABLE,
  type SqlExecutor,
  type SqlTransactor,
  type PoolLike,
  type PoolClientLike,
} from './rate-limit/postgres.js';
export type {
  AcquireOptions,
  Lease,
  LimiterFeedback,
  RateLimiter,
  SlotStore,
  TakeResult,
} from './rate-limit/types.js';
