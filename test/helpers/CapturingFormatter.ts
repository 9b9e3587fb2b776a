import { RedactingLogFormatter } from '../../lib/observability/createLogger.ts';

/**
 * The project's log formatter (redaction included) that also keeps every structured line as logged, so
 * tests can assert what a log reader would see.
 *
 * @example
 * const formatter = new CapturingFormatter();
 * const logger = new Logger({ logFormatter: formatter });
 */
export class CapturingFormatter extends RedactingLogFormatter {
  readonly lines: Array<Record<string, unknown>> = [];

  override formatAttributes(...args: Parameters<RedactingLogFormatter['formatAttributes']>) {
    const item = super.formatAttributes(...args);
    this.lines.push(item.getAttributes());
    return item;
  }
}
