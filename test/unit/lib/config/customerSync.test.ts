import { describe, expect, it } from '@jest/globals';
import { loadCustomerSyncConfig } from '../../../../lib/config/customerSync.ts';
import { ConfigError } from '../../../../lib/config/errors.ts';

const REQUIRED = {
  CRM_API_URL: 'https://api.crosoftware.example/v1/',
  CRM_TENANT_ID: '42',
  CREDENTIALS_SECRET_ID: 'crm-sync/credentials',
  DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/crm-sync-dlq',
};

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadCustomerSyncConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadCustomerSyncConfig', () => {
  it('applies the documented defaults when only the required variables are set', () => {
    const config = loadCustomerSyncConfig(REQUIRED);

    expect(config).toEqual({
      icApiUrl: 'https://api.invisiblecollector.com',
      crmApiUrl: 'https://api.crosoftware.example/v1',
      crmTenantId: 42,
      credentialsSecretId: 'crm-sync/credentials',
      crmOAuth: { clientAuth: 'client_secret_basic' },
      dlqUrl: REQUIRED.DLQ_URL,
      syncConcurrency: 10,
      vatConflictPolicy: 'dead-letter',
      icTimeoutMs: 5000,
      crmTimeoutMs: 5000,
      timeMarginMs: 3000,
      icWriteSettleMs: 30_000,
      retryBackoff: { baseSeconds: 30, capSeconds: 900 },
      busyBackoff: { baseSeconds: 10, capSeconds: 60 },
      missingVatReceives: 3,
      awsLimits: { connectionTimeoutMs: 1000, requestTimeoutMs: 3000, maxAttempts: 3 },
      awsDeadlineReserveMs: 1000,
    });
  });

  it('reads every optional variable', () => {
    const config = loadCustomerSyncConfig({
      ...REQUIRED,
      IC_API_URL: 'http://127.0.0.1:4000',
      DEFAULT_COUNTRY: 'pt',
      DEFAULT_LOCALE: 'en-GB',
      STATE_TABLE_NAME: 'crm-sync-state',
      SYNC_CONCURRENCY: '4',
      VAT_CONFLICT_POLICY: 'adopt',
      IC_TIMEOUT_MS: '2500',
      CRM_TIMEOUT_MS: '1500',
      CRM_API_VERSION: '2019/02/08',
      TIME_MARGIN_MS: '500',
      IC_WRITE_SETTLE_MS: '10000',
      CRM_TOKEN_URL: 'https://auth.cro.example/oauth/token',
      CRM_TOKEN_AUTH: 'client_secret_post',
      RETRY_BASE_SECONDS: '2',
      AWS_CONNECT_TIMEOUT_MS: '700',
      AWS_CALL_TIMEOUT_MS: '2000',
      AWS_MAX_ATTEMPTS: '2',
    });

    expect(config).toMatchObject({
      icApiUrl: 'http://127.0.0.1:4000',
      crmOAuth: { tokenUrl: 'https://auth.cro.example/oauth/token', clientAuth: 'client_secret_post' },
      defaultCountry: 'PT',
      defaultLocale: 'en',
      stateTableName: 'crm-sync-state',
      syncConcurrency: 4,
      vatConflictPolicy: 'adopt',
      icTimeoutMs: 2500,
      crmTimeoutMs: 1500,
      crmApiVersion: '2019/02/08',
      timeMarginMs: 500,
      icWriteSettleMs: 10_000,
      retryBackoff: { baseSeconds: 2, capSeconds: 900 },
      awsLimits: { connectionTimeoutMs: 700, requestTimeoutMs: 2000, maxAttempts: 2 },
    });
  });

  it('refuses a settle window shorter than the IC request timeout, naming the variable', () => {
    const error = configError({ ...REQUIRED, IC_TIMEOUT_MS: '8000', IC_WRITE_SETTLE_MS: '5000' });

    expect(error.variables).toEqual(['IC_WRITE_SETTLE_MS']);
    expect(error.message).toContain('IC_WRITE_SETTLE_MS: must be ≥ IC_TIMEOUT_MS (8000)');
  });

  it.each(Object.keys(REQUIRED))('names %s when it is missing', (variable) => {
    const error = configError({ ...REQUIRED, [variable]: undefined });

    expect(error.variables).toEqual([variable]);
    expect(error.message).toContain(`${variable}: is required`);
    expect(error.transient).toBe(false);
  });

  it('fails the cold start of a deployed function without STATE_TABLE_NAME, naming it', () => {
    const error = configError({ ...REQUIRED, AWS_LAMBDA_FUNCTION_NAME: 'crm-sync-customer-sync' });

    expect(error.variables).toEqual(['STATE_TABLE_NAME']);
    expect(error.message).toMatch(/STATE_TABLE_NAME: is required in AWS Lambda/);
  });

  it('runs a deployed function with its state table, and a local run without one (in memory)', () => {
    const deployed = loadCustomerSyncConfig({
      ...REQUIRED,
      AWS_LAMBDA_FUNCTION_NAME: 'crm-sync-customer-sync',
      STATE_TABLE_NAME: 'crm-sync-state',
    });
    const local = loadCustomerSyncConfig(REQUIRED);

    expect(deployed.stateTableName).toBe('crm-sync-state');
    expect(local.stateTableName).toBeUndefined();
  });

  it('treats an empty variable as unset', () => {
    const error = configError({ ...REQUIRED, DLQ_URL: '  ' });

    expect(error.message).toContain('DLQ_URL: is required');
  });

  it.each([
    ['CRM_API_URL', 'not a url'],
    ['CRM_TENANT_ID', 'forty-two'],
    ['CRM_TENANT_ID', '0'],
    ['SYNC_CONCURRENCY', '1.5'],
    ['SYNC_CONCURRENCY', '0'],
    ['VAT_CONFLICT_POLICY', 'merge'],
    ['DEFAULT_COUNTRY', 'Portugal'],
    ['DEFAULT_COUNTRY', 'XX'],
    ['DEFAULT_LOCALE', 'klingon'],
    ['IC_TIMEOUT_MS', '-1'],
    ['CRM_TOKEN_URL', 'ftp://auth.cro.example/token'],
    ['CRM_TOKEN_AUTH', 'private_key_jwt'],
  ])('rejects %s=%j naming the variable but not the value', (variable, value) => {
    const error = configError({ ...REQUIRED, [variable]: value });

    expect(error.variables).toEqual([variable]);
    expect(error.message).toMatch(new RegExp(`^invalid configuration: ${variable}: `));
    expect(error.message).not.toContain(value);
  });

  it('refuses a DEFAULT_COUNTRY that is only reserved (UK), pointing to the assigned code', () => {
    const error = configError({ ...REQUIRED, DEFAULT_COUNTRY: 'uk' });

    expect(error.variables).toEqual(['DEFAULT_COUNTRY']);
    expect(error.message).toContain('GB, not UK');
  });

  it('lists every bad variable at once', () => {
    const error = configError({ SYNC_CONCURRENCY: 'many' });

    expect(error.variables).toEqual(
      expect.arrayContaining([
        'CRM_API_URL',
        'CRM_TENANT_ID',
        'CREDENTIALS_SECRET_ID',
        'DLQ_URL',
        'SYNC_CONCURRENCY',
      ]),
    );
  });
});
