import { describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { CONTEXT_KEYS } from '../../infra/stackPropsFromContext.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const deploySection = readme.slice(
  readme.indexOf('<!-- section:deploy -->'),
  readme.indexOf('<!-- /section:deploy -->'),
);

describe('README deploy section', () => {
  it.each(CONTEXT_KEYS)('documents the context key %s', (key) => {
    expect(deploySection).toContain(`\`${key}\``);
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
