import { describe, it, expect, beforeAll } from '@jest/globals';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import type { CrmSyncStack } from '../../infra/CrmSyncStack.ts';
import { crmSyncStack, logicalId, refOf, testApps } from './templateHelpers.ts';

const testApp = testApps();

interface AlarmJson {
  AlarmName: string;
  AlarmDescription: string;
  Threshold: number;
  ComparisonOperator: string;
  EvaluationPeriods: number;
  DatapointsToAlarm: number;
  TreatMissingData: string;
  Namespace?: string;
  MetricName?: string;
  Statistic?: string;
  Period?: number;
  Dimensions?: Array<{ Name: string; Value: unknown }>;
  Metrics?: Array<{
    Id: string;
    Expression?: string;
    Period?: number;
    MetricStat?: {
      Metric: { Namespace: string; MetricName: string; Dimensions: Array<{ Name: string; Value: unknown }> };
      Period: number;
      Stat: string;
    };
  }>;
  AlarmActions: unknown[];
  OKActions: unknown[];
}

/** What each alarm watches: one metric, or an expression over named metrics (`id: namespace/name stat period`). */
type Watched =
  | { metric: string; statistic: string; period: number; dimensions?: Record<string, unknown> }
  | { expression: string; period: number; metrics?: Record<string, string> };

interface Expected {
  watched: Watched;
  threshold: number;
  comparison: 'GreaterThanThreshold' | 'LessThanThreshold';
  evaluationPeriods: number;
  datapoints: number;
  missing: 'notBreaching' | 'breaching';
  runbook: string;
}

