import { afterEach, describe, expect, it } from '@jest/globals';
import { AwsJsonClient, DYNAMODB, SECRETS_MANAGER } from '../../../lib/aws/AwsJsonClient.ts';
import { AwsServiceError } from '../../../lib/aws/awsErrors.ts';
import { InvocationDeadline, InvocationDeadlineError } from '../../../lib/aws/boundedCalls.ts';
import { conditionFailedItem, isConditionFailed } from '../../../lib/aws/dynamoApi.ts';
import { leanAwsClient } from '../../../lib/aws/leanAwsClient.ts';
import {
  expectedAuthorization,
  startAwsJsonServer,
  type AwsAnswer,
  type AwsJsonServer,
} from '../../helpers/awsJsonServer.ts';

const REGION = 'eu-west-1';
const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const LIMITS = { connectionTimeoutMs: 1_000, requestTimeoutMs: 2_000, maxAttempts: 3 };
const OK: AwsAnswer = { status: 200, body: {} };

let server: AwsJsonServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function serve(answer: (index: number) => AwsAnswer): Promise<AwsJsonServer> {
  server = await startAwsJsonServer((_, index) => answer(index));
  return server;
}

function client(endpoint: string, options: Partial<ConstructorParameters<typeof AwsJsonClient>[0]> = {}) {
  return new AwsJsonClient({
    protocol: DYNAMODB,
    region: REGION,
    endpoint: new URL(endpoint),
    credentials: () => CREDENTIALS,
    limits: LIMITS,
    random: () => 0,
    ...options,
  });
}

describe('AwsJsonClient', () => {
  it('sends the operation as a SigV4-signed JSON POST that the AWS SDK signer agrees with', async () => {
    const s = await serve(() => ({ status: 200, body: { Item: { pk: { S: 'a' } } } }));
    const withToken = { ...CREDENTIALS, sessionToken: 'session-token-1' };
    const input = { TableName: 't', Key: { pk: { S: 'a' } }, ConsistentRead: true };

    const output = await client(s.endpoint, { credentials: () => withToken }).call('GetItem', input);

    expect(output).toEqual({ Item: { pk: { S: 'a' } } });
    const [received] = s.requests;
    expect(received!.target).toBe('DynamoDB_20120810.GetItem');
    expect(received!.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(received!.headers['x-amz-security-token']).toBe('session-token-1');
    expect(received!.input).toEqual(input);
    expect(received!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, SignedHeaders=/,
    );
    expect(received!.headers.authorization).toBe(
      await expectedAuthorization(received!, { service: 'dynamodb', region: REGION, credentials: withToken }),
    );
  });

  it('speaks JSON 1.1 to Secrets Manager, signed for its service name', async () => {
    const s = await serve(() => ({ status: 200, body: { SecretString: '{}' } }));
    await client(s.endpoint, { protocol: SECRETS_MANAGER }).call('GetSecretValue', { SecretId: 'x' });
    const [received] = s.requests;
    expect(received!.target).toBe('secretsmanager.GetSecretValue');
    expect(received!.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(received!.headers.authorization).toBe(
      await expectedAuthorization(received!, {
        service: 'secretsmanager',
        region: REGION,
        credentials: CREDENTIALS,
      }),
    );
  });

  it('reads the credentials for every attempt, so replaced ones are used at once', async () => {
    const s = await serve(() => OK);
    let credentials = CREDENTIALS;
    const c = client(s.endpoint, { credentials: () => credentials });
    await c.call('GetItem', {});
    credentials = { accessKeyId: 'AKIDSECOND', secretAccessKey: 'second' };
    await c.call('GetItem', {});
    expect(s.requests.map((r) => /Credential=(\w+)\//.exec(String(r.headers.authorization))?.[1])).toEqual([
      'AKIDEXAMPLE',
      'AKIDSECOND',
    ]);
  });

  it('turns a refusal into an error named after its code, with its fields, and does not retry it', async () => {
    const item = { pk: { S: 'a' }, leaseOwner: { S: 'other' } };
    const s = await serve(() => ({
      status: 400,
      body: {
        __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
        message: 'The conditional request failed',
        Item: item,
      },
      headers: { 'x-amzn-requestid': 'REQ1' },
    }));

    const error = await client(s.endpoint)
      .call('UpdateItem', {})
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AwsServiceError);
    expect(isConditionFailed(error)).toBe(true);
    expect(conditionFailedItem(error)).toEqual(item);
    expect(error).toMatchObject({
      status: 400,
      message: 'UpdateItem: ConditionalCheckFailedException: The conditional request failed',
      $metadata: { httpStatusCode: 400, requestId: 'REQ1' },
    });
    expect(s.requests).toHaveLength(1);
  });

  it('names an error without a JSON body by its header, or by its status', async () => {
    const byHeader = await serve(() => ({
      status: 403,
      body: {},
      headers: { 'x-amzn-errortype': 'UnrecognizedClientException:http://internal.amazon.com/' },
    }));
    await expect(client(byHeader.endpoint).call('GetItem', {})).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      status: 403,
    });
    await byHeader.stop();
    const byStatus = await serve(() => ({ status: 502, body: {} }));
    await expect(
      client(byStatus.endpoint, { limits: { ...LIMITS, maxAttempts: 1 } }).call('GetItem', {}),
    ).rejects.toMatchObject({
      name: 'Http502',
    });
  });

  it('retries a 5xx and throttling, as the SDK standard strategy does, and returns the answer', async () => {
    const answers: AwsAnswer[] = [
      { status: 500, body: { __type: 'InternalServerError', message: 'boom' } },
      { status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException' } },
      { status: 200, body: { Attributes: { n: { N: '1' } } } },
    ];
    const s = await serve((i) => answers[i]!);
    await expect(client(s.endpoint).call('UpdateItem', { a: 1 })).resolves.toEqual({
      Attributes: { n: { N: '1' } },
    });
    expect(s.requests.map((r) => r.body)).toEqual(['{"a":1}', '{"a":1}', '{"a":1}']);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const s = await serve(() => ({ status: 503, body: { __type: 'ServiceUnavailable' } }));
    await expect(
      client(s.endpoint, { limits: { ...LIMITS, maxAttempts: 2 } }).call('GetItem', {}),
    ).rejects.toMatchObject({ name: 'ServiceUnavailable', status: 503 });
    expect(s.requests).toHaveLength(2);
  });

  it('ends an attempt that gets no answer within requestTimeoutMs as a TimeoutError, and retries it', async () => {
    const s = await serve((i) => (i === 0 ? 'stall' : { status: 200, body: { Item: {} } }));
    const c = client(s.endpoint, { limits: { ...LIMITS, requestTimeoutMs: 150 } });
    await expect(c.call('GetItem', {})).resolves.toEqual({ Item: {} });
    expect(s.requests).toHaveLength(2);

    const stalling = await startAwsJsonServer(() => 'stall');
    try {
      const error = await client(stalling.endpoint, {
        limits: { ...LIMITS, requestTimeoutMs: 100, maxAttempts: 1 },
      })
        .call('GetItem', {})
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'TimeoutError', message: 'no complete answer within 100 ms' });
    } finally {
      await stalling.stop();
    }
  });

  it('starts no attempt after the invocation deadline, and waits for no retry that would end after it', async () => {
    const s = await serve(() => ({ status: 500, body: { __type: 'InternalServerError' } }));
    const passed = new InvocationDeadline();
    passed.start({ getRemainingTimeInMillis: () => 0 }, 0);
    await expect(client(s.endpoint, { deadline: passed }).call('GetItem', {})).rejects.toBeInstanceOf(
      InvocationDeadlineError,
    );
    expect(s.requests).toHaveLength(0);

    // 30 ms left; the first backoff is 50–100 ms: the 500 stands, no second attempt.
    const close = new InvocationDeadline();
    close.start({ getRemainingTimeInMillis: () => 30 }, 0);
    await expect(
      client(s.endpoint, { deadline: close, random: () => 1 }).call('GetItem', {}),
    ).rejects.toMatchObject({ name: 'InternalServerError' });
    expect(s.requests).toHaveLength(1);
  });

  it('bounds an attempt by the time left before the deadline', async () => {
    const s = await serve(() => 'stall');
    const deadline = new InvocationDeadline();
    deadline.start({ getRemainingTimeInMillis: () => 120 }, 0);
    const started = Date.now();
    const error = await client(s.endpoint, { deadline })
      .call('GetItem', {})
      .catch((e: unknown) => e);
    // One attempt ended by the deadline (not by the 2 s request timeout), then none after it.
    // The time left when the attempt starts: 120 ms, or a millisecond less if one passed since the start.
    expect(error).toMatchObject({
      name: 'TimeoutError',
      message: expect.stringMatching(/^no complete answer within (11\d|120) ms$/),
    });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(s.requests).toHaveLength(1);
  });
});

