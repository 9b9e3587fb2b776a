import type { StackProps } from 'aws-cdk-lib';
import type { VatConflictPolicy } from '../lib/config/customerSync.ts';
import type { ClientAuthMethod } from '../lib/oauth/types.ts';
import type { QueueEncryptionMode } from './constructs/EventQueues.ts';

/**
 * Everything a deployment can set. Each key is also a CDK context key (`cdk.json` or
 * `npx cdk deploy -c key=value`), read by {@link stackPropsFromContext}; docs/configuration.md#cdk-context lists them.
 */
export interface CrmSyncStackProps extends StackProps {
  /** CRO Software API base URL (`CRM_API_URL`). */
  readonly crmApiUrl: string;
  /** The CRO tenant this deployment serves (`CRM_TENANT_ID`). */
  readonly crmTenantId: number;
  /** Name or complete ARN of the existing secret `{"invisibleCollectorToken","crmToken"}` (or `"crm": {...}`). */
  readonly credentialsSecretName: string;
  /**
   * CRO's OAuth 2.0 token endpoint (`CRM_TOKEN_URL`): set it when the credentials secret holds the `crm`
   * OAuth object; customer-sync may then also write that secret (`PutSecretValue`, rotated refresh tokens).
   */
  readonly crmTokenUrl?: string;
  /** Token endpoint client authentication (`CRM_TOKEN_AUTH`). @default 'client_secret_basic' */
  readonly crmTokenAuth?: ClientAuthMethod;
  /** Name or complete ARN of the existing secret holding the webhook's `whsec_...` secret(s). */
  readonly webhookSecretName: string;
  /** ARN of the customer-managed KMS key the two secrets are encrypted with, if not the AWS managed one. */
  readonly secretsKmsKeyArn?: string;
  /** @default 'https://api.invisiblecollector.com' */
  readonly icApiUrl?: string;
  /** Mapping fallbacks (`DEFAULT_COUNTRY`, `DEFAULT_LOCALE`); unset by default. */
  readonly defaultCountry?: string;
  readonly defaultLocale?: string;

  /** FIFO queue + DLQ instead of standard ones. @default false */
  readonly fifo?: boolean;
  /** @default 'sqs-managed' */
  readonly queueEncryption?: QueueEncryptionMode;
  /** Main queue message retention. @default 4 */
  readonly queueRetentionDays?: number;
  /** How long transient failures are retried before a message is dead-lettered (→ maxReceiveCount). @default 120 */
  readonly retryHorizonMinutes?: number;

  /** customer-sync timeout (→ the queue's visibility timeout, 6×). @default 60 */
  readonly syncTimeoutSeconds?: number;
  /** customer-sync memory in MB. @default 256 */
  readonly syncMemorySize?: number;
  /** Records per invocation. @default 25 (standard), 10 (FIFO) */
  readonly batchSize?: number;
  /** @default 2 (standard), 0 (FIFO) */
  readonly maxBatchingWindowSeconds?: number;
  /** Concurrent customer-sync invocations at most (protects Invisible Collector). @default 5 */
  readonly maxConcurrency?: number;
  /** Customers synced in parallel inside one invocation (`SYNC_CONCURRENCY`). @default 10 */
  readonly syncConcurrency?: number;
  /** @default 'dead-letter' */
  readonly vatConflictPolicy?: VatConflictPolicy;

  /** Webhook API steady rate (requests/s). @default 50 */
  readonly webhookRateLimit?: number;
  /** Webhook API burst. @default 100 */
  readonly webhookBurstLimit?: number;
  /** webhook memory in MB. @default 256 */
  readonly webhookMemorySize?: number;

  /**
   * When the reconciliation runs: an EventBridge Scheduler expression, or `disabled` (the function is
   * deployed without a schedule). @default 'rate(15 minutes)'
   */
  readonly reconcileSchedule?: string;
  /** Events the reconciliation puts on the queue per second at most (`RECONCILE_ENQUEUE_RATE`). @default 100 */
  readonly reconcileRate?: number;
  /** Locations to reconcile, comma-separated (`CRM_LOCATION_IDS`); unset: every active location. */
  readonly crmLocationIds?: string;
  /** Where the tenant keeps the VAT number in CRO's CustomerModel, a dotted path (`CRM_VAT_FIELD`). */
  readonly crmVatField?: string;
  /** Alarm when a location's reconciliation checkpoint is older than this. @default 60 */
  readonly checkpointLagAlarmMinutes?: number;

  /** Retention of every log group, in days (a CloudWatch Logs retention value). @default 30 */
  readonly logRetentionDays?: number;
  /** Alarm when an event not yet retried has waited on the main queue longer than this. @default 30 */
  readonly oldestMessageAgeAlarmMinutes?: number;
  /** Alarm when the oldest dead letter is older than this (the DLQ deletes them at 14 days). @default 10 */
  readonly deadLetterAgeAlarmDays?: number;
  /** Alarm when the webhook receives no request for this many hours; 0: no such alarm. @default 24 */
  readonly webhookSilenceAlarmHours?: number;
  /** E-mail subscribed to the alarm topic; no subscription when unset. */
  readonly alarmEmail?: string;
  /**
   * Keep the DLQ and the state table (both with names derived from the stack name) when the stack is deleted
   * or they are replaced; `false`: delete them with the stack. @default true
   */
  readonly retainData?: boolean;
  /** X-Ray active tracing and Powertools Tracer in the functions. @default false */
  readonly tracing?: boolean;
}
