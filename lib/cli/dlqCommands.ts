import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { inspectDlq } from '../replay/inspectDlq.ts';
import { replayMessages } from '../replay/replayMessages.ts';
import { summariseDlq } from '../replay/inspectDlq.ts';
import { FAILURE_REASONS, isKnownReason } from '../replay/failureReasons.ts';
import type { ReplayFilter } from '../replay/types.ts';
import { CliUsageError } from './errors.ts';
import { renderDlqSummary, renderMessages, renderReplaySummary } from './output.ts';
import { createProgress } from './output.ts';
import { createSqsClient, resolveTarget, type ResolveDeps, type TargetOptions } from './target.ts';

/** Streams and environment of one CLI run (injectable for tests). */
export interface CliIo extends ResolveDeps {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Builds the SQS client (tests wrap it). @default createSqsClient */
  sqsClient?: typeof createSqsClient;
}

export interface ReplayCommandOptions extends TargetOptions, ReplayFilter {
  dryRun?: boolean;
  max?: number;
  rate?: number;
  copy?: boolean;
  json?: boolean;
}

/**
 * `crm-sync replay`: moves (or copies) DLQ messages back to the event queue; `--dry-run` lists them and
 * summarises the DLQ instead. Returns the exit code: 1 if any send failed.
 */
export async function replayCommand(options: ReplayCommandOptions, io: CliIo): Promise<number> {
  const filter = filterOf(options);
  const target = await resolveTarget(options, io);
  if (!target.to && !options.dryRun) {
    throw new CliUsageError('no event queue: give --to <queue-url>, --stack <name> or --local');
  }
  const sqs = (io.sqsClient ?? createSqsClient)(target);
  try {
    const total = options.json
      ? 0
      : Math.min(options.max ?? Infinity, await approximateSize(sqs, target.from));
    const progress = createProgress(io.stderr, total, {
      dryRun: options.dryRun ?? false,
      copy: options.copy ?? false,
    });
    const summary = await replayMessages({
      sqs,
      from: target.from,
      to: target.to ?? '',
      ...filter,
      ...(options.max !== undefined && { max: options.max }),
      ...(options.rate !== undefined && { rate: options.rate }),
      copy: options.copy ?? false,
      dryRun: options.dryRun ?? false,
      onProgress: (p) => progress.tick(p),
    });
    progress.stop();
    if (options.json) {
      io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    } else {
      const parts = summary.dryRun
        ? [
            renderMessages(summary.messages ?? []),
            '',
            renderDlqSummary(summariseDlq(summary.messages ?? [])),
            '',
          ]
        : [];
      io.stdout.write(`${[...parts, renderReplaySummary(summary)].join('\n')}\n`);
    }
    return summary.failed > 0 ? 1 : 0;
  } finally {
    sqs.destroy();
  }
}

export interface DlqCommandOptions extends TargetOptions, ReplayFilter {
  json?: boolean;
  list?: boolean;
}

/** `crm-sync dlq`: what is in the DLQ by reason and type, the oldest age; `--list` adds the table. */
export async function dlqCommand(options: DlqCommandOptions, io: CliIo): Promise<number> {
  const filter = filterOf(options);
  const target = await resolveTarget(options, io);
  const sqs = (io.sqsClient ?? createSqsClient)(target);
  try {
    const { messages, summary } = await inspectDlq({ sqs, from: target.from, ...filter });
    if (options.json) {
      io.stdout.write(`${JSON.stringify({ dlq: target.from, summary, messages }, null, 2)}\n`);
    } else {
      const parts = [renderDlqSummary(summary)];
      if (options.list) parts.push('', renderMessages(messages));
      io.stdout.write(`${parts.join('\n')}\n`);
    }
    return 0;
  } finally {
    sqs.destroy();
  }
}

// An unknown --reason would silently match nothing: refused before anything is read, with the known ones.
function filterOf(options: ReplayFilter): ReplayFilter {
  if (options.reason !== undefined && !isKnownReason(options.reason)) {
    throw new CliUsageError(
      `unknown --reason "${options.reason}"; the known reasons are: ${Object.keys(FAILURE_REASONS).join(', ')}`,
    );
  }
  return {
    ...(options.customer !== undefined && { customer: options.customer }),
    ...(options.type !== undefined && { type: options.type }),
    ...(options.reason !== undefined && { reason: options.reason }),
    ...(options.eventId !== undefined && { eventId: options.eventId }),
  };
}

// Only sizes the progress bar: 0 (no bar) if the count cannot be read.
async function approximateSize(sqs: SQSClient, queueUrl: string): Promise<number> {
  try {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    return Number(Attributes.ApproximateNumberOfMessages ?? 0) || 0;
  } catch {
    return 0;
  }
}
