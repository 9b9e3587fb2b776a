/** What the replay tool knows about one dead-lettered message, without its body's personal data. */
export interface DlqMessage {
  /** The DLQ message id (SQS). */
  messageId: string;
  /** CloudEvent `type`, when the body has one. */
  eventType?: string;
  /** CloudEvent `id`, when the body has one. */
  eventId?: string;
  /** CRO customer id: `data.customerId` of the body, else the `<tenant>-<customer>` FIFO message group. */
  customerId?: string;
  /** `failure-reason`; `redriven` for a message the redrive policy moved after `maxReceiveCount` receives. */
  reason: string;
  /** `failure-detail` (already free of secrets and personal data when the sync wrote it). */
  detail?: string;
  /** Milliseconds since the message was first sent (SQS `SentTimestamp`: DLQ retention counts from it). */
  ageMs: number;
  /** SQS `ApproximateReceiveCount` (this scan's receive included). */
  receiveCount: number;
  /** `replay-count` attribute: how often it was replayed before. */
  replayCount: number;
  /** FIFO message group id. */
  groupId?: string;
  /** `source-message-id`: the message id on the event queue that failed. */
  sourceMessageId?: string;
}

/** Which DLQ messages to replay; every given criterion must match. */
export interface ReplayFilter {
  /** CRO customer id (as text, e.g. `'1'`). */
  customer?: string;
  /** CloudEvent type, e.g. `crm.customer.updated`. */
  type?: string;
  /** `failure-reason` (or `redriven`). */
  reason?: string;
  /** CloudEvent `id` (the id `npm start` and the logs print). */
  eventId?: string;
}

/** One message that could not be moved; it stays in the DLQ. */
export interface ReplayFailure {
  messageId: string;
  /** `send`: not on the event queue, still in the DLQ. `delete`: on the event queue AND still in the DLQ. */
  stage: 'send' | 'delete';
  /** Error name/code, e.g. `AWS.SimpleQueueService.NonExistentQueue`. */
  error: string;
}

/** Why a run ended. */
export type StopReason = 'drained' | 'max' | 'failures' | 'deadline';

/** The outcome of {@link replayMessages} (also the replay Lambda's return value). */
export interface ReplaySummary {
  from: string;
  to: string;
  dryRun: boolean;
  copy: boolean;
  /** Distinct DLQ messages looked at. */
  scanned: number;
  /** Messages the filter selected (dry run: those that would be replayed, up to `max`). */
  matched: number;
  /** Sent to the event queue (and deleted from the DLQ unless `copy`). */
  replayed: number;
  /** Left in the DLQ because the filter did not select them. */
  skippedByFilter: number;
  /** Messages sent by this very run that came back to the DLQ during it: not replayed twice. */
  skippedFailedAgain: number;
  /** Sends (or deletes) that failed; those messages stay in the DLQ. */
  failed: number;
  failures: ReplayFailure[];
  stoppedBy: StopReason;
  /** Dry run: the matched messages (the table an operator reads). */
  messages?: DlqMessage[];
  /** Matched messages left out of `messages` (the replay Lambda lists at most 1000: its response is capped at 6 MB). */
  messagesOmitted?: number;
}
