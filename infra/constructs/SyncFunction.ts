import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../lib/observability/names.ts';
import type { BundledFunction } from '../../lib/settings/bundling.ts';
import { bundledCode } from './bundledCode.ts';
import type { ImportedSecret } from './importSecret.ts';

export interface SyncFunctionProps {
  /** Which `functions/<name>/handler.ts` to deploy (bundled with lib/settings/bundling.ts). */
  readonly bundle: BundledFunction;
  /** Powertools `serviceName` (the `service` metric dimension and log field). */
  readonly serviceName: string;
  readonly description?: string;
  /** @default 256 (MB; the benchmark's measurement is the basis for changing it) */
  readonly memorySize?: number;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Variables on top of the defaults (NODE_OPTIONS, POWERTOOLS_*, STACK_NAME, TRACING). */
  readonly environment?: Record<string, string>;
  /**
   * X-Ray active tracing, with Powertools Tracer in the code (`TRACING=true`); off, the function neither
   * records nor pays for traces and its role has no X-Ray permission. @default false
   */
  readonly tracing?: boolean;
  /** Concurrent executions reserved (and allowed at most). @default none: the account's pool */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * A crm-sync Lambda function with the project's defaults: Node.js 24 on arm64, the shared esbuild bundle,
 * X-Ray tracing when asked, source-mapped stack traces, Powertools service/namespace variables, the stack's
 * name (`STACK_NAME`: every metric's `stack` dimension), its own log group with a retention, and its own role
 * that may only write to that log group. Everything else it may do is
 * added with a `bindX()` method that sets the environment variable and the IAM statement in one call.
 *
 * @example
 * const fn = new SyncFunction(this, 'Webhook', { bundle: 'webhook', serviceName: 'webhook' })
 *   .bindQueueSender('QUEUE_URL', queue)
 *   .bindSecret('WEBHOOK_SECRET_ID', webhookSecret);
 */
export class SyncFunction extends lambda.Function {
  constructor(scope: Construct, id: string, props: SyncFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An own role instead of the AWSLambdaBasicExecutionRole managed policy, whose logs actions apply to `*`.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.serviceName} function of ${Stack.of(scope).stackName}`,
    });
    super(scope, id, {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      code: bundledCode(props.bundle),
      handler: 'index.handler',
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: props.tracing === true ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      logGroup,
      role,
      ...(props.description !== undefined && { description: props.description }),
      ...(props.reservedConcurrentExecutions !== undefined && {
        reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      }),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        STACK_NAME: Stack.of(scope).stackName,
        ...(props.tracing === true && {
          TRACING: 'true',
          // Handler results carry message ids only, but nothing of a result needs to be in a trace.
          POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
        }),
        ...props.environment,
      },
    });
    this.allow(['logs:CreateLogStream', 'logs:PutLogEvents'], [logGroup.logGroupArn]);
    if (props.tracing === true) {
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Only for X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource but "*".',
      });
    }
  }

  /** Sets `envName` to the queue URL; allows `sqs:SendMessage` on that queue only. */
  bindQueueSender(envName: string, queue: sqs.IQueue): this {
    this.addEnvironment(envName, queue.queueUrl);
    this.allow(['sqs:SendMessage'], [queue.queueArn]);
    this.allowKey(queue.encryptionMasterKey, ['kms:GenerateDataKey', 'kms:Decrypt']);
    return this;
  }

  /**
   * Allows `sqs:SendMessage` on the queue the function consumes: customer-sync defers a record whose customer
   * is busy (or whose last write is still settling) by sending it again as a new message, which uses up no
   * receive of the redrive policy. The URL comes from each record's event source ARN.
   */
  allowRequeue(queue: sqs.IQueue): this {
    this.allow(['sqs:SendMessage'], [queue.queueArn]);
    this.allowKey(queue.encryptionMasterKey, ['kms:GenerateDataKey', 'kms:Decrypt']);
    return this;
  }

  /**
   * Sets `envName` to the queue URL; allows reading, deleting and re-timing its messages (what moving
   * messages out of a DLQ needs): ReceiveMessage, DeleteMessage, ChangeMessageVisibility, GetQueueAttributes.
   */
  bindQueueDrainer(envName: string, queue: sqs.IQueue): this {
    this.addEnvironment(envName, queue.queueUrl);
    this.allow(
      ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
      [queue.queueArn],
    );
    this.allowKey(queue.encryptionMasterKey, ['kms:Decrypt']);
    return this;
  }

  /**
   * Sets `envName` to the secret's id; allows `secretsmanager:GetSecretValue` on that secret only — and with
   * `write`, `secretsmanager:PutSecretValue` on it too (rotated OAuth refresh tokens are written back). With a
   * customer-managed key, the KMS actions are allowed only through Secrets Manager.
   */
  bindSecret(
    envName: string,
    secret: ImportedSecret,
    key?: kms.IKey,
    options: { write?: boolean } = {},
  ): this {
    this.addEnvironment(envName, secret.secretId);
    this.allow(
      ['secretsmanager:GetSecretValue', ...(options.write ? ['secretsmanager:PutSecretValue'] : [])],
      [secret.policyResource],
    );
    if (key !== undefined) {
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt', ...(options.write ? ['kms:GenerateDataKey'] : [])],
          resources: [key.keyArn],
          conditions: {
            StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` },
          },
        }),
      );
    }
    return this;
  }

  /**
   * Sets `envName` to the table name; allows `GetItem` and `UpdateItem` on it only: the state store reads and
   * writes every item with conditional updates (lease, commit, release), never `PutItem` or `DeleteItem`.
   */
  bindStateTable(envName: string, table: dynamodb.ITable): this {
    this.addEnvironment(envName, table.tableName);
    this.allow(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [table.tableArn]);
    this.allowKey(table.encryptionKey, ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']);
    return this;
  }

  private allow(actions: string[], resources: string[]): void {
    this.addToRolePolicy(new iam.PolicyStatement({ actions, resources }));
  }

  private allowKey(key: kms.IKey | undefined, actions: string[]): void {
    if (key !== undefined) this.allow(actions, [key.keyArn]);
  }
}
