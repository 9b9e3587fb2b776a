// Answers the vendor documents leave open, and how the sync behaves under each plausible one.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { croCustomer } from '../../../lib/local/simulators/croCustomer.ts';
import { customerEvent, type Harness, startHarness } from './harness.ts';

const VAT = 'PT543219876';

describe('customer-sync under the undocumented answers of Invisible Collector', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  // IC documents 401 and 422 for PUT /customers/:id; the 404 for an unknown id is the SDK fixture's. With a
  // snapshot (no CRO read to overlap a lookup with), an unknown gid starts with the PUT by externalId.
  it.each([404, 422] as const)(
    'registers a customer IC does not know when its PUT by externalId is answered %i',
    async (status) => {
      h.ic.setPutUnknownStatus(status);
      const customer = h.cro.upsertCustomer(croCustomer({ id: 1, name: 'Acme Lda' }));
      await h.send([customerEvent(1, { data: { vatNumber: VAT, customer: { ...customer } } })]);

      const outcomes = await h.poller().drain();

      expect(outcomes.flatMap((o) => o.failed)).toEqual([]);
      expect(h.ic.customerByExternalId('cro-42-1')).toMatchObject({ name: 'Acme Lda', vatNumber: VAT });
      expect(h.ic.calls.filter((c) => c.method === 'PUT').map((c) => c.status)).toEqual([status]);
      expect(await h.dlqMessages()).toEqual([]);
    },
  );
});
