import { afterEach, describe, expect, it } from '@jest/globals';
import { croCustomer } from '../../../lib/local/simulators/croCustomer.ts';
import { attribute, customerEvent, type Harness, startHarness } from './harness.ts';

const VAT = 'PT999999990';

async function conflictHarness(policy: 'dead-letter' | 'adopt'): Promise<{ h: Harness; gid: string }> {
  const h = await startHarness({ env: { VAT_CONFLICT_POLICY: policy } });
  const [other] = h.ic.seed([
    { name: 'Registered by hand', vatNumber: VAT, country: 'PT', externalId: 'manual-1' },
  ]);
  h.cro.upsertCustomer(croCustomer({ id: 5, name: 'Acme' }));
  await h.send([customerEvent(5, { type: 'crm.customer.created', data: { vatNumber: VAT } })]);
  return { h, gid: other!.gid };
}

describe('customer-sync: VAT conflict on registration', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('dead-letters with reason vat-conflict naming the existing gid under the default policy', async () => {
    const setup = await conflictHarness('dead-letter');
    h = setup.h;

    await h.poller().drain();

    const [dead] = await h.dlqMessages();
    expect(attribute(dead!, 'failure-reason')).toBe('vat-conflict');
    expect(attribute(dead!, 'failure-detail')).toContain(setup.gid);
    expect(attribute(dead!, 'failure-detail')).not.toContain(VAT);
    // POST 409, then the check that the holder is not our own earlier registration (PUT by externalId → 404).
    expect(h.ic.calls.map((c) => `${c.method} ${c.route} ${c.status}`)).toEqual([
      'POST /customers 409',
      'PUT /customers/:id 404',
    ]);
    expect(h.ic.customers()).toHaveLength(1);
  });

  it('links to the existing customer under the adopt policy', async () => {
    const setup = await conflictHarness('adopt');
    h = setup.h;

    await h.poller().drain();

    expect(await h.dlqMessages()).toEqual([]);
    expect(h.ic.customers()).toHaveLength(1);
    expect(h.ic.customerByExternalId('cro-42-5')).toMatchObject({ gid: setup.gid, name: 'Acme' });
    expect(h.ic.attributes(setup.gid)).toMatchObject({ cro_customer_id: '5' });
  });

  it('finds the existing customer by VAT when the 409 carries no gid, under the adopt policy', async () => {
    const setup = await conflictHarness('adopt');
    h = setup.h;
    h.ic.setConflictGid(false);

    await h.poller().drain();

    expect(h.ic.callsFor('/customers/find')).toHaveLength(1);
    expect(h.ic.customerByExternalId('cro-42-5')).toMatchObject({ gid: setup.gid });
  });

  it('treats a 409 for its own earlier registration as a replay and updates it', async () => {
    h = await startHarness();
    h.ic.seed([{ name: 'Acme old', vatNumber: VAT, country: 'PT', externalId: 'cro-42-5' }]);
    h.cro.upsertCustomer(croCustomer({ id: 5, name: 'Acme' }));
    await h.send([customerEvent(5, { type: 'crm.customer.created', data: { vatNumber: VAT } })]);

    await h.poller().drain();

    expect(await h.dlqMessages()).toEqual([]);
    expect(h.ic.customers()).toHaveLength(1);
    expect(h.ic.customerByExternalId('cro-42-5')).toMatchObject({ name: 'Acme' });
  });
});
