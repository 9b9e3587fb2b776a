import { describe, it, expect, beforeAll } from '@jest/globals';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CrmSyncStack } from '../../infra/CrmSyncStack.ts';
import { METRIC, METRICS_NAMESPACE } from '../../lib/observability/names.ts';
import {
  allow,
  arnOf,
  crmSyncStack,
  logicalId,
  permissionsOfRole,
  refOf,
  sortPermissions,
  testApps,
} from './templateHelpers.ts';

const testApp = testApps();

describe('CrmSyncStack with default props', () => {
  let stack: CrmSyncStack;
  let template: Template;

  beforeAll(() => {
    stack = crmSyncStack(testApp(), 'Default');
    template = Template.fromStack(stack);
  });

  const secretArn = (name: string) => ({
    'Fn::Join': [
      '',
      ['arn:', { Ref: 'AWS::Partition' }, `:secretsmanager:eu-west-1:123456789012:secret:${name}-??????`],
    ],
  });
  const xray = allow(['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], '*');
  const logsOf = (fn: { logGroup: object }) =>
    allow(['logs:CreateLogStream', 'logs:PutLogEvents'], arnOf(fn.logGroup as never));

  describe('queues', () => {
    it('redrives the event queue to the DLQ after the receive count derived from a 2-hour retry horizon', () => {
      template.hasResourceProperties('AWS::SQS::Queue', {
        RedrivePolicy: { deadLetterTargetArn: arnOf(stack.queues.deadLetterQueue), maxReceiveCount: 21 },
        MessageRetentionPeriod: 4 * 24 * 3600,
      });
    });

    it('keeps dead-lettered messages 14 days', () => {
      const dlq = template.toJSON().Resources[logicalId(stack.queues.deadLetterQueue)];
      expect(dlq.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
      expect(dlq.Properties.RedrivePolicy).toBeUndefined();
    });

    it('sets a visibility timeout of at least six times the customer-sync timeout', () => {
      const queue = template.toJSON().Resources[logicalId(stack.queues.queue)];
      const fn = template.toJSON().Resources[logicalId(stack.syncFunction)];
      expect(fn.Properties.Timeout).toBe(60);
      expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fn.Properties.Timeout);
    });

    it('encrypts both queues with SQS-managed keys and creates standard queues', () => {
      const queues = Object.values(template.findResources('AWS::SQS::Queue'));
      expect(queues).toHaveLength(2);
      for (const queue of queues) {
        expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
        expect(queue.Properties.FifoQueue).toBeUndefined();
      }
    });

    it('denies every non-TLS request on both queues', () => {
      for (const queue of [stack.queues.queue, stack.queues.deadLetterQueue]) {
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [refOf(queue)],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Effect: 'Deny',
                Action: 'sqs:*',
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
                Resource: arnOf(queue),
              }),
            ]),
          },
        });
      }
    });
  });

  describe('customer-sync', () => {
    it('consumes the queue reporting batch item failures, with the default batch and a concurrency cap', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: arnOf(stack.queues.queue),
        FunctionName: refOf(stack.syncFunction),
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BatchSize: 25,
        MaximumBatchingWindowInSeconds: 2,
        ScalingConfig: { MaximumConcurrency: 5 },
      });
    });

    it('gets the configuration of docs/configuration.md and the state table', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: {
            IC_API_URL: 'https://api.invisiblecollector.com',
            CRM_API_URL: 'https://api.cro.test',
            CRM_TENANT_ID: '42',
            CREDENTIALS_SECRET_ID: 'crm-sync/credentials',
            DLQ_URL: refOf(stack.queues.deadLetterQueue),
            STATE_TABLE_NAME: refOf(stack.stateTable),
            SYNC_CONCURRENCY: '10',
            VAT_CONFLICT_POLICY: 'dead-letter',
            POWERTOOLS_SERVICE_NAME: 'customer-sync',
            POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
            NODE_OPTIONS: '--enable-source-maps',
          },
        },
      });
    });

    it('may only read its secret, send to the DLQ, consume the queue, send deferred records back to it and use its state items', () => {
      expect(permissionsOfRole(template, stack.syncFunction.role!)).toEqual(
        sortPermissions([
          ...xray,
          ...logsOf(stack.syncFunction),
          ...allow(['secretsmanager:GetSecretValue'], secretArn('crm-sync/credentials')),
          ...allow(['sqs:SendMessage'], arnOf(stack.queues.deadLetterQueue)),
          ...allow(['sqs:SendMessage'], arnOf(stack.queues.queue)),
          ...allow(
            [
              'sqs:ReceiveMessage',
              'sqs:ChangeMessageVisibility',
              'sqs:GetQueueUrl',
              'sqs:DeleteMessage',
              'sqs:GetQueueAttributes',
            ],
            arnOf(stack.queues.queue),
          ),
          ...allow(['dynamodb:GetItem', 'dynamodb:UpdateItem'], arnOf(stack.stateTable)),
        ]),
      );
    });
  });

  describe('webhook', () => {
    it('may only send to the event queue and read its own secret', () => {
      expect(permissionsOfRole(template, stack.webhookFunction.role!)).toEqual(
        sortPermissions([
          ...xray,
          ...logsOf(stack.webhookFunction),
          ...allow(['sqs:SendMessage'], arnOf(stack.queues.queue)),
          ...allow(['secretsmanager:GetSecretValue'], secretArn('crm-sync/webhook-secret')),
        ]),
      );
    });

    it('gets the queue URL, its secret id and the tenant', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            QUEUE_URL: refOf(stack.queues.queue),
            WEBHOOK_SECRET_ID: 'crm-sync/webhook-secret',
            CRM_TENANT_ID: '42',
            POWERTOOLS_SERVICE_NAME: 'webhook',
          }),
        },
      });
    });

    it('is reached on /webhook (any method: the function answers 405) of a throttled stage with access logs', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'ANY /webhook' });
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
        AccessLogSettings: { DestinationArn: Match.anyValue() },
      });
      template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: arnOf(stack.webhookFunction),
      });
    });
  });

  describe('replay', () => {
    it('may only drain the DLQ and send to the event queue', () => {
      expect(permissionsOfRole(template, stack.replayFunction.role!)).toEqual(
        sortPermissions([
          ...xray,
          ...logsOf(stack.replayFunction),
          ...allow(
            [
              'sqs:ReceiveMessage',
              'sqs:DeleteMessage',
              'sqs:ChangeMessageVisibility',
              'sqs:GetQueueAttributes',
            ],
            arnOf(stack.queues.deadLetterQueue),
          ),
          ...allow(['sqs:SendMessage'], arnOf(stack.queues.queue)),
        ]),
      );
    });

    it('gets both queue URLs', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            DLQ_URL: refOf(stack.queues.deadLetterQueue),
            QUEUE_URL: refOf(stack.queues.queue),
            POWERTOOLS_SERVICE_NAME: 'replay',
          }),
        },
      });
    });
  });

  describe('every function', () => {
    it('runs the bundled ESM handler on nodejs24.x arm64 with tracing and its own log group', () => {
      const functions = Object.values(template.findResources('AWS::Lambda::Function'));
      expect(functions).toHaveLength(4);
      for (const fn of functions) {
        expect(fn.Properties).toMatchObject({
          Runtime: 'nodejs24.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          TracingConfig: { Mode: 'Active' },
          LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
        });
      }
    });

    it('has a role without managed policies (no AWSLambdaBasicExecutionRole on "*")', () => {
      for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      }
    });

    it('keeps its logs for 30 days', () => {
      const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
      expect(groups).toHaveLength(5); // four functions + webhook access logs
      for (const group of groups) expect(group.Properties.RetentionInDays).toBe(30);
    });
  });

  describe('state table', () => {
    it('is on-demand, keyed by pk, with TTL, point-in-time recovery and encryption', () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      });
    });
  });

  describe('alarms', () => {
    const topic = () => refOf(stack.alarms.topic);

    it.each([
      ['the DLQ has a visible message', 'ApproximateNumberOfMessagesVisible', 'AWS/SQS', 0],
      [
        'the oldest queued message is older than 30 minutes',
        'ApproximateAgeOfOldestMessage',
        'AWS/SQS',
        1800,
      ],
      ['the webhook answers 5xx', '5xx', 'AWS/ApiGateway', 0],
    ])('notify the topic when %s', (_, metricName, namespace, threshold) => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metricName,
        Namespace: namespace,
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [topic()],
      });
    });

    it('notify the topic when CRO refuses the OAuth credentials, to customer-sync or to reconcile', () => {
      const counted = (id: string, service: string) => ({
        Id: id,
        ReturnData: false,
        MetricStat: {
          Metric: {
            MetricName: 'CrmAuthorizationLost',
            Namespace: 'CrmSync',
            Dimensions: [{ Name: 'service', Value: service }],
          },
          Period: 300,
          Stat: 'Sum',
        },
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: 'FILL(sync, 0) + FILL(reconcile, 0)' }),
          counted('sync', 'customer-sync'),
          counted('reconcile', 'reconcile'),
        ]),
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [topic()],
        OKActions: [topic()],
      });
    });

    it('watch errors and throttles of each function', () => {
      for (const fn of [
        stack.syncFunction,
        stack.webhookFunction,
        stack.replayFunction,
        stack.reconciliation.function,
      ]) {
        for (const metricName of ['Errors', 'Throttles']) {
          template.hasResourceProperties('AWS::CloudWatch::Alarm', {
            MetricName: metricName,
            Namespace: 'AWS/Lambda',
            Dimensions: [{ Name: 'FunctionName', Value: refOf(fn) }],
            Threshold: 0,
            AlarmActions: [topic()],
          });
        }
      }
    });

    it('go to a KMS-encrypted, TLS-only topic without subscriptions', () => {
      template.resourceCountIs('AWS::CloudWatch::Alarm', 13);
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: arnOf(stack.alarms.key) });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
      template.resourceCountIs('AWS::SNS::Subscription', 0);
    });

    it("let CloudWatch use the topic's key only for this account's alarms", () => {
      const [key] = Object.values(template.findResources('AWS::KMS::Key')).filter(
        (resource) =>
          (resource as { Properties: { Description?: string } }).Properties.Description ===
          'Encrypts the crm-sync alarm topic',
      ) as Array<{ Properties: { KeyPolicy: { Statement: Array<Record<string, unknown>> } } }>;
      const forCloudWatch = key!.Properties.KeyPolicy.Statement.filter(
        (statement) =>
          JSON.stringify(statement.Principal) === JSON.stringify({ Service: 'cloudwatch.amazonaws.com' }),
      );
      expect(forCloudWatch).toEqual([
        expect.objectContaining({
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
        }),
      ]);
    });
  });

  describe('dashboard', () => {
    it('charts the sync metrics by their dimensions and the queue depth', () => {
      const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
      for (const metric of [
        METRIC.applied,
        METRIC.skipped,
        METRIC.deadLettered,
        METRIC.apiLatency,
        METRIC.apiCalls,
        METRIC.crmTokenRefreshes,
        METRIC.crmAuthorizationLost,
      ]) {
        expect(body).toContain(
          `SEARCH('Namespace=\\\\\\"${METRICS_NAMESPACE}\\\\\\" MetricName=\\\\\\"${metric}\\\\\\"'`,
        );
      }
      expect(body).toContain('ApproximateNumberOfMessagesVisible');
    });
  });

  it('outputs what the replay and backfill CLIs and an operator need', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).sort()).toEqual(
      [
        'AlarmTopicArn',
        'CredentialsSecretId',
        'DashboardName',
        'DlqArn',
        'DlqUrl',
        'QueueArn',
        'QueueUrl',
        'ReplayFunctionName',
        'ReconcileFunctionName',
        'CrmApiUrl',
        'CrmTenantId',
        'StateTableName',
        'WebhookUrl',
      ].sort(),
    );
    expect(outputs.QueueUrl?.Value).toEqual(refOf(stack.queues.queue));
    expect(outputs.DlqUrl?.Value).toEqual(refOf(stack.queues.deadLetterQueue));
    expect(JSON.stringify(outputs.WebhookUrl?.Value)).toContain('/webhook');
    expect(outputs.CredentialsSecretId?.Value).toBe('crm-sync/credentials');
  });
});
