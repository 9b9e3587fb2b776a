import * as z from '../zod.ts';
import { maxReceiveCount } from './maxReceiveCount.ts';
import { queueVisibilityTimeout } from './queueVisibilityTimeout.ts';

/** The DLQ's retention: SQS's maximum, 14 days (the operator's time to fix and replay). */
export const DLQ_RETENTION_SECONDS = 14 * 24 * 3600;

/**
 * The attributes the event queue and its DLQ must have, derived from the deployment's settings: what the CDK
 * stack creates, what `npm start` creates on the emulator, and what `crm-sync doctor` checks a live queue
 * against (the stack publishes them as its `QueueSettings` output, the local stack in `.local/stack.json`).
 */
export const QueueSettingsSchema = z.object({
  /** The redrive policy's `maxReceiveCount`. */
  maxReceiveCount: z.number().check(z.int(), z.positive()),
  /** The event queue's `VisibilityTimeout`. */
  visibilityTimeoutSeconds: z.number().check(z.int(), z.nonnegative()),
  /** The event queue's `MessageRetentionPeriod`. */
  retentionSeconds: z.number().check(z.int(), z.positive()),
  /** The DLQ's `MessageRetentionPeriod`. */
  dlqRetentionSeconds: z.number().check(z.int(), z.positive()),
});
export type QueueSettings = z.infer<typeof QueueSettingsSchema>;

/** What {@link queueSettings} derives the attributes from (the CDK context keys of the same names). */
export interface QueueSettingsInput {
  retryHorizonMinutes: number;
  syncTimeoutSeconds: number;
  maxBatchingWindowSeconds: number;
  queueRetentionDays: number;
}

/**
 * The queue attributes for a deployment: `maxReceiveCount` from the retry horizon, the visibility timeout
 * from the consumer's timeout and batching window (lib/settings), the main queue's retention, the DLQ's 14 days.
 *
 * @example
 * queueSettings({ retryHorizonMinutes: 120, syncTimeoutSeconds: 60, maxBatchingWindowSeconds: 2, queueRetentionDays: 4 });
 * // { maxReceiveCount: 21, visibilityTimeoutSeconds: 360, retentionSeconds: 345600, dlqRetentionSeconds: 1209600 }
 */
export function queueSettings(input: QueueSettingsInput): QueueSettings {
  return {
    maxReceiveCount: maxReceiveCount(input.retryHorizonMinutes * 60),
    visibilityTimeoutSeconds: queueVisibilityTimeout(
      input.syncTimeoutSeconds,
      input.maxBatchingWindowSeconds,
    ),
    retentionSeconds: input.queueRetentionDays * 24 * 3600,
    dlqRetentionSeconds: DLQ_RETENTION_SECONDS,
  };
}
