import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** The document every alarm description points into; each alarm has a section there. */
export const RUNBOOK_DOC = 'docs/operations.md';

/**
 * One alarm, declared: what it watches, when it fires and which runbook section says what to do. The
 * description, name, actions and missing-data treatment follow from it (see {@link SyncAlarms}).
 */
export interface AlarmSpec {
  /** Construct id, and the alarm's name after `<stack>-`, e.g. `RetriesSustained`. */
  readonly id: string;
  /** What is wrong when it fires, one sentence for the page; the runbook link is appended. */
  readonly summary: string;
  /** The runbook anchor in {@link RUNBOOK_DOC}, e.g. `alarm-retries-sustained`. */
  readonly runbook: string;
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  /** `above`: metric > threshold fires; `below`: metric < threshold fires. @default 'above' */
  readonly when?: 'above' | 'below';
  /** Periods looked at. @default 1 */
  readonly evaluationPeriods?: number;
  /** Breaching periods among them that fire it. @default evaluationPeriods */
  readonly datapointsToAlarm?: number;
  /** @default NOT_BREACHING (no data: nothing happened, e.g. no retry at all) */
  readonly treatMissingData?: cloudwatch.TreatMissingData;
}

export interface SyncAlarmsProps {
  /** The topic every alarm notifies, on ALARM and on OK. */
  readonly topic: sns.ITopic;
  readonly specs?: readonly AlarmSpec[];
}

/**
 * The stack's alarms, made from a list of {@link AlarmSpec}s: each named `<stack>-<id>`, described by its summary
 * and its runbook section, notifying the alarm topic when it fires and when it recovers. Every function's alarms
 * go through {@link SyncAlarms.add}, so the set stays one declarative list that tests read.
 *
 * @example
 * const alarms = new SyncAlarms(this, 'SyncAlarms', { topic, specs: syncAlarmSpecs(parts) });
 * alarms.add({ id: 'ReconcileErrors', summary: '...', runbook: 'alarm-reconcile-errors', metric, threshold: 0 });
 */
export class SyncAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly specs: AlarmSpec[] = [];
  readonly #action: actions.SnsAction;

  constructor(scope: Construct, id: string, props: SyncAlarmsProps) {
    super(scope, id);
    this.#action = new actions.SnsAction(props.topic);
    for (const spec of props.specs ?? []) this.add(spec);
  }

  /** Creates the alarm of `spec`. */
  add(spec: AlarmSpec): cloudwatch.Alarm {
    const evaluationPeriods = spec.evaluationPeriods ?? 1;
    const alarm = new cloudwatch.Alarm(this, spec.id, {
      alarmName: `${Stack.of(this).stackName}-${spec.id}`,
      alarmDescription: `${spec.summary} Runbook: ${RUNBOOK_DOC}#${spec.runbook}`,
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator:
        spec.when === 'below'
          ? cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD
          : cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm ?? evaluationPeriods,
      treatMissingData: spec.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.#action);
    alarm.addOkAction(this.#action);
    this.alarms.push(alarm);
    this.specs.push(spec);
    return alarm;
  }
}
