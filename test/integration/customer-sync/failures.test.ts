import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { createSecretReader } from '../../../lib/secrets/index.ts';
import { croCustomer } from '../../../lib/local/simulators/croCustomer.ts';
import { DEFAULT_CRO_TOKEN, DEFAULT_IC_TOKEN } from '../../../lib/local/simulators/index.ts';
import { attribute, customerEvent, type Harness, startHarness } from './harness.ts';

const VAT = 'PT543219876';

describe('customer-sync through SQS: failures', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('waits out a 429 with Retry-After inside the invocation and applies the event', async () => {
    h = await startHarness();
    h.ic.seed([{ name: 'Old', vatNumber: VAT, country: 'PT', externalId: 'cro-42-1' }]);
    const customer = h.cro.upsertCustomer(croCustomer({ id: 1, name: 'New' }));
    h.ic.failNext(
      1,
      { status: 429, headers: { 'retry-after': '1' }, body: { code: 429, message: 'slow down' } },
      '/customers/:id',
    );
    // With its snapshot (no CRO read, so no lookup alongside it), the sync starts with the PUT by externalId.
    await h.send([customerEvent(1, { data: { customer: { ...customer } } })]);

    const outcomes = await h.poller().drain();

    expect(outcomes.flatMap((o) => o.failed)).toEqual([]);
    expect(h.ic.callsFor('/customers/:id').map((c) => `${c.method} ${c.status}`)).toEqual([
      'PUT 429',
      'PUT 200',
    ]);
    expect(h.ic.customerByExternalId('cro-42-1')).toMatchObject({ name: 'New' });
    expect(await h.dlqMessages()).toEqual([]);
  });

  it('retries a failing Invisible Collector (5xx) on every receive until the redrive policy moves the event to the DLQ', async () => {
    h = await startHarness({ maxReceiveCount: 2 });
    h.cro.upsertCustomer(croCustomer({ id: 1 }));
    h.ic.failNext(1_000, { status: 503, body: { code: 503, message: 'down' } });
    const [messageId] = await h.send([
      customerEvent(1, { type: 'crm.customer.created', data: { vatNumber: VAT } }),
    ]);

    const outcomes = await h.poller().drain({ untilEmpty: true });

    expect(outcomes.map((o) => o.failed)).toEqual([[messageId], [messageId]]);
    expect(outcomes.map((o) => o.event.Records[0]!.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
    // Each receive: one CRO read, then the client's 3 attempts of each write.
    expect(h.cro.calls).toHaveLength(2);
    const calls = h.ic.calls.map((c) => `${c.method} ${c.route} ${c.status}`);
    expect(calls.slice(0, 3)).toEqual(Array(3).fill('POST /customers 503'));
    // A 503 leaves the POST's outcome unknown (IC may have registered the customer): the retry, after the settle
    // window, looks the customer up by externalId (alongside the CRO read) before registering again.
    expect(calls.slice(3)).toEqual(Array(3).fill('GET /customers/:id 503'));
    const [dead] = await h.dlqMessages();
    expect(dead!.MessageId).toBe(messageId);
    expect(attribute(dead!, 'failure-reason')).toBeUndefined(); // redrive, not the handler
    expect(h.ic.customers()).toEqual([]);
    expect(h.metrics.counts.Retried).toBe(2);
  });

  it('dead-letters a 422 after one attempt, with the reason ic-validation', async () => {
    h = await startHarness();
    h.ic.seed([{ name: 'Old', vatNumber: VAT, country: 'PT', externalId: 'cro-42-1' }]);
    const customer = h.cro.upsertCustomer(croCustomer({ id: 1 }));
    h.ic.failNext(1, { status: 422, body: { code: 422, message: 'Unprocessable entity' } }, '/customers/:id');
    const [messageId] = await h.send([customerEvent(1, { data: { customer: { ...customer } } })]);

    const outcomes = await h.poller().drain();

    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]!.deleted).toEqual([messageId]);
    // One PUT; the GET only confirms the customer exists (a 422 is not IC's way of saying "unknown id").
    expect(h.ic.callsFor('/customers/:id').map((c) => `${c.method} ${c.status}`)).toEqual([
      'PUT 422',
      'GET 200',
    ]);
    const [dead, ...more] = await h.dlqMessages();
    expect(more).toEqual([]);
    expect(attribute(dead!, 'failure-reason')).toBe('ic-validation');
    expect(attribute(dead!, 'failure-detail')).toContain('422');
    expect(attribute(dead!, 'source-message-id')).toBe(messageId);
  });

  it('refreshes a rotated token once after a 401 and applies the event', async () => {
    const secrets = new SecretsManagerClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const secretsMock = mockClient(secrets);
    const secret = (ic: string) => ({
      SecretString: JSON.stringify({ invisibleCollectorToken: ic, crmToken: DEFAULT_CRO_TOKEN }),
    });
    secretsMock
      .on(GetSecretValueCommand)
      .resolvesOnce(secret(DEFAULT_IC_TOKEN))
      .resolves(secret('rotated-token'));
    h = await startHarness({ secretReader: createSecretReader({ client: secrets }) });
    h.cro.upsertCustomer(croCustomer({ id: 1 }));
    await h.send([customerEvent(1, { type: 'crm.customer.created', data: { vatNumber: VAT } })]);
    await h.poller().drain(); // caches the first token
    h.ic.setTokens(['rotated-token']);
    h.ic.clearCalls();
    h.cro.touch(1, { name: 'Renamed' });

    await h.send([customerEvent(1)]);
    const outcomes = await h.poller().drain();

    expect(outcomes.flatMap((o) => o.failed)).toEqual([]);
    expect(h.ic.calls.filter((c) => c.status === 401).length).toBeGreaterThanOrEqual(1);
    expect(h.ic.calls.filter((c) => c.status === 401).map((c) => c.headers.authorization)).toEqual(
      expect.arrayContaining([`Bearer ${DEFAULT_IC_TOKEN}`]),
    );
    expect(h.ic.customerByExternalId('cro-42-1')).toMatchObject({ name: 'Renamed' });
    expect(secretsMock.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    expect(await h.dlqMessages()).toEqual([]);
  });

  it('keeps a permanent failure on the queue when the DLQ send fails, so it is not lost', async () => {
    h = await startHarness({ maxReceiveCount: 2 });
    h.deps.dlqUrl = `${h.local.endpoint}/000000000000/no-such-queue`;
    const [messageId] = await h.send(['not an event']);

    const first = await h.poller().pollOnce(1);

    expect(first!.failed).toEqual([messageId]);
    expect(first!.deleted).toEqual([]);
    // Still on the source queue: redelivered, and finally redriven to the real DLQ.
    await h.poller().drain({ idleRounds: 5 });
    const [dead] = await h.dlqMessages();
    expect(dead!.MessageId).toBe(messageId);
  });

  it('defers the records it had no time for (sent again, not counted as receives) and applies them next', async () => {
    h = await startHarness({ options: { concurrency: 1, timeMarginMs: 500 } });
    h.cro.setLatency(150);
    h.ic.setLatency(150);
    const ids = [1, 2, 3, 4, 5, 6];
    for (const id of ids) h.cro.upsertCustomer(croCustomer({ id }));
    await h.send(
      ids.map((id) =>
        customerEvent(id, { type: 'crm.customer.created', data: { vatNumber: `PT50000000${id}` } }),
      ),
    );

    const first = await h.poller({ timeoutMs: 1_200 }).pollOnce(1);

    expect(first!.event.Records).toHaveLength(6);
    // Nothing counts as a failed receive: each record was applied, or deferred — sent again as a new message —
    // for want of time (a record cut mid-way by the deadline too, after its writes settled if it had begun them).
    expect(first!.failed).toEqual([]);
    const deferred = Object.entries(h.metrics.counts)
      .filter(([name]) => name.startsWith('Deferred:'))
      .reduce((sum, [, n]) => sum + n, 0);
    expect(deferred).toBeGreaterThan(0);
    expect(deferred + (h.metrics.counts.Applied ?? 0)).toBe(6);

    const rest = await h.poller().drain({ untilEmpty: true });

    const copies = rest
      .flatMap((o) => o.event.Records)
      .filter((r) => r.messageAttributes['requeued-from'] !== undefined);
    expect(copies).toHaveLength(deferred);
    const originals = first!.event.Records.map((r) => r.messageId);
    for (const copy of copies) {
      expect(originals).toContain(copy.messageAttributes['requeued-from']!.stringValue);
      expect(copy.messageAttributes['requeue-count']!.stringValue).toBe('1');
      expect(copy.attributes.ApproximateReceiveCount).toBe('1');
    }
    expect(
      h.ic
        .customers()
        .map((c) => c.externalId)
        .sort(),
    ).toEqual(ids.map((id) => `cro-42-${id}`));
    expect(await h.dlqMessages()).toEqual([]);
  });
});
