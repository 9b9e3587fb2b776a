import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { createLogger } from '../../../../lib/observability/createLogger.ts';

/**
 * With POWERTOOLS_DEV set, Powertools Logger prints through the global console (jest's), which a spy can
 * read; the formatting path under test is the same as in Lambda.
 */
function captureConsole(): { lines: () => Array<Record<string, unknown>>; restore: () => void } {
  const previous = process.env.POWERTOOLS_DEV;
  process.env.POWERTOOLS_DEV = 'true';
  const printed: string[] = [];
  const record = (message?: unknown) => void printed.push(String(message));
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
    jest.spyOn(console, method).mockImplementation(record),
  );
  return {
    lines: () => printed.map((text) => JSON.parse(text) as Record<string, unknown>),
    restore: () => {
      spies.forEach((spy) => spy.mockRestore());
      if (previous === undefined) delete process.env.POWERTOOLS_DEV;
      else process.env.POWERTOOLS_DEV = previous;
    },
  };
}

describe('createLogger', () => {
  let capture: ReturnType<typeof captureConsole> | undefined;
  afterEach(() => capture?.restore());

  it('writes JSON lines with the service name and appended keys, personal data redacted', () => {
    capture = captureConsole();
    const logger = createLogger('customer-sync');
    logger.appendKeys({ eventId: 'evt-9', customerId: 7 });
    logger.warn('could not apply for ana@example.pt', {
      customer: { email: 'ana@example.pt', country: 'PT' },
    });
    const [line] = capture.lines();
    expect(line).toMatchObject({
      level: 'WARN',
      service: 'customer-sync',
      eventId: 'evt-9',
      customerId: 7,
      customer: { email: '[redacted]', country: 'PT' },
    });
    expect(JSON.stringify(line)).not.toContain('ana@example.pt');
  });

  it("keeps a logged error's name and message, with only the token and personal data masked", () => {
    capture = captureConsole();
    const logger = createLogger('customer-sync');
    class ApiValidationError extends Error {
      override name = 'ApiValidationError';
    }

    logger.error(
      'failed',
      new ApiValidationError("refused Bearer s3cr3t-token, name 'João Silva' is too long for customer 7"),
    );

    const [line] = capture.lines();
    expect(line!.error).toMatchObject({
      name: 'ApiValidationError',
      message: "refused Bearer [redacted], name '[redacted]' is too long for customer 7",
    });
  });

  it('redacts tokens in logged errors', () => {
    capture = captureConsole();
    const logger = createLogger('webhook');
    logger.error('failed', new Error('upstream said: Bearer s3cr3t-token rejected'));
    const out = JSON.stringify(capture.lines());
    expect(out).toContain('failed');
    expect(out).not.toContain('s3cr3t-token');
  });
});

describe('createLogger line size', () => {
  let capture: ReturnType<typeof captureConsole> | undefined;
  const saved = process.env._X_AMZN_TRACE_ID;
  afterEach(() => {
    capture?.restore();
    if (saved === undefined) delete process.env._X_AMZN_TRACE_ID;
    else process.env._X_AMZN_TRACE_ID = saved;
  });

  it('leaves out what the log group already says (function name, cold start) and an unsampled trace id', () => {
    process.env._X_AMZN_TRACE_ID =
      'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=557abcec3ee5a047;Sampled=0';
    capture = captureConsole();
    createLogger('customer-sync').info('applied', { messageId: 'm-1', eventId: 'e-1', customerId: 1 });
    const [line] = capture.lines();
    expect(Object.keys(line!).sort()).toEqual(
      ['customerId', 'eventId', 'level', 'message', 'messageId', 'service', 'timestamp'].sort(),
    );
  });

  it('names the X-Ray trace of a sampled request', () => {
    process.env._X_AMZN_TRACE_ID =
      'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=557abcec3ee5a047;Sampled=1';
    capture = captureConsole();
    createLogger('customer-sync').info('applied');
    expect(capture.lines()[0]).toMatchObject({ xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793' });
  });
});
