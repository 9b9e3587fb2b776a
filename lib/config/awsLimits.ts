import type { AwsCallLimits } from '../aws/boundedCalls.ts';
import * as z from '../zod.ts';
import { envVar } from './parseEnv.ts';

/**
 * The variables bounding every AWS SDK call of a function (DynamoDB, SQS, Secrets Manager), with that
 * function's defaults. `AWS_MAX_ATTEMPTS` is the SDK's own variable, read here so that one value applies.
 *
 * @example
 * const Schema = z.object({ QUEUE_URL: envVar.url(), ...awsLimitsEnv({ maxAttempts: 2 }) });
 */
export function awsLimitsEnv(defaults: Partial<AwsCallLimits> = {}) {
  return {
    AWS_CONNECT_TIMEOUT_MS: z
      ._default(envVar.int(100, 60_000), defaults.connectionTimeoutMs ?? 1_000)
      .check(z.describe('time to open a connection to DynamoDB, SQS or Secrets Manager (ms)')),
    AWS_CALL_TIMEOUT_MS: z
      ._default(envVar.int(100, 300_000), defaults.requestTimeoutMs ?? 3_000)
      .check(
        z.describe(
          'time for one attempt of a DynamoDB, SQS or Secrets Manager call (ms); a stalled socket fails then',
        ),
      ),
    AWS_MAX_ATTEMPTS: z
      ._default(envVar.int(1, 10), defaults.maxAttempts ?? 3)
      .check(z.describe("attempts per AWS call, the first included (the SDK's own variable)")),
  };
}

/**
 * Time an invocation keeps after its last AWS call, to log and return its result (the partial batch response,
 * a run's summary): AWS calls end this long before the Lambda deadline.
 */
export const AWS_DEADLINE_RESERVE_MS = 1_000;

/** The parsed variables of {@link awsLimitsEnv} as limits. */
export function awsLimitsOf(e: {
  AWS_CONNECT_TIMEOUT_MS: number;
  AWS_CALL_TIMEOUT_MS: number;
  AWS_MAX_ATTEMPTS: number;
}): AwsCallLimits {
  return {
    connectionTimeoutMs: e.AWS_CONNECT_TIMEOUT_MS,
    requestTimeoutMs: e.AWS_CALL_TIMEOUT_MS,
    maxAttempts: e.AWS_MAX_ATTEMPTS,
  };
}
