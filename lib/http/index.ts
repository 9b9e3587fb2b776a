export * from './errors.ts';
export { fromResponse, MAX_DETAIL_LENGTH, type ResponseFacts } from './fromResponse.ts';
export { backoffMs, parseRetryAfter, shouldRetry, type BackoffOptions } from './retry.ts';
export { HttpClient, type CallInfo, type HttpClientOptions, type HttpRequest } from './HttpClient.ts';
export type { CallOptions, TokenProvider } from './types.ts';
export { AdaptiveRateLimit, type AdaptiveRateLimitOptions } from './AdaptiveRateLimit.ts';
