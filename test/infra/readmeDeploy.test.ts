import { describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const deploySection = readme.slice(
  readme.indexOf('<!-- section:deploy -->'),
  readme.indexOf('<!-- /section:deploy -->'),
);

// The context keys are documented in docs/configuration.md, generated from the schema (test/unit/scripts).
describe('README deploy section', () => {
  it('points to the table of every context key', () => {
    expect(deploySection).toContain('(docs/configuration.md#cdk-context)');
  });

  it.each([
    'QueueUrl',
    'QueueArn',
    'DlqUrl',
    'DlqArn',
    'WebhookUrl',
    'DashboardName',
    'ReplayFunctionName',
    'StateTableName',
    'AlarmTopicArn',
  ])('explains the output %s', (output) => {
    expect(deploySection).toContain(`\`${output}\``);
  });
});
