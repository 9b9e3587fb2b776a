import { describe, it, expect } from '@jest/globals';
import { type App, Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crmSyncStack, testApps } from './templateHelpers.ts';

const testApp = testApps();

interface ValidationReport {
  pluginReports: Array<{ summary: { pluginName: string }; violations: Array<{ ruleName: string }> }>;
}

/** Synthesizes `app` with cdk-nag's AWS Solutions pack; returns the violations (CDK throws when any is an error). */
function synthWithNag(app: App): { error?: Error; violations: string[] } {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  let error: Error | undefined;
  try {
    app.synth();
  } catch (e) {
    error = e as Error;
  }
  const report = JSON.parse(
    readFileSync(join(app.outdir, 'validation-report.json'), 'utf8'),
  ) as ValidationReport;
  const violations = report.pluginReports.flatMap((r) => r.violations.map((v) => v.ruleName));
  return { ...(error !== undefined && { error }), violations };
}

describe('cdk-nag AwsSolutionsChecks', () => {
  it('finds nothing unacknowledged in the stack, standard or FIFO, with every optional resource', () => {
    const app = testApp();
    crmSyncStack(app, 'Standard');
    crmSyncStack(app, 'FifoKmsEmail', {
      fifo: true,
      tracing: true,
      queueEncryption: 'kms',
      alarmEmail: 'ops@example.com',
      secretsKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      credentialsSecretName:
        'arn:aws:secretsmanager:eu-west-1:123456789012:secret:crm-sync/credentials-AbCdEf',
    });
    crmSyncStack(app, 'OAuth', { crmTokenUrl: 'https://auth.cro.test/oauth/token' });

    const { error, violations } = synthWithNag(app);

    expect(violations).toEqual([]);
    expect(error).toBeUndefined();
  });

  it('reports an unacknowledged finding (the check is live)', () => {
    const app = testApp();
    const stack = new Stack(app, 'Bad');
    new sqs.Queue(stack, 'PlainQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });

    const { error, violations } = synthWithNag(app);

    expect(violations).toEqual(expect.arrayContaining([expect.stringContaining('AwsSolutions-SQS')]));
    expect(error).toBeDefined();
  });
});
