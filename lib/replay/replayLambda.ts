import type { AwsCallLimits } from '../aws/boundedCalls.ts';
import * as z from '../zod.ts';
import { awsLimitsEnv, awsLimitsOf } from '../config/awsLimits.ts';
import { type Env, envVar, parseEnv } from '../config/parseEnv.ts';
import { formatIssues, toIssues } from '../zodIssues.ts';
import { ReplayOptionsError } from './errors.ts';
import type { ReplayFilter, ReplaySummary } from './types.ts';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { replayMessages } from './replayMessages.ts';

// Not `envVar.url()`: emulator queue URLs (`http://sqs.us-east-1.127.0.0.1:4566/...`) are not WHATWG URLs,
// and an SQS client with `useQueueUrlAsEndpoint: false` never parses them.
const queueUrl = () =>
  z.string().check(z.regex(/^https?:\/\/\S+$/, { error: 'must be an http(s) queue URL' }));

/** The replay Lambda's environment, each variable with its description (`npm run gen-docs`). */
export const ReplayEnvSchema = z
  .object({
    DLQ_URL: queueUrl().check(z.describe('the dead-letter queue replayed from (the stack sets it)')),
    QUEUE_URL: queueUrl().check(z.describe('the event queue replayed to (the stack sets it)')),
    REPLAY_SAFETY_MARGIN_MS: z
      ._default(envVar.int(1_000, 600_000), 30_000)
      .check(
        z.describe(
          'time kept before the invocation deadline (ms): sending stops then, so the run ends cleanly',
        ),
      ),
    // An attempt may be a long poll (SQS waits up to 20 s): room for it, and two attempts fit the margin.
    ...awsLimitsEnv({ requestTimeoutMs: 22_000, maxAttempts: 2 }),
  })
  .check(
    z.meta({ title: 'replay', description: 'The Lambda that replays the dead-letter queue on request.' }),
  );

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

const positiveInt = z.number().check(z.int(), z.positive());
const nonEmpty = z.string().check(z.minLength(1));

const ReplayRequestSchema = z.strictObject({
  max: z.optional(positiveInt),
  rate: z.optional(z.number().check(z.positive())),
  customer: z.optional(z.pipe(z.union([nonEmpty, positiveInt]), z.transform(String))),
  type: z.optional(nonEmpty),
  reason: z.optional(nonEmpty),
  eventId: z.optional(nonEmpty),
  copy: z.optional(z.boolean()),
  dryRun: z.optional(z.boolean()),
});

/** What an operator may ask the replay Lambda (the CLI's options as JSON). */
export interface ReplayRequest extends ReplayFilter {
  max?: number;
  rate?: number;
  copy?: boolean;
  dryRun?: boolean;
}

/**
 * Validates the replay Lambda's payload, e.g. `{"max":100,"reason":"vat-conflict","dryRun":true}`; an empty
 * payload replays everything. Unknown keys are refused (a typo like `"dryrun"` must not replay for real).
 *
 * @example
 * parseReplayRequest({ customer: 1, max: 10 }); // { customer: '1', max: 10 }
 */
export function parseReplayRequest(payload: unknown): ReplayRequest {
  const result = ReplayRequestSchema.safeParse(payload ?? {});
  if (result.success) {
    return Object.fromEntries(
      Object.entries(result.data).filter(([, value]) => value !== undefined),
    ) as ReplayRequest;
  }
  throw new ReplayOptionsError(
    `invalid replay request: ${formatIssues(toIssues(result.error.issues, '(payload)'))}`,
  );
}

export interface ReplayHandlerDeps {
  sqs: SQSClient;
  config: ReplayConfig;
  /** Dry-run rows returned at most: a Lambda response is capped at 6 MB (the counts stay exact). @default 1000 */
  maxListed?: number;
  /** Receives the run's counts (never message bodies). */
  log?: (message: string, fields: Record<string, unknown>) => void;
}

/**
 * The replay Lambda's logic: validates the JSON payload ({@link parseReplayRequest}), replays from `DLQ_URL`
 * to `QUEUE_URL` with {@link replayMessages}, stopping cleanly before the invocation runs out of time
 * (`stoppedBy: 'deadline'`: invoke again for the rest), and returns the summary.
 *
 * @example
 * const summary = await handleReplayRequest({ reason: 'vat-conflict', max: 100 }, { sqs, config }, context);
 */
export async function handleReplayRequest(
  payload: unknown,
  deps: ReplayHandlerDeps,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<ReplaySummary> {
  const request = parseReplayRequest(payload);
  const summary = await replayMessages({
    ...request,
    sqs: deps.sqs,
    from: deps.config.dlqUrl,
    to: deps.config.queueUrl,
    shouldStop: () => (context ? context.getRemainingTimeInMillis() < deps.config.safetyMarginMs : false),
  });
  const { messages: _listed, failures, ...counts } = summary;
  deps.log?.('replay finished', { ...counts, failures: failures.length });
  const maxListed = deps.maxListed ?? 1_000;
  if (summary.messages && summary.messages.length > maxListed) {
    return {
      ...summary,
      messages: summary.messages.slice(0, maxListed),
      messagesOmitted: summary.messages.length - maxListed,
    };
  }
  return summary;
}
