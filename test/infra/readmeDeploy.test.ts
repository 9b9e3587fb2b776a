import { describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const readme = read('README.md');
const deploySection = readme.slice(
  readme.indexOf('<!-- section:deploy -->'),
  readme.indexOf('<!-- /section:deploy -->'),
);
const deployDoc = read('docs/deploy.md');

// The context keys are documented in docs/configuration.md, generated from the schema (test/unit/scripts).
describe('the deploy documentation', () => {
  it('README gives the two commands, deploy by named environment and the smoke check, and links the rest', () => {
    expect(deploySection).toContain('npx cdk deploy -c env=prod');
    expect(deploySection).toContain('npx crm-sync doctor --stack CrmSync-prod');
    expect(deploySection).toContain('](docs/deploy.md)');
    expect(deploySection).toContain('(docs/configuration.md#cdk-context)');
  });

  it('docs/deploy.md points to the table of every context key', () => {
    expect(deployDoc).toContain('(configuration.md#cdk-context)');
  });

  it.each([
    'QueueUrl',
    'QueueArn',
    'DlqUrl',
    'DlqArn',
    'QueueSettings',
    'WebhookUrl',
    'DashboardName',
    'ReplayFunctionName',
    'StateTableName',
    'AlarmTopicArn',
    'CredentialsSecretId',
    'WebhookSecretId',
    'IcApiUrl',
    'CrmApiUrl',
    'CrmTenantId',
  ])('docs/deploy.md explains the output %s', (output) => {
    expect(deployDoc).toContain(`\`${output}\``);
  });
});