describe('leanAwsClient', () => {
  const env = { AWS_REGION: REGION, AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' };
  const endpointOf = (e: NodeJS.ProcessEnv, protocol = DYNAMODB) =>
    leanAwsClient(protocol, { limits: LIMITS, env: e })?.endpoint.href;

  it("names the region's standard endpoints, or the configured ones", () => {
    expect(endpointOf(env)).toBe('https://dynamodb.eu-west-1.amazonaws.com/');
    expect(endpointOf(env, SECRETS_MANAGER)).toBe('https://secretsmanager.eu-west-1.amazonaws.com/');
    expect(endpointOf({ ...env, AWS_REGION: 'cn-north-1' })).toBe(
      'https://dynamodb.cn-north-1.amazonaws.com.cn/',
    );
    expect(endpointOf({ ...env, AWS_REGION: 'us-gov-west-1' })).toBe(
      'https://dynamodb.us-gov-west-1.amazonaws.com/',
    );
    expect(endpointOf({ ...env, AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000' })).toBe(
      'http://127.0.0.1:8000/',
    );
    expect(endpointOf({ ...env, AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }, SECRETS_MANAGER)).toBe(
      'http://127.0.0.1:4566/',
    );
    expect(
      endpointOf(
        { ...env, AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:1', AWS_ENDPOINT_URL: 'http://x' },
        SECRETS_MANAGER,
      ),
    ).toBe('http://127.0.0.1:1/');
  });

  it('leaves to the AWS SDK what the environment does not spell out', () => {
    const { AWS_ACCESS_KEY_ID: _id, ...noKey } = env;
    const { AWS_REGION: _region, ...noRegion } = env;
    expect(endpointOf(noKey)).toBeUndefined(); // a profile, SSO, an instance role...
    expect(endpointOf({ ...noKey, AWS_PROFILE: 'dev' })).toBeUndefined();
    expect(endpointOf(noRegion)).toBeUndefined();
    expect(endpointOf({ ...noRegion, AWS_DEFAULT_REGION: 'eu-west-1' })).toBe(
      'https://dynamodb.eu-west-1.amazonaws.com/',
    );
    expect(endpointOf({ ...env, AWS_USE_FIPS_ENDPOINT: 'true' })).toBeUndefined();
    expect(endpointOf({ ...env, AWS_USE_DUALSTACK_ENDPOINT: 'TRUE' })).toBeUndefined();
    expect(endpointOf({ ...env, AWS_REGION: 'us-iso-east-1' })).toBeUndefined();
    expect(endpointOf({ ...env, AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000/prefix' })).toBeUndefined();
  });
});