describe('the alarms of a default stack', () => {
  let stack: CrmSyncStack;
  let alarms: Map<string, AlarmJson>;

  beforeAll(() => {
    stack = crmSyncStack(testApp(), 'Default');
    const resources = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm');
    alarms = new Map(
      Object.values(resources).map((r) => {
        const props = r.Properties as AlarmJson;
        return [props.AlarmName.replace(/^Default-/, ''), props];
      }),
    );
  });

  const fn = (f: () => unknown) => ({ Ref: logicalId(f() as never) });
  const above = 'GreaterThanThreshold' as const;
  const twoOfThree = { evaluationPeriods: 3, datapoints: 2 };

  const expected = (): Record<string, Expected> => ({
    RetriesSustained: {
      watched: {
        expression:
          "SELECT SUM(Retried) FROM SCHEMA(\"CrmSync\", reason, service, stack) WHERE service = 'customer-sync' AND stack = 'Default' AND reason != 'auth'",
        period: 300,
      },
      threshold: 0,
      comparison: above,
      evaluationPeriods: 3,
      datapoints: 3,
      missing: 'notBreaching',
      runbook: 'alarm-retries-sustained',
    },
    RetriesAuth: {
      watched: {
        metric: 'CrmSync/Retried',
        statistic: 'Sum',
        period: 300,
        dimensions: { service: 'customer-sync', stack: 'Default', reason: 'auth' },
      },
      threshold: 0,
      comparison: above,
      ...twoOfThree,
      missing: 'notBreaching',
      runbook: 'alarm-retries-auth',
    },
    DlqArrivals: {
      watched: {
        expression: 'MAX([FILL(sent, 0), DIFF(FILL(visible, 0))])',
        period: 300,
        metrics: {
          sent: 'AWS/SQS/NumberOfMessagesSent Sum 300',
          visible: 'AWS/SQS/ApproximateNumberOfMessagesVisible Maximum 300',
        },
      },
      threshold: 0,
      comparison: above,
      evaluationPeriods: 2,
      datapoints: 1,
      missing: 'notBreaching',
      runbook: 'alarm-dlq-arrivals',
    },
    CrmAuthorizationLost: {
      watched: {
        expression: 'FILL(sync, 0) + FILL(reconcile, 0)',
        period: 300,
        metrics: {
          sync: 'CrmSync/CrmAuthorizationLost Sum 300',
          reconcile: 'CrmSync/CrmAuthorizationLost Sum 300',
        },
      },
      threshold: 0,
      comparison: above,
      evaluationPeriods: 1,
      datapoints: 1,
      missing: 'notBreaching',
      runbook: 'alarm-crm-authorization-lost',
    },
    ReconcileErrors: {
      watched: {
        metric: 'AWS/Lambda/Errors',
        statistic: 'Sum',
        period: 900,
        dimensions: { FunctionName: fn(() => stack.reconciliation.function) },
      },
      threshold: 0,
      comparison: above,
      evaluationPeriods: 1,
      datapoints: 1,
      missing: 'notBreaching',
      runbook: 'alarm-reconcile-errors',
    },
    ReconcileThrottles: {
      watched: {
        metric: 'AWS/Lambda/Throttles',
        statistic: 'Sum',
        period: 900,
        dimensions: { FunctionName: fn(() => stack.reconciliation.function) },
      },
      threshold: 0,
      comparison: above,
      evaluationPeriods: 1,
      datapoints: 1,
      missing: 'notBreaching',
      runbook: 'alarm-function-throttles',
    },
    CheckpointLag: {
      watched: {
        metric: 'CrmSync/CheckpointLag',
        statistic: 'Maximum',
        period: 900,
        dimensions: { service: 'reconcile', stack: 'Default' },
      },
      threshold: 3600,
      comparison: above,
      evaluationPeriods: 1,
      datapoints: 1,
      missing: 'notBreaching',
      runbook: 'alarm-checkpoint-lag',
    },
    DlqOldestMessage: {
      watched: { metric: 'AWS/SQS/ApproximateAgeOfOldestMessage', statistic: 'Maximum', period: 3600 },
      threshold: 10 * 86_400,
      comparison: above,
      evaluationPeriods: 1,
      datapoints: 1,
      missing: 'notBreaching',
      runbook: 'alarm-dlq-oldest-message',
    },
    QueueOldestMessageAge: {
      watched: { metric: 'AWS/SQS/ApproximateAgeOfOldestMessage', statistic: 'Maximum', period: 60 },
      threshold: 30 * 60,
      comparison: above,
      evaluationPeriods: 5,
      datapoints: 5,
      missing: 'notBreaching',
      runbook: 'alarm-queue-oldest-message-age',
    },
    WebhookSilent: {
      watched: { metric: 'AWS/ApiGateway/Count', statistic: 'Sum', period: 3600 },
      threshold: 1,
      comparison: 'LessThanThreshold',
      evaluationPeriods: 24,
      datapoints: 24,
      missing: 'breaching',
      runbook: 'alarm-webhook-silent',
    },
    ...Object.fromEntries(
      [
        ['401', 'CrmSync/WebhookRejected Sum 900'],
        ['400', 'CrmSync/WebhookRejected Sum 900'],
        ['429', 'CrmSync/WebhookThrottled Sum 900'],
      ].map(([status, refused]) => [
        `Webhook${status}Rate`,
        {
          watched: {
            expression: '100 * FILL(refused, 0) / requests',
            period: 900,
            metrics: { refused: refused!, requests: 'AWS/ApiGateway/Count Sum 900' },
          },
          threshold: 10,
          comparison: above,
          evaluationPeriods: 4,
          datapoints: 2,
          missing: 'notBreaching',
          runbook: `alarm-webhook-${status}-rate`,
        } satisfies Expected,
      ]),
    ),
    ...Object.fromEntries(
      (
        [
          ['CustomerSync', () => stack.syncFunction],
          ['Webhook', () => stack.webhookFunction],
          ['Replay', () => stack.replayFunction],
        ] as const
      ).map(([name, f]) => [
        `${name}Errors`,
        {
          watched: {
            metric: 'AWS/Lambda/Errors',
            statistic: 'Sum',
            period: 300,
            dimensions: { FunctionName: fn(f) },
          },
          threshold: 0,
          comparison: above,
          ...twoOfThree,
          missing: 'notBreaching',
          runbook: 'alarm-function-errors',
        } satisfies Expected,
      ]),
    ),
    ...Object.fromEntries(
      (
        [
          ['CustomerSync', () => stack.syncFunction, 60_000],
          ['Webhook', () => stack.webhookFunction, 10_000],
        ] as const
      ).flatMap(([name, f, timeoutMs]) => [
        [
          `${name}Throttles`,
          {
            watched: {
              metric: 'AWS/Lambda/Throttles',
              statistic: 'Sum',
              period: 300,
              dimensions: { FunctionName: fn(f) },
            },
            threshold: 0,
            comparison: above,
            ...twoOfThree,
            missing: 'notBreaching',
            runbook: 'alarm-function-throttles',
          } satisfies Expected,
        ],
        [
          `${name}Duration`,
          {
            watched: {
              metric: 'AWS/Lambda/Duration',
              statistic: 'Maximum',
              period: 300,
              dimensions: { FunctionName: fn(f) },
            },
            threshold: 0.8 * timeoutMs,
            comparison: above,
            ...twoOfThree,
            missing: 'notBreaching',
            runbook: 'alarm-function-duration',
          } satisfies Expected,
        ],
      ]),
    ),
    Webhook5xx: {
      watched: { metric: 'AWS/ApiGateway/5xx', statistic: 'Sum', period: 300 },
      threshold: 0,
      comparison: above,
      ...twoOfThree,
      missing: 'notBreaching',
      runbook: 'alarm-webhook-5xx',
    },
    StateTableThrottles: {
      watched: {
        expression: 'FILL(reads, 0) + FILL(writes, 0)',
        period: 300,
        metrics: {
          reads: 'AWS/DynamoDB/ReadThrottleEvents Sum 300',
          writes: 'AWS/DynamoDB/WriteThrottleEvents Sum 300',
        },
      },
      threshold: 0,
      comparison: above,
      ...twoOfThree,
      missing: 'notBreaching',
      runbook: 'alarm-state-table-throttles',
    },
    StateTableErrors: {
      watched: {
        expression: 'FILL(getItem, 0) + FILL(updateItem, 0) + FILL(putItem, 0) + FILL(deleteItem, 0)',
        period: 300,
        metrics: {
          getItem: 'AWS/DynamoDB/SystemErrors Sum 300',
          updateItem: 'AWS/DynamoDB/SystemErrors Sum 300',
          putItem: 'AWS/DynamoDB/SystemErrors Sum 300',
          deleteItem: 'AWS/DynamoDB/SystemErrors Sum 300',
        },
      },
      threshold: 0,
      comparison: above,
      ...twoOfThree,
      missing: 'notBreaching',
      runbook: 'alarm-state-table-errors',
    },
  });

  it('are exactly the expected set (no Replay throttle alarm: its reserved concurrency of 1 throttles on purpose)', () => {
    expect([...alarms.keys()].sort()).toEqual(Object.keys(expected()).sort());
  });

  it.each([
    'RetriesSustained',
    'RetriesAuth',
    'DlqArrivals',
    'CrmAuthorizationLost',
    'ReconcileErrors',
    'ReconcileThrottles',
    'CheckpointLag',
    'DlqOldestMessage',
    'QueueOldestMessageAge',
    'WebhookSilent',
    'Webhook401Rate',
    'Webhook400Rate',
    'Webhook429Rate',
    'CustomerSyncErrors',
    'WebhookErrors',
    'ReplayErrors',
    'CustomerSyncThrottles',
    'WebhookThrottles',
    'CustomerSyncDuration',
    'WebhookDuration',
    'Webhook5xx',
    'StateTableThrottles',
    'StateTableErrors',
  ])('%s watches what it should, with its threshold, datapoints and missing-data treatment', (id) => {
    const alarm = alarms.get(id)!;
    const want = expected()[id]!;
    expect(alarm).toBeDefined();
    expect({
      threshold: alarm.Threshold,
      comparison: alarm.ComparisonOperator,
      evaluationPeriods: alarm.EvaluationPeriods,
      datapoints: alarm.DatapointsToAlarm,
      missing: alarm.TreatMissingData,
    }).toEqual({
      threshold: want.threshold,
      comparison: want.comparison,
      evaluationPeriods: want.evaluationPeriods,
      datapoints: want.datapoints,
      missing: want.missing,
    });
    if ('metric' in want.watched) {
      expect(`${alarm.Namespace}/${alarm.MetricName}`).toBe(want.watched.metric);
      expect(alarm.Statistic).toBe(want.watched.statistic);
      expect(alarm.Period).toBe(want.watched.period);
      if (want.watched.dimensions !== undefined) {
        expect(Object.fromEntries((alarm.Dimensions ?? []).map((d) => [d.Name, d.Value]))).toEqual(
          want.watched.dimensions,
        );
      }
    } else {
      const [expression, ...inputs] = alarm.Metrics ?? [];
      expect(expression?.Expression).toBe(want.watched.expression);
      const used = Object.fromEntries(
        inputs.map((m) => [
          m.Id,
          `${m.MetricStat!.Metric.Namespace}/${m.MetricStat!.Metric.MetricName} ${m.MetricStat!.Stat} ${m.MetricStat!.Period}`,
        ]),
      );
      expect(used).toEqual(want.watched.metrics ?? {});
      expect(expression?.Period ?? inputs[0]?.MetricStat?.Period).toBe(want.watched.period);
    }
  });

  it('name their runbook section in the description, and each section exists in docs/operations.md', () => {
    const doc = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    const anchors = new Set([...doc.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]));
    for (const [id, alarm] of alarms) {
      const runbook = expected()[id]!.runbook;
      expect(alarm.AlarmDescription).toMatch(new RegExp(` Runbook: docs/operations\\.md#${runbook}$`));
      expect(anchors).toContain(runbook);
    }
  });

  it('each have a row, linking its runbook section, in the alarms table of docs/operations.md', () => {
    const doc = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    const table = doc.slice(doc.indexOf('## Alarms'), doc.indexOf('## Dashboard'));
    const rows = table.split('\n').filter((line) => line.startsWith('| `'));
    for (const id of alarms.keys()) {
      const row = rows.find((line) => line.split('|')[1]!.includes(`\`${id}\``));
      expect({ id, row }).toEqual({ id, row: expect.stringContaining(`(#${expected()[id]!.runbook})`) });
    }
  });

  it('are as many as docs/cost.md prices', () => {
    const cost = readFileSync(new URL('../../docs/cost.md', import.meta.url), 'utf8');
    expect(cost).toContain(`${alarms.size} alarms (`);
  });

  it('notify the alarm topic when they fire and when they recover', () => {
    for (const alarm of alarms.values()) {
      expect(alarm.AlarmActions).toEqual([refOf(stack.alarmTopic.topic)]);
      expect(alarm.OKActions).toEqual([refOf(stack.alarmTopic.topic)]);
    }
  });

  it('count CRO OAuth refusals of both functions that refresh tokens, in this stack only', () => {
    const lost = alarms.get('CrmAuthorizationLost')!;
    const dimensions = (id: string) => lost.Metrics!.find((m) => m.Id === id)!.MetricStat!.Metric.Dimensions;
    expect(dimensions('sync')).toEqual([
      { Name: 'service', Value: 'customer-sync' },
      { Name: 'stack', Value: 'Default' },
    ]);
    expect(dimensions('reconcile')).toEqual([
      { Name: 'service', Value: 'reconcile' },
      { Name: 'stack', Value: 'Default' },
    ]);
  });

  it('count the retried reasons and webhook statuses of this stack only', () => {
    const retried = alarms.get('RetriesAuth')!;
    expect(retried.Dimensions).toContainEqual({ Name: 'stack', Value: 'Default' });
    const rate = alarms.get('Webhook401Rate')!;
    const refused = rate.Metrics!.find((m) => m.Id === 'refused')!.MetricStat!.Metric.Dimensions;
    expect(refused).toEqual([
      { Name: 'service', Value: 'webhook' },
      { Name: 'stack', Value: 'Default' },
      { Name: 'status', Value: '401' },
    ]);
  });
});
