import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DLQ_RETENTION_SECONDS } from '../../lib/settings/queueSettings.ts';

/** `sqs-managed`: SSE-SQS (no key to manage); `kms`: a customer-managed key with rotation, created here. */
export type QueueEncryptionMode = 'sqs-managed' | 'kms';

export interface EventQueuesProps {
  /** FIFO queues (per-message-group throughput, dedup ids set by producers) instead of standard ones. */
  readonly fifo: boolean;
  readonly encryption: QueueEncryptionMode;
  /** Derived with `queueVisibilityTimeout()` from the consumer's timeout. */
  readonly visibilityTimeout: Duration;
  /** Derived with `maxReceiveCount()` from the retry horizon. */
  readonly maxReceiveCount: number;
  /** @default Duration.days(4) */
  readonly retentionPeriod?: Duration;
  /**
   * The DLQ's name (FIFO: `.fifo` is appended): a stable name lets a redeployed stack take over a retained DLQ
   * (`cdk import`). @default a name CloudFormation generates
   */
  readonly deadLetterQueueName?: string;
  /** What happens to the DLQ, and its dead letters, when it leaves the stack. @default RemovalPolicy.RETAIN */
  readonly deadLetterRemovalPolicy?: RemovalPolicy;
}

/**
 * The event queue and its dead-letter queue: same type (standard or FIFO), encrypted, TLS-only, with a
 * redrive policy after `maxReceiveCount` receives and a 14-day DLQ retention (SQS's maximum: the operator
 * has two weeks to fix and replay). The DLQ is retained by default when it leaves the stack (its dead letters
 * are the only copy of those events); the event queue is deleted with the stack.
 *
 * @example
 * const { queue, deadLetterQueue } = new EventQueues(this, 'Events', { fifo: false, encryption: 'sqs-managed',
 *   visibilityTimeout: Duration.seconds(360), maxReceiveCount: 21 });
 */
export class EventQueues extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  /** The queues' key when `encryption` is `kms`. */
  readonly key?: kms.Key;

  constructor(scope: Construct, id: string, props: EventQueuesProps) {
    super(scope, id);
    if (props.encryption === 'kms') {
      this.key = new kms.Key(this, 'Key', {
        description: 'Encrypts the crm-sync event queue and its DLQ',
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    }
    const encryption = this.key
      ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: this.key }
      : { encryption: sqs.QueueEncryption.SQS_MANAGED };
    const fifo = props.fifo
      ? {
          fifo: true,
          // Producers set MessageDeduplicationId (the CloudEvent id), so a body-hash dedup would be wrong.
          contentBasedDeduplication: false,
          deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
          fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
        }
      : {};

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      ...fifo,
      ...encryption,
      ...(props.deadLetterQueueName !== undefined && {
        queueName: props.fifo ? `${props.deadLetterQueueName}.fifo` : props.deadLetterQueueName,
      }),
      enforceSSL: true,
      retentionPeriod: Duration.seconds(DLQ_RETENTION_SECONDS),
      removalPolicy: props.deadLetterRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This is the dead-letter queue of the event queue; a DLQ of its own would only hide failures.',
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      ...fifo,
      ...encryption,
      enforceSSL: true,
      retentionPeriod: props.retentionPeriod ?? Duration.days(4),
      visibilityTimeout: props.visibilityTimeout,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    });
  }
}
