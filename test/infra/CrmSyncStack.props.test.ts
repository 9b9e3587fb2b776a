import { describe, it, expect, beforeAll } from '@jest/globals';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CrmSyncStack } from '../../infra/CrmSyncStack.ts';
import type { CrmSyncStackProps } from '../../infra/CrmSyncStackProps.ts';
import { InfraConfigError } from '../../infra/errors.ts';
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

const credentialsArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:crm-sync/credentials-AbCdEf';
const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

// One app holds every variant, all constructed before the first synth (CDK forbids changing the tree
// afterwards): CDK bundles each function once per app (asset cache), not once per stack.
const app = testApp();
const variants = {
  Fifo: { fifo: true },
  Kms: { queueEncryption: 'kms' },
  Email: { alarmEmail: 'ops@example.com' },
  NoEmail: {},
  Traced: { tracing: true },
  Throwaway: { retainData: false, webhookSilenceAlarmHours: 0, deadLetterAgeAlarmDays: 7 },
  Tuned: {
    batchSize: 100,
    maxBatchingWindowSeconds: 5,
    maxConcurrency: 2,
    syncTimeoutSeconds: 90,
    syncMemorySize: 512,
    retryHorizonMinutes: 10,
    oldestMessageAgeAlarmMinutes: 45,
    logRetentionDays: 7,
    webhookRateLimit: 5,
    webhookBurstLimit: 10,
  },
  OAuth: { crmTokenUrl: 'https://auth.cro.test/oauth/token', crmTokenAuth: 'client_secret_post' },
  OAuthKms: {
    crmTokenUrl: 'https://auth.cro.test/oauth/token',
    credentialsSecretName: credentialsArn,
    secretsKmsKeyArn: keyArn,
  },
  SecretArn: {
    credentialsSecretName: credentialsArn,
    secretsKmsKeyArn: keyArn,
    defaultCountry: 'pt',
    defaultLocale: 'pt-PT',
    vatConflictPolicy: 'adopt',
  },
} satisfies Record<string, Partial<CrmSyncStackProps>>;
const stacks = Object.fromEntries(
  Object.entries(variants).map(([id, overrides]) => [
    id,
    crmSyncStack(app, id, overrides as Partial<CrmSyncStackProps>),
  ]),
) as Record<keyof typeof variants, CrmSyncStack>;
const build = (id: keyof typeof variants) => ({
  stack: stacks[id],
  template: Template.fromStack(stacks[id]),
});

