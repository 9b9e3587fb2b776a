export * from './errors.ts';
export { fromResponse, MAX_DETAIL_LENGTH, type ResponseFacts } from './fromResponse.ts';
export { backoffMs, NO_RETRY_STATUSES, parseRetryAfter, shouldRetry, type BackoffOptions } from './retry.ts';
export {
  HttpClient,
  type CallInfo,
  type HttpClientOptions,
  type HttpRequest,
  type TokenProvider,
} from './HttpClient.ts';
