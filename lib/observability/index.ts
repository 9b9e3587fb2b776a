export { createLogger, RedactingLogFormatter } from './createLogger.ts';
export { createMetrics } from './createMetrics.ts';
export { AUTH_RETRY_REASON, DIMENSION, METRIC, METRICS_NAMESPACE, SERVICE_NAMES } from './names.ts';
export { isSensitiveKey, redact, redactText, REDACTED } from './redact.ts';
