import * as z from '../zod.ts';
import { ConfigError } from './errors.ts';
import { envVar } from './parseEnv.ts';

/**
 * `AWS_LAMBDA_FUNCTION_NAME`, which the Lambda runtime sets: a function that keeps state in DynamoDB reads it to
 * refuse running deployed without its table.
 *
 * @example
 * const Schema = z.object({ STATE_TABLE_NAME: z.optional(envVar.text()), ...lambdaRuntimeEnv });
 */
export const lambdaRuntimeEnv = {
  AWS_LAMBDA_FUNCTION_NAME: z
    .optional(envVar.text())
    .check(
      z.describe(
        'set by the Lambda runtime, never by hand: a deployed function, which requires `STATE_TABLE_NAME`',
      ),
    ),
};

/**
 * Throws {@link ConfigError} naming `STATE_TABLE_NAME` when a deployed function (the runtime set
 * `AWS_LAMBDA_FUNCTION_NAME`) has no state table: an in-memory store would silently lose `lost` between
 * containers. Outside Lambda (tests, the local stack) the in-memory store is allowed.
 *
 * @example
 * requireStateTableInLambda(e, 'leases, watermarks or deduplication');
 */
export function requireStateTableInLambda(
  e: { AWS_LAMBDA_FUNCTION_NAME?: string | undefined; STATE_TABLE_NAME?: string | undefined },
  lost: string,
): void {
  if (e.AWS_LAMBDA_FUNCTION_NAME === undefined || e.STATE_TABLE_NAME !== undefined) return;
  throw new ConfigError([
    {
      variable: 'STATE_TABLE_NAME',
      message: `is required in AWS Lambda (in memory, ${lost} would not be shared between containers)`,
    },
  ]);
}
