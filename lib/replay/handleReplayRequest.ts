import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import type { ReplayConfig } from './config.ts';
import { replayMessages } from './replayMessages.ts';
import { parseReplayRequest } from './replayRequest.ts';
import type { ReplaySummary } from './types.ts';

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
