import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../../../lib/config/errors.ts';
import { loadReconcileConfig } from '../../../../lib/config/reconcile.ts';

const required = {
  CRM_API_URL: 'https://api.cro.example/',
  CRM_TENANT_ID: '42',
  CREDENTIALS_SECRET_ID: 'crm-sync/credentials',
  QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/crm-sync-events',
};

describe('loadReconcileConfig', () => {
  it('applies the defaults to the required variables', () => {
    expect(loadReconcileConfig(required)).toEqual({
      crmApiUrl: 'https://api.cro.example',
      crmTenantId: 42,
      credentialsSecretId: 'crm-sync/credentials',
      queueUrl: required.QUEUE_URL,
      overlapMs: 300_000,
      pageLimit: 1_000,
      enqueueRate: 100,
      concurrency: 4,
      maxRestarts: 3,
      crmTimeoutMs: 5_000,
      timeMarginMs: 30_000,
      crmOAuth: { clientAuth: 'client_secret_basic' },
      awsLimits: { connectionTimeoutMs: 1_000, requestTimeoutMs: 3_000, maxAttempts: 3 },
      awsDeadlineReserveMs: 1_000,
    });
  });

  it("reads CRO OAuth's token endpoint and client authentication, as customer-sync does", () => {
    const config = loadReconcileConfig({
      ...required,
      CRM_TOKEN_URL: 'https://auth.cro.example/oauth/token',
      CRM_TOKEN_AUTH: 'client_secret_post',
      AWS_CALL_TIMEOUT_MS: '5000',
    });

    expect(config.crmOAuth).toEqual({
      tokenUrl: 'https://auth.cro.example/oauth/token',
      clientAuth: 'client_secret_post',
    });
    expect(config.awsLimits.requestTimeoutMs).toBe(5_000);
    expect(() => loadReconcileConfig({ ...required, CRM_TOKEN_AUTH: 'private_key_jwt' })).toThrow(
      /CRM_TOKEN_AUTH: must be one of client_secret_basic, client_secret_post/,
    );
  });

  it('requires STATE_TABLE_NAME in AWS Lambda (checkpoints and the refresh lease must be shared)', () => {
    const deployed = { ...required, AWS_LAMBDA_FUNCTION_NAME: 'CrmSync-Reconcile' };

    expect(() => loadReconcileConfig(deployed)).toThrow(/STATE_TABLE_NAME: is required in AWS Lambda/);
    expect(loadReconcileConfig({ ...deployed, STATE_TABLE_NAME: 'state' }).stateTableName).toBe('state');
  });

  it('reads the locations, the VAT field and the tuning variables', () => {
    const config = loadReconcileConfig({
      ...required,
      CRM_LOCATION_IDS: ' 3, 1,3 ',
      CRM_VAT_FIELD: 'locations.0.reference_number',
      STATE_TABLE_NAME: 'state',
      RECONCILE_OVERLAP_SECONDS: '60',
      RECONCILE_PAGE_LIMIT: '200',
    });

    expect(config).toMatchObject({
      crmLocationIds: [3, 1],
      crmVatField: ['locations', '0', 'reference_number'],
      stateTableName: 'state',
      overlapMs: 60_000,
      pageLimit: 200,
    });
  });

  it('names every bad variable, never its value', () => {
    const load = () =>
      loadReconcileConfig({
        ...required,
        QUEUE_URL: undefined,
        CRM_LOCATION_IDS: '1;2',
        CRM_VAT_FIELD: 'tax id',
        RECONCILE_PAGE_LIMIT: '1001',
      });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/QUEUE_URL: is required/);
    expect(load).toThrow(/CRM_LOCATION_IDS: must be comma-separated location ids/);
    expect(load).toThrow(/CRM_VAT_FIELD: must be a dotted path/);
    expect(load).toThrow(/RECONCILE_PAGE_LIMIT: must be ≤ 1000/);
    expect(load).not.toThrow(/tax id/);
  });
});
