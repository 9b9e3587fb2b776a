import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** Messages on a queue: visible, in flight (or backing off), delayed. */
export async function queueDepth(
  sqs: SQSClient,
  queueUrl: string,
): Promise<{ visible: number; total: number }> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  const visible = Number(Attributes.ApproximateNumberOfMessages ?? 0);
  const total =
    visible +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0);
  return { visible, total };
}

/**
 * Waits until the queue holds nothing at all (visible, in flight or delayed) on two checks in a row, or
 * until `timeoutMs`. Returns whether it drained; `onTick` runs on every check (progress, log folding).
 *
 * @example
 * const drained = await waitForDrain(sqs, queueUrl, { timeoutMs: 120_000 });
 */
export async function waitForDrain(
  sqs: SQSClient,
  queueUrl: string,
  options: { timeoutMs: number; intervalMs?: number; onTick?: (depth: number) => void },
): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  let emptyChecks = 0;
  while (Date.now() < deadline) {
    const { total } = await queueDepth(sqs, queueUrl);
    options.onTick?.(total);
    emptyChecks = total === 0 ? emptyChecks + 1 : 0;
    if (emptyChecks >= 2) return true;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
  }
  return false;
}
