import type { AwsCallLimits } from '../aws/boundedCalls.ts';
import * as z from '../zod.ts';
import { awsLimitsEnv, awsLimitsOf } from '../config/awsLimits.ts';
import { envVar, parseEnv, type Env } from '../config/parseEnv.ts';

// Not `envVar.url()`: emulator queue URLs (`http://sqs.us-east-1.127.0.0.1:4566/...`) are not WHATWG URLs,
// and an SQS client with `useQueueUrlAsEndpoint: false` never parses them.
const queueUrl = () =>
  z.string().check(z.regex(/^https?:\/\/\S+$/, { error: 'must be an http(s) queue URL' }));

const ReplayEnvSchema = z.object({
  DLQ_URL: queueUrl(),
  QUEUE_URL: queueUrl(),
  /** Stop sending when less than this much of the invocation is left, so the run ends cleanly. */
  REPLAY_SAFETY_MARGIN_MS: z._default(envVar.int(1_000, 600_000), 30_000),
  // An attempt may be a long poll (SQS waits up to 20 s): room for it, and two attempts fit the margin.
  ...awsLimitsEnv({ requestTimeoutMs: 22_000, maxAttempts: 2 }),
});

/** The replay Lambda's configuration. */
export interface ReplayConfig {
  /** The dead-letter queue replayed from. */
  dlqUrl: string;
  /** The event queue replayed to. */
  queueUrl: string;
  /** Time kept in reserve at the end of an invocation. @default 30000 */
  safetyMarginMs: number;
  /** Bounds of the SQS calls. @default { connectionTimeoutMs: 1000, requestTimeoutMs: 22000, maxAttempts: 2 } */
  awsLimits: AwsCallLimits;
}

/**
 * Reads the replay Lambda's environment once, at cold start (`DLQ_URL`, `QUEUE_URL`, both set by the stack);
 * throws `ConfigError` naming every bad variable, never its value.
 *
 * @example
 * const config = loadReplayConfig(); // process.env
 */
export function loadReplayConfig(env: Env = process.env): ReplayConfig {
  const e = parseEnv(ReplayEnvSchema, env);
  return {
    dlqUrl: e.DLQ_URL,
    queueUrl: e.QUEUE_URL,
    safetyMarginMs: e.REPLAY_SAFETY_MARGIN_MS,
    awsLimits: awsLimitsOf(e),
  };
}