describe('CrmSyncStack props', () => {
  describe('fifo: true', () => {
    let stack: CrmSyncStack;
    let template: Template;
    beforeAll(() => {
      ({ stack, template } = build('Fifo'));
    });

    it('makes both queues FIFO with producer-set dedup ids and per-group throughput', () => {
      const queues = Object.values(template.findResources('AWS::SQS::Queue'));
      expect(queues).toHaveLength(2);
      for (const queue of queues) {
        expect(queue.Properties).toMatchObject({
          FifoQueue: true,
          ContentBasedDeduplication: false,
          DeduplicationScope: 'messageGroup',
          FifoThroughputLimit: 'perMessageGroupId',
        });
      }
    });

    it('polls batches of at most 10 without a batching window', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: arnOf(stack.queues.queue),
        BatchSize: 10,
        MaximumBatchingWindowInSeconds: Match.absent(),
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    });

    it('refuses a batch above 10 or a batching window', () => {
      expect(() => crmSyncStack(testApp(), 'FifoBig', { fifo: true, batchSize: 20 })).toThrow(
        InfraConfigError,
      );
      expect(() =>
        crmSyncStack(testApp(), 'FifoWindow', { fifo: true, maxBatchingWindowSeconds: 1 }),
      ).toThrow(/maxBatchingWindowSeconds: must be 0 for a FIFO queue/);
    });
  });

  describe('queueEncryption: kms', () => {
    let stack: CrmSyncStack;
    let template: Template;
    beforeAll(() => {
      ({ stack, template } = build('Kms'));
    });

    it('encrypts both queues with one rotated customer-managed key', () => {
      const key = stack.queues.key!;
      for (const queue of [stack.queues.queue, stack.queues.deadLetterQueue]) {
        const resource = template.toJSON().Resources[logicalId(queue)];
        expect(resource.Properties.KmsMasterKeyId).toEqual(arnOf(key));
      }
      template.hasResourceProperties('AWS::KMS::Key', {
        Description: Match.stringLikeRegexp('event queue'),
        EnableKeyRotation: true,
      });
    });

    it('lets the senders encrypt and the consumers decrypt with that key only', () => {
      const key = arnOf(stack.queues.key!);
      expect(permissionsOfRole(template, stack.webhookFunction.role!)).toEqual(
        expect.arrayContaining(allow(['kms:GenerateDataKey', 'kms:Decrypt'], key)),
      );
      expect(permissionsOfRole(template, stack.replayFunction.role!)).toEqual(
        expect.arrayContaining(allow(['kms:GenerateDataKey', 'kms:Decrypt'], key)),
      );
      expect(permissionsOfRole(template, stack.syncFunction.role!)).toEqual(
        expect.arrayContaining(allow(['kms:Decrypt'], key)),
      );
    });
  });

  describe('alarmEmail', () => {
    it('subscribes the address to the alarm topic when set', () => {
      const { stack, template } = build('Email');
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'ops@example.com',
        TopicArn: refOf(stack.alarmTopic.topic),
      });
    });

    it('adds no subscription when unset', () => {
      const { template } = build('NoEmail');
      template.resourceCountIs('AWS::SNS::Subscription', 0);
    });
  });

  describe('tracing: true', () => {
    it('turns on X-Ray active tracing and Powertools Tracer in every function, with the X-Ray grant', () => {
      const { stack, template } = build('Traced');
      for (const fn of [stack.syncFunction, stack.webhookFunction, stack.replayFunction]) {
        const resource = template.toJSON().Resources[logicalId(fn)];
        expect(resource.Properties.TracingConfig).toEqual({ Mode: 'Active' });
        expect(resource.Properties.Environment.Variables).toMatchObject({
          TRACING: 'true',
          POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
        });
        expect(permissionsOfRole(template, fn.role!)).toEqual(
          expect.arrayContaining(allow(['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], '*')),
        );
      }
    });
  });

  describe('retainData: false, no silence alarm, a 7-day dead-letter age alarm', () => {
    it('deletes the DLQ and the state table with the stack, names kept', () => {
      const { stack, template } = build('Throwaway');
      for (const [resource, name] of [
        [stack.queues.deadLetterQueue, 'Throwaway-dead-letters'],
        [stack.stateTable, 'Throwaway-state'],
      ] as const) {
        const json = template.toJSON().Resources[logicalId(resource)];
        expect(json).toMatchObject({ DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
        expect(json.Properties.QueueName ?? json.Properties.TableName).toBe(name);
      }
    });

    it('creates no WebhookSilent alarm and moves the DLQ age threshold', () => {
      const { template } = build('Throwaway');
      const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
        (alarm) => alarm.Properties.AlarmName,
      );
      expect(names).not.toContain('Throwaway-WebhookSilent');
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'Throwaway-DlqOldestMessage',
        Threshold: 7 * 86_400,
      });
    });
  });

  describe('batch and timing settings', () => {
    let stack: CrmSyncStack;
    let template: Template;
    beforeAll(() => {
      ({ stack, template } = build('Tuned'));
    });

    it('configures the event source', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 5,
        ScalingConfig: { MaximumConcurrency: 2 },
      });
    });

    it('derives the visibility timeout and maxReceiveCount from the timeout and retry horizon', () => {
      const queue = template.toJSON().Resources[logicalId(stack.queues.queue)];
      expect(queue.Properties.VisibilityTimeout).toBe(540);
      expect(queue.Properties.RedrivePolicy.maxReceiveCount).toBe(7);
      template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 90, MemorySize: 512 });
    });

    it('sets the alarm thresholds, log retention and webhook throttling', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'Tuned-QueueOldestMessageAge',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Threshold: 45 * 60,
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'Tuned-CustomerSyncDuration',
        Threshold: 0.8 * 90_000,
      });
      for (const group of Object.values(template.findResources('AWS::Logs::LogGroup'))) {
        expect(group.Properties.RetentionInDays).toBe(7);
      }
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
      });
    });

    it('refuses a concurrency cap below 2 and a log retention CloudWatch does not offer', () => {
      expect(() => crmSyncStack(testApp(), 'One', { maxConcurrency: 1 })).toThrow(
        /maxConcurrency: must be an integer 2–1000/,
      );
      expect(() => crmSyncStack(testApp(), 'Eight', { logRetentionDays: 8 })).toThrow(/logRetentionDays/);
    });
  });

  describe('secrets by ARN with a customer-managed key', () => {
    let stack: CrmSyncStack;
    let template: Template;
    beforeAll(() => {
      ({ stack, template } = build('SecretArn'));
    });

    it('grants GetSecretValue on exactly that ARN and passes it as the secret id', () => {
      expect(permissionsOfRole(template, stack.syncFunction.role!)).toEqual(
        expect.arrayContaining(allow(['secretsmanager:GetSecretValue'], credentialsArn)),
      );
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            CREDENTIALS_SECRET_ID: credentialsArn,
            DEFAULT_COUNTRY: 'PT',
            DEFAULT_LOCALE: 'pt-PT',
            VAT_CONFLICT_POLICY: 'adopt',
          }),
        },
      });
    });

    it('allows kms:Decrypt on the key only through Secrets Manager', () => {
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [refOf(stack.syncFunction.role!)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Action: 'kms:Decrypt',
              Effect: 'Allow',
              Resource: keyArn,
              Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
            },
          ]),
        },
      });
    });
  });

  describe('crmTokenUrl (CRO OAuth)', () => {
    it('passes CRM_TOKEN_URL and CRM_TOKEN_AUTH and outputs the token URL for `crm-sync auth --stack`', () => {
      const { template } = build('OAuth');
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            CRM_TOKEN_URL: 'https://auth.cro.test/oauth/token',
            CRM_TOKEN_AUTH: 'client_secret_post',
          }),
        },
      });
      const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
      expect(outputs.CrmTokenUrl?.Value).toBe('https://auth.cro.test/oauth/token');
    });

    it('lets customer-sync write the credentials secret (rotated refresh tokens), and no other secret', () => {
      const { stack, template } = build('OAuthKms');
      const permissions = permissionsOfRole(template, stack.syncFunction.role!);
      expect(permissions).toEqual(
        expect.arrayContaining(
          allow(['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'], credentialsArn),
        ),
      );
      expect(permissions.filter((p) => p.action === 'secretsmanager:PutSecretValue')).toEqual(
        allow(['secretsmanager:PutSecretValue'], credentialsArn),
      );
      expect(
        permissionsOfRole(template, stack.webhookFunction.role!).filter((p) =>
          p.action.endsWith('PutSecretValue'),
        ),
      ).toEqual([]);
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [refOf(stack.syncFunction.role!)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
              Effect: 'Allow',
              Resource: keyArn,
              Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
            },
          ]),
        },
      });
    });

    it('gives the reconcile function the same token endpoint, and the token URL and client authentication as outputs for `crm-sync backfill --stack`', () => {
      const { stack, template } = build('OAuth');
      const reconcile = template.toJSON().Resources[logicalId(stack.reconciliation.function)] as {
        Properties: { Environment: { Variables: Record<string, unknown> } };
      };
      expect(reconcile.Properties.Environment.Variables).toMatchObject({
        CRM_TOKEN_URL: 'https://auth.cro.test/oauth/token',
        CRM_TOKEN_AUTH: 'client_secret_post',
        STATE_TABLE_NAME: refOf(stack.stateTable),
      });
      const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
      expect(outputs.CrmTokenAuth?.Value).toBe('client_secret_post');
    });

    it('lets the reconcile function write the credentials secret and the refresh lease item, nothing more', () => {
      const { stack, template } = build('OAuthKms');
      const fn = stack.reconciliation.function;
      const permissions = permissionsOfRole(template, fn.role!);
      expect(permissions).toEqual(
        sortPermissions([
          ...allow(['logs:CreateLogStream', 'logs:PutLogEvents'], arnOf(fn.logGroup as never)),
          ...allow(['sqs:SendMessage'], arnOf(stack.queues.queue)),
          ...allow(['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'], credentialsArn),
          ...allow(['kms:Decrypt', 'kms:GenerateDataKey'], keyArn),
          // The lease (`oauth#cro#<tenant>`) and the checkpoints: conditional updates, never Put/Delete.
          ...allow(['dynamodb:GetItem', 'dynamodb:UpdateItem'], arnOf(stack.stateTable)),
        ]),
      );
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [refOf(fn.role!)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
              Effect: 'Allow',
              Resource: keyArn,
              Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
            },
          ]),
        },
      });
    });

    it('grants no PutSecretValue without it (a static crmToken is only read)', () => {
      const { stack, template } = build('NoEmail');
      for (const fn of [stack.syncFunction, stack.reconciliation.function]) {
        expect(
          permissionsOfRole(template, fn.role!).filter((p) => p.action.endsWith('PutSecretValue')),
        ).toEqual([]);
      }
      const reconcile = template.toJSON().Resources[logicalId(stack.reconciliation.function)] as {
        Properties: { Environment: { Variables: Record<string, unknown> } };
      };
      expect(Object.keys(reconcile.Properties.Environment.Variables)).not.toContain('CRM_TOKEN_URL');
      expect(Object.keys(template.toJSON().Outputs)).not.toContain('CrmTokenAuth');
    });
  });
});
