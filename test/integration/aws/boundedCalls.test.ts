// Every AWS client the functions build is bounded: against an endpoint that accepts connections and never
// answers (a stalled socket), a call ends as our transient typed error instead of waiting on the network.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { awsClientConfig, InvocationDeadline, type AwsCallLimits } from '../../../lib/aws/boundedCalls.ts';
import { lambdaContext } from '../../../lib/local/lambdaContext.ts';
import { DeadLetterSendError, sendToDeadLetter } from '../../../lib/queue/deadLetter.ts';
import { createSecretReader } from '../../../lib/secrets/createSecretReader.ts';
import { SecretError } from '../../../lib/secrets/errors.ts';
import { DynamoSyncStateStore, StateStoreError } from '../../../lib/sync/state/index.ts';
import { customerEvent } from '../../helpers/customerEvent.ts';
import { sqsRecord } from '../../unit/lib/sync/records.ts';

/** A TCP server that accepts every connection, reads what it is sent, and never answers. */
async function startSilentServer(): Promise<{
  url: string;
  connections: () => number;
  stop(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
/** Attempts shorter than anything the test could wait for: only the limits can end a call. */
const LIMITS: AwsCallLimits = { connectionTimeoutMs: 1_000, requestTimeoutMs: 150, maxAttempts: 2 };

describe('bounded AWS calls against a stalled endpoint', () => {
  let silent: Awaited<ReturnType<typeof startSilentServer>>;
  beforeAll(async () => {
    silent = await startSilentServer();
  });
  afterAll(async () => {
    await silent?.stop();
  });

  it('a DynamoDB call of the state store fails as a transient StateStoreError after its attempts', async () => {
    const before = silent.connections();
    const client = new DynamoDBClient({ ...local, endpoint: silent.url, ...awsClientConfig(LIMITS) });
    const store = new DynamoSyncStateStore({ client, tableName: 'state' });

    const error = await store.acquire({ tenantId: 42, customerId: 1 }, 'owner', 10_000).catch((e) => e);

    expect(error).toBeInstanceOf(StateStoreError);
    expect(error).toMatchObject({ transient: true });
    expect(silent.connections() - before).toBe(LIMITS.maxAttempts);
  });

  it('a dead-letter send fails as a transient DeadLetterSendError, so the record stays on its queue', async () => {
    const sqs = new SQSClient({
      ...local,
      endpoint: silent.url,
      useQueueUrlAsEndpoint: false,
      ...awsClientConfig(LIMITS),
    });

    const error = await sendToDeadLetter(sqs, `${silent.url}/000000000000/dlq`, sqsRecord('{}'), {
      reason: 'invalid-event',
      detail: 'x',
    }).catch((e) => e);

    expect(error).toBeInstanceOf(DeadLetterSendError);
    expect(error).toMatchObject({ transient: true, reason: 'dlq-unavailable' });
  });

  it('a Secrets Manager read fails as a transient SecretError', async () => {
    const client = new SecretsManagerClient({ ...local, endpoint: silent.url, ...awsClientConfig(LIMITS) });
    const read = createSecretReader({ client });

    const error = await read('crm-sync/credentials').catch((e) => e);

    expect(error).toBeInstanceOf(SecretError);
    expect(error).toMatchObject({ transient: true });
  });

  it('a call in an invocation gets no more time than the invocation has left', async () => {
    // Attempts could take a minute: only the deadline (300 ms away) can end this call within the test.
    const deadline = new InvocationDeadline();
    const patient = { connectionTimeoutMs: 60_000, requestTimeoutMs: 60_000, maxAttempts: 1 };
    const client = new DynamoDBClient({
      ...local,
      endpoint: silent.url,
      ...awsClientConfig(patient, deadline),
    });
    deadline.start({ getRemainingTimeInMillis: () => 300 }, 0);

    const error = await new DynamoSyncStateStore({ client, tableName: 'state' })
      .acquire({ tenantId: 42, customerId: 2 }, 'owner', 10_000)
      .catch((e) => e);

    expect(error).toBeInstanceOf(StateStoreError);
  });

  it('sends nothing once the deadline has passed', async () => {
    const deadline = new InvocationDeadline();
    const client = new DynamoDBClient({
      ...local,
      endpoint: silent.url,
      ...awsClientConfig(LIMITS, deadline),
    });
    deadline.start({ getRemainingTimeInMillis: () => 100 }, 500);
    const before = silent.connections();

    const error = await new DynamoSyncStateStore({ client, tableName: 'state' })
      .acquire({ tenantId: 42, customerId: 3 }, 'owner', 10_000)
      .catch((e) => e);

    expect(error).toBeInstanceOf(StateStoreError);
    expect(silent.connections()).toBe(before);
  });
});

describe('the customer-sync handler with a stalled DynamoDB and SQS', () => {
  let silent: Awaited<ReturnType<typeof startSilentServer>>;
  const savedEnv = { ...process.env };
  const printed: string[] = [];
  let restore: () => void = () => undefined;

  beforeAll(async () => {
    silent = await startSilentServer();
  });
  afterEach(() => restore());
  afterAll(async () => {
    process.env = savedEnv;
    await silent?.stop();
  });

  it('returns every record as a transient failure at its deadline instead of waiting out the invocation', async () => {
    Object.assign(process.env, {
      IC_API_URL: silent.url,
      CRM_API_URL: silent.url,
      CRM_TENANT_ID: '42',
      CREDENTIALS_SECRET_ID: 'file:/nonexistent',
      DLQ_URL: `${silent.url}/000000000000/dlq`,
      STATE_TABLE_NAME: 'state',
      AWS_ENDPOINT_URL_DYNAMODB: silent.url,
      AWS_ENDPOINT_URL_SQS: silent.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      // Attempts of a minute: only the invocation's deadline can end them within this test.
      AWS_CALL_TIMEOUT_MS: '60000',
      AWS_CONNECT_TIMEOUT_MS: '60000',
      TIME_MARGIN_MS: '1000',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    const capture = (chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    };
    const spies = [
      jest.spyOn(process.stdout, 'write').mockImplementation(capture),
      jest.spyOn(process.stderr, 'write').mockImplementation(capture),
    ];
    restore = () => spies.forEach((spy) => spy.mockRestore());
    const { run } = (await import('../../../functions/customer-sync/handler.ts')) as {
      run: (event: SQSEvent, context: ReturnType<typeof lambdaContext>) => Promise<SQSBatchResponse>;
    };
    const records = [1, 2].map((id, index) => sqsRecord(customerEvent(id), {}, index));
    const context = lambdaContext({ functionName: 'customer-sync', timeoutMs: 4_000 });

    const response = await run({ Records: records }, context);

    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      records.map((r) => r.messageId).sort(),
    );
    const lines = printed.flatMap((text) => text.split('\n')).filter((line) => line.startsWith('{'));
    const retried = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((l) => l.message === 'will be retried');
    expect(retried.map((l) => l.reason)).toEqual(['state-unavailable', 'state-unavailable']);
  });
});
