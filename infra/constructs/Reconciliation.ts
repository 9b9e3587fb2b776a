import { Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SERVICE_NAMES } from '../../lib/observability/names.ts';
import type { ClientAuthMethod } from '../../lib/oauth/types.ts';
import type { ImportedSecret } from './importSecret.ts';
import { SyncFunction } from './SyncFunction.ts';

/** `reconcileSchedule` value that deploys the function without a schedule (run it by hand, or the backfill CLI). */
export const SCHEDULE_DISABLED = 'disabled';

export interface ReconciliationProps {
  readonly queue: sqs.IQueue;
  readonly stateTable: dynamodb.ITable;
  readonly credentials: ImportedSecret;
  readonly secretsKey?: kms.IKey;
  readonly crmApiUrl: string;
  readonly crmTenantId: number;
  /**
   * CRO's OAuth token endpoint (`CRM_TOKEN_URL`), when the credentials secret holds the `crm` object: the
   * function refreshes access tokens under the tenant's lease in the state table and writes rotated refresh
   * tokens back to the secret. Unset: a static `crmToken`, read only.
   */
  readonly crmTokenUrl?: string;
  /** `CRM_TOKEN_AUTH`, with `crmTokenUrl`. */
  readonly crmTokenAuth?: ClientAuthMethod;
  /** An EventBridge Scheduler expression (`rate(15 minutes)`, `cron(...)`), or {@link SCHEDULE_DISABLED}. */
  readonly schedule: string;
  /** `CRM_LOCATION_IDS`; unset: every active location. */
  readonly locationIds?: string;
  /** `CRM_VAT_FIELD`. */
  readonly vatField?: string;
  /** `RECONCILE_ENQUEUE_RATE` (events per second). */
  readonly enqueueRate: number;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The reconciliation: the `reconcile` function (lists CRO, enqueues events, keeps checkpoints in the state
 * table) and the EventBridge Scheduler schedule that invokes it. The function may send to the event queue,
 * read the credentials secret (and, with CRO OAuth, write it: rotated refresh tokens), and get/update items
 * of the state table (checkpoints and the OAuth refresh lease); the schedule's role may only invoke it. A run
 * that fails is not retried by the scheduler: the next scheduled run is the retry (the checkpoint makes it pick
 * up everything). Its alarms (ReconcileErrors, CheckpointLag) are in infra/syncAlarmSpecs.ts.
 *
 * @example
 * const reconciliation = new Reconciliation(this, 'Reconciliation', { queue, stateTable, credentials, ... });
 */

export class Reconciliation extends Construct {
  readonly function: SyncFunction;
  readonly schedule?: scheduler.CfnSchedule;

  constructor(scope: Construct, id: string, props: ReconciliationProps) {
    super(scope, id);
    this.function = new SyncFunction(scope, 'Reconcile', {
      bundle: 'reconcile',
      serviceName: SERVICE_NAMES.reconcile,
      description: 'Lists CRM customers changed since the checkpoint and enqueues their events',
      // Long runs (a first backfill) stop in time and resume at the next run.
      timeout: Duration.minutes(10),
      logRetention: props.logRetention,
      environment: {
        CRM_API_URL: props.crmApiUrl,
        CRM_TENANT_ID: String(props.crmTenantId),
        RECONCILE_ENQUEUE_RATE: String(props.enqueueRate),
        ...(props.locationIds !== undefined && { CRM_LOCATION_IDS: props.locationIds }),
        ...(props.vatField !== undefined && { CRM_VAT_FIELD: props.vatField }),
        ...(props.crmTokenUrl !== undefined && {
          CRM_TOKEN_URL: props.crmTokenUrl,
          CRM_TOKEN_AUTH: props.crmTokenAuth ?? 'client_secret_basic',
        }),
      },
    })
      // With CRO OAuth, rotated refresh tokens are written back to the same secret (and to no other).
      .bindSecret('CREDENTIALS_SECRET_ID', props.credentials, props.secretsKey, {
        write: props.crmTokenUrl !== undefined,
      })
      .bindQueueSender('QUEUE_URL', props.queue)
      .bindStateTable('STATE_TABLE_NAME', props.stateTable);

    if (props.schedule !== SCHEDULE_DISABLED) {
      // The L1 schedule with an own role: the L2 Lambda target also grants invoking every version and
      // alias (`<arn>:*`), which cdk-nag rightly flags; the scheduler invokes the unqualified function only.
      const role = new iam.Role(this, 'ScheduleRole', {
        assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
        }),
        description: 'Lets EventBridge Scheduler invoke the crm-sync reconcile function',
      });
      role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: [this.function.functionArn],
        }),
      );
      this.schedule = new scheduler.CfnSchedule(this, 'Schedule', {
        scheduleExpression: props.schedule,
        flexibleTimeWindow: { mode: 'OFF' },
        description: 'crm-sync reconciliation: list CRO customers changed since the last checkpoint',
        target: {
          arn: this.function.functionArn,
          roleArn: role.roleArn,
          input: JSON.stringify({ source: 'crm-sync.reconcile-schedule' }),
          // A failed run is not retried here: the next scheduled run is the retry.
          retryPolicy: { maximumRetryAttempts: 0 },
        },
      });
    }
  }
}
