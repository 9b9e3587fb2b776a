import { beforeAll, describe, expect, it } from '@jest/globals';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CrmSyncStack } from '../../infra/CrmSyncStack.ts';
import { allow, arnOf, crmSyncStack, permissionsOfRole, refOf, sortPermissions } from './templateHelpers.ts';

describe('the reconciliation in CrmSyncStack', () => {
  let stack: CrmSyncStack;
  let template: Template;

  beforeAll(() => {
    stack = crmSyncStack(new App(), 'Reconciled');
    template = Template.fromStack(stack);
  });

  it('deploys the reconcile bundle with its configuration (docs/configuration.md) and a 10-minute timeout', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Timeout: 600,
      Environment: {
        Variables: Match.objectLike({
          CRM_API_URL: 'https://api.cro.test',
          CRM_TENANT_ID: '42',
          CREDENTIALS_SECRET_ID: 'crm-sync/credentials',
          QUEUE_URL: refOf(stack.queues.queue),
          STATE_TABLE_NAME: refOf(stack.stateTable),
          RECONCILE_ENQUEUE_RATE: '100',
          POWERTOOLS_SERVICE_NAME: 'reconcile',
        }),
      },
    });
    const env = JSON.stringify(template.toJSON().Resources);
    expect(env).not.toContain('CRM_LOCATION_IDS');
  });

  it('may only send to the event queue, read the credentials and get/update state items (untraced)', () => {
    const fn = stack.reconciliation.function;
    expect(permissionsOfRole(template, fn.role!)).toEqual(
      sortPermissions([
        ...allow(['logs:CreateLogStream', 'logs:PutLogEvents'], arnOf(fn.logGroup as never)),
        ...allow(['sqs:SendMessage'], arnOf(stack.queues.queue)),
        ...allow(['secretsmanager:GetSecretValue'], {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':secretsmanager:eu-west-1:123456789012:secret:crm-sync/credentials-??????',
            ],
          ],
        }),
        ...allow(['dynamodb:GetItem', 'dynamodb:UpdateItem'], arnOf(stack.stateTable)),
      ]),
    );
  });

  it('runs every 15 minutes through EventBridge Scheduler, whose role may only invoke the function', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(15 minutes)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: arnOf(stack.reconciliation.function),
        RoleArn: arnOf(stack.reconciliation.node.findChild('ScheduleRole')),
        RetryPolicy: { MaximumRetryAttempts: 0 },
      },
    });
    const role = stack.reconciliation.node.findChild('ScheduleRole');
    expect(permissionsOfRole(template, role)).toEqual(
      allow(['lambda:InvokeFunction'], arnOf(stack.reconciliation.function)),
    );
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
          }),
        ],
      },
    });
  });

  it('alarms when a checkpoint is more than an hour old, and when a run fails', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CrmSync',
      MetricName: 'CheckpointLag',
      Dimensions: [
        { Name: 'service', Value: 'reconcile' },
        { Name: 'stack', Value: stack.stackName },
      ],
      Statistic: 'Maximum',
      Period: 900,
      Threshold: 3600,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [refOf(stack.alarmTopic.topic)],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: refOf(stack.reconciliation.function) }],
      Threshold: 0,
    });
  });

  it('takes the schedule, rate, locations, VAT field and lag threshold from the props', () => {
    const custom = Template.fromStack(
      crmSyncStack(new App(), 'Custom', {
        reconcileSchedule: 'cron(0/5 * * * ? *)',
        reconcileRate: 20,
        crmLocationIds: '1,7',
        crmVatField: 'tax_id',
        checkpointLagAlarmMinutes: 30,
      }),
    );

    custom.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0/5 * * * ? *)' });
    custom.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          RECONCILE_ENQUEUE_RATE: '20',
          CRM_LOCATION_IDS: '1,7',
          CRM_VAT_FIELD: 'tax_id',
        }),
      },
    });
    custom.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'CheckpointLag', Threshold: 1800 });
  });

  it('deploys no schedule when it is disabled', () => {
    const disabled = Template.fromStack(crmSyncStack(new App(), 'Off', { reconcileSchedule: 'disabled' }));

    disabled.resourceCountIs('AWS::Scheduler::Schedule', 0);
    disabled.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'reconcile' }) },
    });
  });
});
