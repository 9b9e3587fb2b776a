import { describe, it, expect, beforeAll } from '@jest/globals';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CrmSyncStack } from '../../infra/CrmSyncStack.ts';
import { METRIC, METRICS_NAMESPACE } from '../../lib/observability/names.ts';
import {
  allow,
  arnOf,
  crmSyncStack,
  dashboardWidgets,
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

    it('names the DLQ after the stack and keeps it, dead letters included, when the stack is deleted', () => {
      const dlq = template.toJSON().Resources[logicalId(stack.queues.deadLetterQueue)];
      expect(dlq.Properties.QueueName).toBe('Default-dead-letters');
      expect(dlq).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    });

    it('deletes the event queue with the stack (it has no stable name)', () => {
      const queue = template.toJSON().Resources[logicalId(stack.queues.queue)];
      expect(queue.Properties.QueueName).toBeUndefined();
      expect(queue.DeletionPolicy).toBe('Delete');
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
            STACK_NAME: 'Default',
            NODE_OPTIONS: '--enable-source-maps',
          },
        },
      });
    });

    it('may only read its secret, send to the DLQ, consume the queue, send deferred records back to it and use its state items', () => {
      expect(permissionsOfRole(template, stack.syncFunction.role!)).toEqual(
        sortPermissions([
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

    it("counts API Gateway's 429s from JSON access logs that carry the service and the stack", () => {
      const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
      const format = JSON.parse(
        String(stage.Properties.AccessLogSettings.Format).replace('$context.status', '0'),
      ) as Record<string, string>;
      expect(format).toMatchObject({ service: 'webhook', stack: 'Default', route: '$context.routeKey' });
      expect(String(stage.Properties.AccessLogSettings.Format)).toContain('"status":$context.status,');
      template.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: refOf(stack.webhookApi.accessLogs),
        FilterPattern: '{ $.status = 429 }',
        MetricTransformations: [
          {
            MetricNamespace: METRICS_NAMESPACE,
            MetricName: METRIC.webhookThrottled,
            MetricValue: '1',
            Dimensions: [
              { Key: 'service', Value: '$.service' },
              { Key: 'stack', Value: '$.stack' },
            ],
          },
        ],
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
    it('runs one invocation at a time (reserved concurrency 1)', () => {
      const fn = template.toJSON().Resources[logicalId(stack.replayFunction)];
      expect(fn.Properties.ReservedConcurrentExecutions).toBe(1);
    });

    it('may only drain the DLQ and send to the event queue', () => {
      expect(permissionsOfRole(template, stack.replayFunction.role!)).toEqual(
        sortPermissions([
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
    it('runs the bundled ESM handler on nodejs24.x arm64 with its own log group, untraced', () => {
      const functions = Object.values(template.findResources('AWS::Lambda::Function'));
      expect(functions).toHaveLength(4);
      for (const fn of functions) {
        expect(fn.Properties).toMatchObject({
          Runtime: 'nodejs24.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
        });
        expect(fn.Properties.TracingConfig).toBeUndefined();
        expect(fn.Properties.Environment.Variables.TRACING).toBeUndefined();
        expect(fn.Properties.Environment.Variables.STACK_NAME).toBe('Default');
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
    it('is named after the stack and kept when the stack is deleted', () => {
      const table = template.toJSON().Resources[logicalId(stack.stateTable)];
      expect(table.Properties.TableName).toBe('Default-state');
      expect(table).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    });

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

  describe('alarm topic', () => {
    it('is KMS-encrypted, TLS-only, and has no subscription when no alarmEmail is given', () => {
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: arnOf(stack.alarmTopic.key) });
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
    const widgets = () => dashboardWidgets(template);
    const titled = (title: string) => widgets().find((w) => w.properties.title === title)!.properties;
    const text = () => JSON.stringify(widgets());

    it("charts this stack's custom metrics by their dimensions, and no other stack's", () => {
      const expressions = widgets()
        .flatMap((w) => (w.properties.metrics as unknown[][] | undefined) ?? [])
        .map((m) => (m[0] as { expression?: string }).expression)
        .filter((e): e is string => e !== undefined);
      for (const [metric, schema] of [
        [METRIC.applied, 'service,stack'],
        [METRIC.skipped, 'service,stack,why'],
        [METRIC.deadLettered, 'reason,service,stack'],
        [METRIC.retried, 'reason,service,stack'],
        [METRIC.apiCalls, 'api,service,stack'],
        [METRIC.apiErrors, 'api,service,stack,status'],
        [METRIC.apiLatency, 'api,service,stack'],
        [METRIC.crmTokenRefreshes, 'service,stack'],
        [METRIC.crmAuthorizationLost, 'service,stack'],
      ] as const) {
        expect(expressions).toContainEqual(
          expect.stringContaining(
            `SEARCH('{${METRICS_NAMESPACE},${schema}} MetricName="${metric}" stack="Default"'`,
          ),
        );
      }
      for (const expression of expressions.filter((e) => e.startsWith('SEARCH'))) {
        expect(expression).toContain('stack="Default"');
      }
    });

    it('starts with the state of every alarm', () => {
      const [first] = widgets();
      expect(first?.type).toBe('alarm');
      expect(first?.properties.alarms).toEqual(
        stack.alarms.alarms.map((alarm) => `<GetAtt:${logicalId(alarm)}.Arn>`),
      );
    });

    it('draws concurrency against maxConcurrency and the longest duration against the timeouts', () => {
      expect(JSON.stringify(titled('customer-sync concurrency (max) vs maxConcurrency'))).toContain(
        'ConcurrentExecutions',
      );
      expect(titled('customer-sync concurrency (max) vs maxConcurrency').annotations).toEqual({
        horizontal: [{ label: 'maxConcurrency', value: 5, yAxis: 'left' }],
      });
      expect(titled('Longest duration (ms) vs timeout').annotations).toEqual({
        horizontal: [
          { label: 'customer-sync timeout', value: 60_000, yAxis: 'left' },
          { label: 'webhook timeout', value: 10_000, yAxis: 'left' },
        ],
      });
    });

    it('shows the state table, the replay function and Logs Insights tables of failed records', () => {
      for (const metric of ['ConsumedWriteCapacityUnits', 'WriteThrottleEvents', 'SystemErrors']) {
        expect(text()).toContain(metric);
      }
      expect(JSON.stringify(titled('Replay function'))).toContain(`<Ref:${logicalId(stack.replayFunction)}>`);
      const queries = widgets()
        .filter((w) => w.type === 'log')
        .map((w) => String(w.properties.query));
      expect(queries).toEqual([
        expect.stringContaining('filter message in ["dead-lettered", "will be retried"]'),
        expect.stringContaining('stats count(*) as records by message, reason'),
      ]);
      expect(queries[0]).toContain(`SOURCE '<Ref:${logicalId(stack.syncFunction.logGroup)}>'`);
    });
  });

  it('outputs what the replay and backfill CLIs and an operator need', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).sort()).toEqual(
      [
        'AlarmTopicArn',
        'CredentialsSecretId',
        'CrmApiUrl',
        'CrmTenantId',
        'DashboardName',
        'DlqArn',
        'DlqUrl',
        'IcApiUrl',
        'QueueArn',
        'QueueSettings',
        'QueueUrl',
        'ReplayFunctionName',
        'ReconcileFunctionName',
        'StateTableName',
        'WebhookSecretId',
        'WebhookUrl',
      ].sort(),
    );
    expect(JSON.parse(String(outputs.QueueSettings?.Value))).toEqual({
      maxReceiveCount: 21,
      visibilityTimeoutSeconds: 360,
      retentionSeconds: 4 * 24 * 3600,
      dlqRetentionSeconds: 14 * 24 * 3600,
    });
    expect(outputs.QueueUrl?.Value).toEqual(refOf(stack.queues.queue));
    expect(outputs.DlqUrl?.Value).toEqual(refOf(stack.queues.deadLetterQueue));
    expect(JSON.stringify(outputs.WebhookUrl?.Value)).toContain('/webhook');
    expect(outputs.CredentialsSecretId?.Value).toBe('crm-sync/credentials');
  });
});
