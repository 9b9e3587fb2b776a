import type { SQSClient } from '@aws-sdk/client-sqs';
import { describeMessage } from './describeMessage.ts';
import { matchesFilter } from './matchesFilter.ts';
import { scanDlq, type ScanDlqOptions } from './scanDlq.ts';
import { summariseDlq, type DlqSummary } from './summariseDlq.ts';
import type { DlqMessage, ReplayFilter } from './types.ts';

export interface InspectDlqOptions
  extends
    ReplayFilter,
    Pick<ScanDlqOptions, 'waitTimeSeconds' | 'idleReceives' | 'visibilityTimeoutSeconds'> {
  sqs: SQSClient;
  /** The dead-letter queue URL. */
  from: string;
  now?: () => number;
}

/**
 * Reads every message of the DLQ once (SQS has no peek: each is received, then made visible again; nothing is
 * deleted) and returns the rows matching the filter with their summary — the `crm-sync dlq` command.
 *
 * @example
 * const { summary } = await inspectDlq({ sqs, from: dlqUrl });
 * summary.byReason; // { 'vat-conflict': 2, redriven: 1 }
 */
export async function inspectDlq(
  options: InspectDlqOptions,
): Promise<{ messages: DlqMessage[]; summary: DlqSummary }> {
  const now = options.now ?? Date.now;
  const messages: DlqMessage[] = [];
  await scanDlq({ ...options, queueUrl: options.from }, async (batch) => {
    for (const message of batch) {
      const row = describeMessage(message, now());
      if (matchesFilter(row, options)) messages.push(row);
    }
  });
  return { messages, summary: summariseDlq(messages) };
}
