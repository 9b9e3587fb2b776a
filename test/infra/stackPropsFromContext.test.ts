import { describe, it, expect } from '@jest/globals';
import { InvalidContextError } from '../../infra/errors.ts';
import { stackPropsFromContext } from '../../infra/stackPropsFromContext.ts';
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
    });
    expect(props).toMatchObject({ fifo: true, batchSize: 10, maxConcurrency: 3, syncTimeoutSeconds: 45 });
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

  it('names every missing required key', () => {
    const error = (() => {
      try {
        propsFrom({ crmApiUrl: 'https://api.cro.test' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidContextError);
    expect((error as InvalidContextError).keys).toEqual([
      'crmTenantId',
      'credentialsSecretName',
      'webhookSecretName',
    ]);
    expect((error as Error).message).toContain('crmTenantId: is required');
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
  ])('refuses %s=%s, naming the key', (key, value) => {
    expect(() => propsFrom({ ...required, [key]: value })).toThrow(new RegExp(`${key}: `));
  });
});
