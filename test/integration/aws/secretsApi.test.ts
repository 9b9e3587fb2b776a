import { afterEach, describe, expect, it } from '@jest/globals';
import { createSecretsApi } from '../../../lib/aws/secretsApi.ts';
import { createSecretReader } from '../../../lib/secrets/createSecretReader.ts';
import { createSecretWriter } from '../../../lib/secrets/createSecretWriter.ts';
import { SecretError } from '../../../lib/secrets/errors.ts';
import { startAwsJsonServer, type AwsAnswer, type AwsJsonServer } from '../../helpers/awsJsonServer.ts';

const SECRET_ID = 'crm-sync/credentials';
const VALUE = '{"invisibleCollectorToken":"ic-token-1","crmToken":"cro-token-1"}';
const LIMITS = { connectionTimeoutMs: 1_000, requestTimeoutMs: 2_000, maxAttempts: 3 };

// The answers of Secrets Manager's API reference (GetSecretValue, PutSecretValue, ResourceNotFoundException).
const found = (): AwsAnswer => ({
  status: 200,
  body: {
    ARN: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${SECRET_ID}-a1b2c3`,
    Name: SECRET_ID,
    SecretString: VALUE,
    VersionId: 'EXAMPLE1-90ab-cdef-fedc-ba987SECRET1',
    VersionStages: ['AWSCURRENT'],
    CreatedDate: 1523477145.713,
  },
});
const NOT_FOUND: AwsAnswer = {
  status: 400,
  body: { __type: 'ResourceNotFoundException', Message: "Secrets Manager can't find the specified secret." },
};

let server: AwsJsonServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function secretsOn(answer: (target: string, index: number) => AwsAnswer) {
  server = await startAwsJsonServer((request, index) => answer(request.target, index));
  const env = {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKID',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_SESSION_TOKEN: 'token',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: server.endpoint,
  };
  return { server, client: createSecretsApi({ limits: LIMITS, env }) };
}

describe('the secret reader and writer on the lean Secrets Manager client', () => {
  it('reads a secret once per ttl, and again when a refresh is forced', async () => {
    const { server: s, client } = await secretsOn(() => found());
    const read = createSecretReader({ client, ttlMs: 60_000, minRefreshIntervalMs: 0 });

    const values = await Promise.all([read(SECRET_ID), read(SECRET_ID)]);
    await read(SECRET_ID);
    expect(values).toEqual([VALUE, VALUE]);
    expect(s.requests.map((r) => [r.target, r.input])).toEqual([
      ['secretsmanager.GetSecretValue', { SecretId: SECRET_ID }],
    ]);

    await expect(read(SECRET_ID, { forceRefresh: true })).resolves.toBe(VALUE);
    expect(s.requests).toHaveLength(2);
  });

  it('keeps serving the value read before when a forced refresh fails', async () => {
    const { server: s, client } = await secretsOn((_, index) =>
      index === 0
        ? found()
        : { status: 400, body: { __type: 'AccessDeniedException', Message: 'not authorized' } },
    );
    const read = createSecretReader({ client, ttlMs: 60_000, minRefreshIntervalMs: 0 });
    await read(SECRET_ID);

    await expect(read(SECRET_ID, { forceRefresh: true })).rejects.toThrow(/AccessDeniedException/);
    await expect(read(SECRET_ID)).resolves.toBe(VALUE);
    expect(s.requests).toHaveLength(2);
  });

  it('reads every time with ttl 0 (the OAuth rounds)', async () => {
    const { server: s, client } = await secretsOn(() => found());
    const read = createSecretReader({ client, ttlMs: 0, minRefreshIntervalMs: 0 });
    await read(SECRET_ID);
    await read(SECRET_ID);
    expect(s.requests).toHaveLength(2);
  });

  it('names a missing secret and its error, never a value, and caches no failure', async () => {
    const { server: s, client } = await secretsOn((_, index) => (index === 0 ? NOT_FOUND : found()));
    const read = createSecretReader({ client, ttlMs: 60_000 });

    const error = await read(SECRET_ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretError);
    expect((error as Error).message).toContain(SECRET_ID);
    expect((error as Error).message).toContain('ResourceNotFoundException');
    await expect(read(SECRET_ID)).resolves.toBe(VALUE);
    expect(s.requests).toHaveLength(2);
  });

  it('writes a new version with one idempotency token for all the attempts of a write', async () => {
    const { server: s, client } = await secretsOn((_, index) =>
      index === 0
        ? { status: 500, body: { __type: 'InternalServiceError', Message: 'try again' } }
        : {
            status: 200,
            body: { ARN: 'arn', Name: SECRET_ID, VersionId: 'v2', VersionStages: ['AWSCURRENT'] },
          },
    );
    const write = createSecretWriter({ client });

    await write(SECRET_ID, VALUE);
    await write(SECRET_ID, VALUE);

    const inputs = s.requests.map((r) => r.input);
    expect(s.requests.map((r) => r.target)).toEqual(Array(3).fill('secretsmanager.PutSecretValue'));
    expect(inputs[0]).toEqual({
      SecretId: SECRET_ID,
      SecretString: VALUE,
      ClientRequestToken: expect.any(String),
    });
    expect(inputs[1]!.ClientRequestToken).toBe(inputs[0]!.ClientRequestToken);
    expect(inputs[2]!.ClientRequestToken).not.toBe(inputs[0]!.ClientRequestToken);
  });
});
