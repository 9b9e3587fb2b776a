import { isRequestXRaySampled } from '@aws-lambda-powertools/commons/utils/env';
import { LogFormatter, LogItem, Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { redact, redactText } from './redact.ts';

/**
 * Powertools' JSON layout with every message and attribute passed through `redact()`, so a token, an
 * e-mail, a phone or a VAT number never reaches CloudWatch even when a caller logs carelessly. Each line holds
 * what finds it again and nothing the log group already says (CloudWatch Logs bills every byte ingested):
 * level, message, timestamp, service and the invocation's request id; the X-Ray trace id only when the request
 * was traced (`Sampled=1`: there is a trace to open). No `function_name` (the log group is the function's) and no
 * `cold_start` (Lambda's REPORT line shows the init duration; the `ColdStart` metric counts them).
 */
export class RedactingLogFormatter extends LogFormatter {
  formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const context = attributes.lambdaContext;
    const base: LogAttributes = {
      level: attributes.logLevel,
      message: redactText(attributes.message),
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      function_request_id: context?.awsRequestId,
      ...(isRequestXRaySampled() && { xray_trace_id: attributes.xRayTraceId }),
    };
    return new LogItem({ attributes: base }).addAttributes(redact(additional) as LogAttributes);
  }

  // The error's class name is kept as is (under `name`, a personal key elsewhere); the rest is redacted.
  override formatError(error: Error): LogAttributes {
    const formatted = super.formatError(error);
    return { ...(redact(formatted) as LogAttributes), name: formatted.name };
  }
}

/**
 * The project's structured logger: Powertools Logger (JSON, `LOG_LEVEL` / `POWERTOOLS_LOG_LEVEL` honoured)
 * with the redacting formatter.
 *
 * @example
 * const logger = createLogger('customer-sync');
 * logger.appendKeys({ eventId, customerId, messageId });
 * logger.info('applied', { writes: 2 });
 */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName, logFormatter: new RedactingLogFormatter() });
}
