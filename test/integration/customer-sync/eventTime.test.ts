// Issue 12 item 1: values an event carries belong to the change at its `time` — an older event (redelivered,
// replayed from the DLQ days later, out of order) never replaces what a newer one set, field by field; and a
// field a newer event does not carry keeps its value. Against the simulators, fauxqs and the DynamoDB state
// table (dynalite).
import { describe, expect, it } from '@jest/globals';
import { croCustomer } from '../../../lib/local/simulators/croCustomer.ts';
import { replayMessages } from '../../../lib/replay/replayMessages.ts';
import { attribute, customerEvent, dynamoHarnesses, type Harness } from './harness.ts';

const at = (second: number) => `2026-11-22T10:00:${String(second).padStart(2, '0')}Z`;
const callsOf = (calls: Array<{ method: string; route: string; status: number }>) =>
  calls.map((c) => `${c.method} ${c.route} ${c.status}`).sort();

describe('customer-sync: values never go back in time', () => {
  const dynamo = dynamoHarnesses();
  let nextId = 100;

  /** A harness on the DynamoDB state table, with one customer known to IC and CRO. */
  async function withCustomer(): Promise<{ h: Harness; id: number; externalId: string }> {
    const id = nextId++;
    const harness = await dynamo.start();
    harness.ic.seed([
      { name: 'Acme', vatNumber: `PT5${id}00000`, country: 'PT', externalId: `cro-42-${id}` },
    ]);
    harness.cro.upsertCustomer(croCustomer({ id, name: 'Acme' }));
    return { h: harness, id, externalId: `cro-42-${id}` };
  }

  it('keeps the newer segment and locale when an older event is delivered after it', async () => {
    const { h, id, externalId } = await withCustomer();
    const newer = customerEvent(id, {
      time: at(5),
      data: { locale: 'es', attributes: { segment: 'enterprise' } },
    });
    const older = customerEvent(id, { time: at(1), data: { locale: 'en', attributes: { segment: 'smb' } } });
    await h.send([newer]);
    await h.poller().drain();
    h.ic.clearCalls();
    h.cro.clearCalls();

    await h.send([older]);
    await h.poller().drain();

    expect(h.ic.customerByExternalId(externalId)).toMatchObject({ locale: 'es' });
    expect(h.ic.attributes(externalId)).toMatchObject({ segment: 'enterprise' });
    // The older event announces a change: CRO is read, and since nothing newer came, nothing is written.
    expect(h.cro.calls).toHaveLength(1);
    expect(h.ic.calls).toEqual([]);
    expect(h.metrics.counts['Skipped:unchanged']).toBe(1);
    expect(await h.dlqMessages()).toEqual([]);
  });

  it('keeps the newer values when an older event is replayed from the DLQ after them', async () => {
    const { h, id, externalId } = await withCustomer();
    const older = customerEvent(id, { time: at(1), data: { locale: 'en', attributes: { segment: 'smb' } } });
    const newer = customerEvent(id, {
      time: at(5),
      data: { locale: 'es', attributes: { segment: 'enterprise' } },
    });
    // A first sync stores the gid: the older event's two writes (PUT ∥ attributes by gid) are the IC calls.
    await h.send([customerEvent(id)]);
    await h.poller().drain();
    // The older event fails permanently (IC refuses it) and waits in the DLQ while the newer one is applied.
    h.ic.failNext(2, { status: 422, body: { code: 422, message: 'Unprocessable entity' } });
    await h.send([older]);
    await h.poller().drain();
    await h.send([newer]);
    await h.poller().drain();
    h.ic.clearCalls();

    const replay = await replayMessages({
      sqs: h.local.sqs,
      from: h.dlq.url,
      to: h.queue.url,
      waitTimeSeconds: 0,
    });
    await h.poller().drain();

    expect(replay).toMatchObject({ replayed: 1, failed: 0 });
    expect(h.ic.customerByExternalId(externalId)).toMatchObject({ locale: 'es' });
    expect(h.ic.attributes(externalId)).toMatchObject({ segment: 'enterprise' });
    expect(h.ic.calls).toEqual([]);
    expect(await h.dlqMessages()).toEqual([]);
  });

  it('tracks each attribute key on its own: an older event still sets a key no newer event carried', async () => {
    const { h, id, externalId } = await withCustomer();
    const newer = customerEvent(id, { time: at(5), data: { locale: 'es', attributes: { region: 'north' } } });
    const older = customerEvent(id, { time: at(1), data: { locale: 'en', attributes: { segment: 'smb' } } });
    await h.send([newer]);
    await h.poller().drain();
    h.ic.clearCalls();

    await h.send([older]);
    await h.poller().drain();

    expect(h.ic.attributes(externalId)).toMatchObject({ region: 'north', segment: 'smb' });
    expect(h.ic.customerByExternalId(externalId)).toMatchObject({ locale: 'es' });
    expect(callsOf(h.ic.calls)).toEqual(['POST /customers/:id/attributes 200']);
    expect(h.ic.calls[0]!.body).toEqual(expect.not.objectContaining({ region: expect.anything() }));
  });

  it('keeps the locale an earlier event set when a newer event carries none', async () => {
    const { h, id, externalId } = await withCustomer();
    await h.send([customerEvent(id, { time: at(1), data: { locale: 'es-ES' } })]);
    await h.poller().drain();
    h.cro.touch(id, { name: 'Acme Lda' });

    await h.send([customerEvent(id, { time: at(5) })]);
    await h.poller().drain();

    expect(h.ic.customerByExternalId(externalId)).toMatchObject({ name: 'Acme Lda', locale: 'es' });
    const [put] = h.ic
      .callsFor('/customers/:id')
      .filter((c) => c.method === 'PUT')
      .slice(-1);
    expect(put!.body).toMatchObject({ name: 'Acme Lda', locale: 'es' });
  });

  it('skips a CRO read older than what was applied (a lagging replica) without any IC call', async () => {
    const { h, id, externalId } = await withCustomer();
    const newer = croCustomer({ id, name: 'Newer', last_updated_on: '2026-11-22T11:00:00.000000' });
    await h.send([customerEvent(id, { data: { customer: { ...newer } } })]);
    await h.poller().drain();
    h.cro.seedCustomers([croCustomer({ id, name: 'Older', last_updated_on: '2026-11-22T10:00:00.000000' })]);
    h.ic.clearCalls();

    await h.send([customerEvent(id)]);
    await h.poller().drain();

    expect(h.cro.calls.map((c) => `${c.method} ${c.path} ${c.status}`).slice(-1)).toEqual([
      `GET /customers/${id} 200`,
    ]);
    expect(h.ic.calls).toEqual([]);
    expect(h.metrics.counts['Skipped:stale']).toBe(1);
    expect(h.ic.customerByExternalId(externalId)).toMatchObject({ name: 'Newer' });
    expect(await h.dlqMessages()).toEqual([]);
  });

  it('waits for CRO to catch up instead of dropping newer values when its answer is older than the state', async () => {
    const { h, id, externalId } = await withCustomer();
    const newer = croCustomer({ id, name: 'Newer', last_updated_on: '2026-11-22T11:00:00.000000' });
    await h.send([customerEvent(id, { time: at(1), data: { customer: { ...newer } } })]);
    await h.poller().drain();
    h.cro.seedCustomers([croCustomer({ id, name: 'Older', last_updated_on: '2026-11-22T10:00:00.000000' })]);

    const [messageId] = await h.send([
      customerEvent(id, { time: at(9), data: { attributes: { tier: 'gold' } } }),
    ]);
    const first = await h.poller().pollOnce(1);
    h.cro.seedCustomers([{ ...newer, name: 'Newest', last_updated_on: '2026-11-22T12:00:00.000000' }]);
    await h.poller().drain({ untilEmpty: true });

    expect(first!.failed).toEqual([messageId]);
    expect(h.ic.customerByExternalId(externalId)).toMatchObject({ name: 'Newest' });
    expect(h.ic.attributes(externalId)).toMatchObject({ tier: 'gold' });
    expect((await h.dlqMessages()).map((m) => attribute(m, 'failure-reason'))).toEqual([]);
  });
});
