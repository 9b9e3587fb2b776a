import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../../../lib/config/errors.ts';
import { loadWebhookConfig } from '../../../../lib/config/webhook.ts';

const required = {
  QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/crm-sync-events.fifo',
  WEBHOOK_SECRET_ID: 'crm-sync/webhook',
  CRM_TENANT_ID: '42',
};

describe('loadWebhookConfig', () => {
  it('reads the required variables and applies the documented defaults', () => {
    expect(loadWebhookConfig(required)).toEqual({
      queueUrl: required.QUEUE_URL,
      webhookSecretId: 'crm-sync/webhook',
      crmTenantId: 42,
      croSignatureHeader: 'x-cro-signature',
      croSignatureEncoding: 'base64',
      croDeliveryIdHeader: 'x-cro-delivery-id',
      secretTtlMs: 300_000,
      awsLimits: { connectionTimeoutMs: 1000, requestTimeoutMs: 3000, maxAttempts: 2 },
    });
  });

  it('lower-cases configured header names, as requests carry them', () => {
    const config = loadWebhookConfig({ ...required, CRO_SIGNATURE_HEADER: 'X-Hook-Signature' });

    expect(config.croSignatureHeader).toBe('x-hook-signature');
  });

  it('names every missing or bad variable, never its value', () => {
    let error: unknown;
    try {
      loadWebhookConfig({ QUEUE_URL: 'not a url', CRM_TENANT_ID: 'x', CRO_SIGNATURE_ENCODING: 'rot13' });
    } catch (thrown) {
      error = thrown;
    }

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables).toEqual(
      expect.arrayContaining(['QUEUE_URL', 'WEBHOOK_SECRET_ID', 'CRM_TENANT_ID', 'CRO_SIGNATURE_ENCODING']),
    );
    expect((error as Error).message).not.toContain('rot13');
  });
});
