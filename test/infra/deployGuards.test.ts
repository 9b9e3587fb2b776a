import { describe, it, expect } from '@jest/globals';
import { type App, CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { deploymentFromContext, REFUSAL_IDS, refuseDeployment } from '../../infra/deployGuards.ts';
import { InvalidContextError } from '../../infra/errors.ts';
import { testApps } from './templateHelpers.ts';

const testApp = testApps();

const cdkJsonContext = (JSON.parse(readFileSync('cdk.json', 'utf8')) as { context: Record<string, unknown> })
  .context;

const real = {
  crmApiUrl: 'https://api.cro-software.com',
  crmTenantId: 42,
  credentialsSecretName: 'crm-sync/credentials',
  webhookSecretName: 'crm-sync/webhook-secret',
  alarmEmail: 'on-call@acme.io',
};

function guardErrorOf(context: Record<string, unknown>): InvalidContextError {
  try {
    deploymentFromContext(testApp({ context }).node);
  } catch (error) {
    if (error instanceof InvalidContextError) return error;
    throw error;
  }
  throw new Error('the deployment passed its guards');
}

// A plain Stack is enough for the refusal (no bundling); it holds one resource, as a deployable template must.
function plainStack(app: App, id: string): Stack {
  const stack = new Stack(app, id);
  new CfnWaitConditionHandle(stack, 'AnyResource');
  return stack;
}

describe('deploymentFromContext (deploy guards)', () => {
  it('lets a complete, real environment through', () => {
    const deployment = deploymentFromContext(
      testApp({ context: { environments: { prod: real }, env: 'prod' } }).node,
    );
    expect(deployment).toMatchObject({ stackName: 'CrmSync-prod', example: false, props: real });
  });

  it('stops a deploy without the CRO URL and tenant, naming both and where to set them', () => {
    const error = guardErrorOf({ ...cdkJsonContext });
    expect(error.keys).toEqual(['crmApiUrl', 'crmTenantId', 'credentialsSecretName', 'webhookSecretName']);
    expect(error.message).toContain('crmApiUrl: is required');
    expect(error.message).toContain(`"environments": { "<env>": { ... } }`);
  });

  it.each([
    ['crmApiUrl', 'https://api.cro-software.example'],
    ['crmApiUrl', 'https://cro.example.com'],
    ['icApiUrl', 'https://ic.invalid'],
    ['icApiUrl', 'http://localhost'],
    ['alarmEmail', 'ops@example.com'],
  ])('stops a deploy with the placeholder %s=%s', (key, value) => {
    const error = guardErrorOf({ environments: { prod: { ...real, [key]: value } }, env: 'prod' });
    expect(error.keys).toEqual([key]);
    expect(error.message).toMatch(/placeholder/);
  });

  it('stops a deploy without alarmEmail: nobody would hear the alarms', () => {
    const { alarmEmail: _, ...withoutEmail } = real;
    const error = guardErrorOf({ environments: { prod: withoutEmail }, env: 'prod' });
    expect(error.keys).toEqual(['alarmEmail']);
    expect(error.message).toContain('alarmEmail: is required: nobody would hear the alarms');
    expect(error.message).toContain('alarmEmailWaived: true');
  });

  it('lets a deploy without alarmEmail through when explicitly waived', () => {
    const { alarmEmail: _, ...withoutEmail } = real;
    const context = { environments: { prod: { ...withoutEmail, alarmEmailWaived: true } }, env: 'prod' };
    expect(deploymentFromContext(testApp({ context }).node).alarmEmailWaived).toBe(true);
  });

  it("lets cdk.json's example environment synthesize, placeholders and all", () => {
    const deployment = deploymentFromContext(
      testApp({ context: { ...cdkJsonContext, env: 'example' } }).node,
    );
    expect(deployment).toMatchObject({ envName: 'example', example: true, stackName: 'CrmSync-example' });
    expect(deployment.props.crmApiUrl).toMatch(/\.example$/);
  });

  it('keeps no placeholder outside an environment marked example', () => {
    const environments = cdkJsonContext.environments as Record<string, Record<string, unknown>>;
    for (const [name, block] of Object.entries(environments)) {
      if (block.example === true) continue;
      expect(() =>
        deploymentFromContext(testApp({ context: { ...cdkJsonContext, env: name } }).node),
      ).not.toThrow();
    }
    expect(Object.keys(cdkJsonContext)).toEqual(['environments']);
  });
});

describe('refuseDeployment', () => {
  it('adds a rule that fails any deployment of the template with the message, and warns at synth', () => {
    const stack = plainStack(testApp(), 'Example');

    refuseDeployment(stack, 'the example environment only synthesizes');

    const template = Template.fromStack(stack).toJSON() as {
      Parameters: Record<string, { Default: string }>;
      Rules: Record<string, { Assertions: Array<{ Assert: unknown; AssertDescription: string }> }>;
    };
    expect(template.Parameters[REFUSAL_IDS.parameter]?.Default).toBe('synth-only');
    expect(template.Rules[REFUSAL_IDS.rule]?.Assertions).toEqual([
      {
        Assert: { 'Fn::Equals': [{ Ref: REFUSAL_IDS.parameter }, 'deploy'] },
        AssertDescription: 'the example environment only synthesizes',
      },
    ]);
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('only synthesizes'));
  });
});
