import { describe, it, expect } from '@jest/globals';
import { InvalidContextError } from '../../infra/errors.ts';
import { readContextDeployment, stackPropsFromContext } from '../../infra/stackPropsFromContext.ts';
import { testApps } from './templateHelpers.ts';

const testApp = testApps();

const required = {
  crmApiUrl: 'https://api.cro.test',
  crmTenantId: '42',
  credentialsSecretName: 'crm-sync/credentials',
  webhookSecretName: 'crm-sync/webhook-secret',
};

function propsFrom(context: Record<string, unknown>) {
  return stackPropsFromContext(testApp({ context }).node);
}

function deploymentFrom(context: Record<string, unknown>) {
  return readContextDeployment(testApp({ context }).node);
}

function errorOf(run: () => unknown): InvalidContextError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidContextError) return error;
    throw error;
  }
  throw new Error('no InvalidContextError thrown');
}

describe('stackPropsFromContext', () => {
  it('reads the required keys, converting `-c` strings to numbers', () => {
    expect(propsFrom(required)).toEqual({ ...required, crmTenantId: 42 });
  });

  it('converts numeric and boolean strings given with -c', () => {
    const props = propsFrom({
      ...required,
      fifo: 'true',
      batchSize: '10',
      maxConcurrency: '3',
      syncTimeoutSeconds: '45',
      tracing: 'true',
      retainData: 'false',
    });
    expect(props).toMatchObject({
      fifo: true,
      batchSize: 10,
      maxConcurrency: 3,
      syncTimeoutSeconds: 45,
      tracing: true,
      retainData: false,
    });
  });

  it('accepts JSON values from cdk.json', () => {
    expect(propsFrom({ ...required, crmTenantId: 7, fifo: false })).toMatchObject({
      crmTenantId: 7,
      fifo: false,
    });
  });

  it('reads the reconciliation keys, a single location id from cdk.json included', () => {
    expect(
      propsFrom({
        ...required,
        reconcileSchedule: 'disabled',
        reconcileRate: '25',
        crmLocationIds: 7,
        crmVatField: 'locations.0.reference_number',
      }),
    ).toMatchObject({
      reconcileSchedule: 'disabled',
      reconcileRate: 25,
      crmLocationIds: '7',
      crmVatField: 'locations.0.reference_number',
    });
    expect(propsFrom({ ...required, reconcileSchedule: 'rate(1 hour)' }).reconcileSchedule).toBe(
      'rate(1 hour)',
    );
  });

  it('treats an empty value as unset, so -c key= clears a cdk.json value', () => {
    expect(propsFrom({ ...required, alarmEmail: '' })).not.toHaveProperty('alarmEmail');
  });

  it('names every missing required key and where to set it', () => {
    const error = errorOf(() => propsFrom({ crmApiUrl: 'https://api.cro.test' }));
    expect(error.keys).toEqual(['crmTenantId', 'credentialsSecretName', 'webhookSecretName']);
    expect(error.message).toContain('crmTenantId: is required');
    expect(error.message).toContain(`cdk.json's "environments"`);
    expect(error.message).toContain('-c env=');
  });

  it.each([
    ['crmTenantId', 'abc'],
    ['crmApiUrl', 'ftp://cro.test'],
    ['fifo', 'yes'],
    ['queueEncryption', 'aes'],
    ['vatConflictPolicy', 'merge'],
    ['alarmEmail', 'not-an-email'],
    ['maxConcurrency', '1'],
    ['reconcileSchedule', 'every 15 minutes'],
    ['crmLocationIds', '1;2'],
    ['crmVatField', 'tax id'],
    ['reconcileRate', '0'],
    ['webhookSilenceAlarmHours', '200'],
    ['deadLetterAgeAlarmDays', '14'],
    ['stackName', '1stack'],
    ['stackName', 'x'.repeat(61)],
  ])('refuses %s=%s, naming the key', (key, value) => {
    expect(() => propsFrom({ ...required, [key]: value })).toThrow(new RegExp(`${key}: `));
  });

  it('keeps the deployment keys out of the stack props', () => {
    const props = propsFrom({ ...required, stackName: 'Mine', example: 'true', alarmEmailWaived: 'true' });
    expect(props).not.toHaveProperty('stackName');
    expect(props).not.toHaveProperty('example');
    expect(props).not.toHaveProperty('alarmEmailWaived');
  });
});

describe('readContextDeployment with named environments', () => {
  const environments = {
    prod: { ...required, crmTenantId: 7, alarmEmail: 'ops@acme.io', maxConcurrency: 4 },
    dev: { ...required, stackName: 'CrmSyncDev', retainData: false, alarmEmailWaived: true },
  };

  it('reads the block named by -c env and names the stack after it', () => {
    const deployment = deploymentFrom({ environments, env: 'prod' });
    expect(deployment).toMatchObject({ envName: 'prod', stackName: 'CrmSync-prod', example: false });
    expect(deployment.props).toMatchObject({ crmTenantId: 7, alarmEmail: 'ops@acme.io', maxConcurrency: 4 });
  });

  it("takes the block's own stackName and deployment keys", () => {
    expect(deploymentFrom({ environments, env: 'dev' })).toMatchObject({
      stackName: 'CrmSyncDev',
      alarmEmailWaived: true,
      props: { retainData: false },
    });
  });

  it('lets -c override a key of the block, and -c key= clear it', () => {
    const deployment = deploymentFrom({ environments, env: 'prod', maxConcurrency: '9', alarmEmail: '' });
    expect(deployment.props.maxConcurrency).toBe(9);
    expect(deployment.props).not.toHaveProperty('alarmEmail');
  });

  it('names the stack CrmSync when no environment is chosen', () => {
    expect(deploymentFrom(required).stackName).toBe('CrmSync');
  });

  it('refuses an unknown environment, listing the known ones', () => {
    const error = errorOf(() => deploymentFrom({ environments, env: 'staging' }));
    expect(error.keys).toEqual(['env']);
    expect(error.message).toContain('no environment "staging"');
    expect(error.message).toContain('known: prod, dev');
  });

  it('refuses a key of a block that is no context key (a typo would otherwise be ignored)', () => {
    const error = errorOf(() =>
      deploymentFrom({ environments: { prod: { ...required, maxConcurency: 4 } }, env: 'prod' }),
    );
    expect(error.keys).toEqual(['maxConcurency']);
    expect(error.message).toContain('is not a context key (in "environments.prod")');
  });

  it('names the keys a block lacks, pointing at that block', () => {
    const error = errorOf(() =>
      deploymentFrom({ environments: { prod: { crmApiUrl: 'https://api.cro.test' } }, env: 'prod' }),
    );
    expect(error.keys).toEqual(['crmTenantId', 'credentialsSecretName', 'webhookSecretName']);
    expect(error.message).toContain('"prod": { ... }');
    expect(error.message).toContain('-c env=prod');
  });
});
