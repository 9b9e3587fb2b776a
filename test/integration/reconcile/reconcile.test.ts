import { afterEach, describe, expect, it } from '@jest/globals';
import type { CroListApi } from '../../../lib/crm/types.ts';
import { TimeBudget } from '../../../lib/sync/TimeBudget.ts';
import { customerEvent } from '../../helpers/customerEvent.ts';
import { customerAt, type ReconcileHarness, startReconcileHarness, vatOf } from './reconcileHarness.ts';

const LIST = '/locations/:location_id/customers';
const HOUR_AGO = new Date(Date.now() - 3_600_000).toISOString().replace('Z', '000');
/** CRO's form of a time a minute ago, plus `ms`. */
const minuteAgo = (ms: number) => new Date(Date.now() - 60_000 + ms).toISOString().replace('Z', '000');

/** IC writes (anything but GET) since the last `clearCalls`. */
const icWrites = (h: ReconcileHarness) => h.ic.calls.filter((c) => c.method !== 'GET');

describe('reconciliation through the local parts (CRO lists → queue → customer-sync → IC)', () => {
  let h: ReconcileHarness;
  afterEach(async () => {
    await h?.stop();
  });

  it('lists every customer on the first run, over several pages, and registers each with 2 IC calls', async () => {
    h = await startReconcileHarness();
    h.cro.seedLocations([{ id: 1, name: 'Lisboa', is_active: true }]);
    for (let id = 1; id <= 25; id += 1) h.cro.upsertCustomer(customerAt(id, [1]));

    const summary = await h.reconcile();
    const failed = await h.drain();

    expect(summary.locations).toEqual([
      expect.objectContaining({ locationId: 1, status: 'complete', listed: 25, enqueued: 25 }),
    ]);
    expect(h.cro.callsFor(LIST).map((c) => c.query.page_index)).toEqual(['1', '2', '1', '3', '2']);
    expect(h.cro.callsFor(LIST)[0]!.query).not.toHaveProperty('last_updated_gte');
    expect(h.cro.callsFor('/customers/:id')).toEqual([]); // the snapshots in the events suffice
    expect(failed).toEqual([]);
    expect(icWrites(h)).toHaveLength(50);
    for (let id = 1; id <= 25; id += 1) {
      expect(h.ic.customerByExternalId(`cro-42-${id}`)).toMatchObject({
        name: `Customer ${id}`,
        vatNumber: vatOf(id),
      });
    }
    expect((await h.store.peek(1)).checkpoint).toBe(summary.locations[0]!.checkpoint);
  });

  it('enqueues only the overlap on a second run with nothing changed, at no IC cost', async () => {
    h = await startReconcileHarness();
    h.cro.seedLocations([{ id: 1, name: 'Lisboa', is_active: true }]);
    h.cro.seedCustomers(
      Array.from({ length: 12 }, (_, i) => customerAt(i + 1, [1], { last_updated_on: HOUR_AGO })),
    );
    for (let id = 13; id <= 15; id += 1) h.cro.upsertCustomer(customerAt(id, [1]));
    await h.reconcile();
    await h.drain();
    h.ic.clearCalls();
    h.cro.clearCalls();

    const second = await h.reconcile();
    const failed = await h.drain();

    // Customers 13–15 changed within the 5-minute overlap before the checkpoint: listed and sent again.
    expect(second.locations[0]).toMatchObject({ status: 'complete', listed: 3, enqueued: 3 });
    expect(h.cro.callsFor(LIST)[0]!.query.last_updated_gte).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/,
    );
    expect(failed).toEqual([]);
    expect(h.ic.calls).toEqual([]);
    expect(h.metrics.counts['Skipped:duplicate']).toBe(3);
  });

  it('costs no IC call for a version a webhook event already applied', async () => {
    h = await startReconcileHarness();
    h.cro.seedLocations([{ id: 1, name: 'Lisboa', is_active: true }]);
    h.cro.upsertCustomer(customerAt(7, [1]));
    await h.send([customerEvent(7, { type: 'crm.customer.created', data: { vatNumber: vatOf(7) } })]);
    expect(await h.drain()).toEqual([]);
    expect(h.ic.customerByExternalId('cro-42-7')).toMatchObject({ vatNumber: vatOf(7) });
    h.ic.clearCalls();

    const run = await h.reconcile();
    const failed = await h.drain();

    // The listing's event has its own id (no duplicate), carries the version the webhook's sync read from CRO.
    expect(run.locations[0]).toMatchObject({ status: 'complete', listed: 1, enqueued: 1 });
    expect(failed).toEqual([]);
    expect(h.ic.calls).toEqual([]);
    expect(h.metrics.counts['Skipped:duplicate']).toBeUndefined();
    expect(h.metrics.counts['Skipped:unchanged']).toBe(1);
  });

  it('applies a change that no webhook announced on the next run', async () => {
    h = await startReconcileHarness();
    h.cro.seedLocations([{ id: 1, name: 'Lisboa', is_active: true }]);
    for (let id = 1; id <= 3; id += 1) h.cro.upsertCustomer(customerAt(id, [1]));
    await h.reconcile();
    await h.drain();
    h.ic.clearCalls();

    h.cro.touch(2, { name: 'Renamed in CRO' });
    const next = await h.reconcile();
    await h.drain();

    expect(next.locations[0]).toMatchObject({ status: 'complete' });
    expect(h.ic.customerByExternalId('cro-42-2')).toMatchObject({ name: 'Renamed in CRO' });
    expect(icWrites(h).every((c) => c.path.includes(h.ic.customerByExternalId('cro-42-2')!.gid))).toBe(true);
    expect(icWrites(h).length).toBeGreaterThan(0);
  });

  it('keeps the checkpoint of a location whose listing fails, and picks its changes up next run', async () => {
    h = await startReconcileHarness({ reconcileEnv: { CRM_LOCATION_IDS: '1,2' } });
    h.cro.seedLocations([
      { id: 1, name: 'Lisboa', is_active: true },
      { id: 2, name: 'Porto', is_active: true },
    ]);
    h.cro.upsertCustomer(customerAt(1, [1]));
    h.cro.upsertCustomer(customerAt(2, [2]));
    const first = await h.reconcile();
    await h.drain();
    const before = (await h.store.peek(1)).checkpoint;

    h.cro.touch(1, { name: 'Changed during the outage' });
    h.cro.touch(2, { name: 'Changed too' });
    // Location 1 is listed first: CRO answers 503 to every attempt of its request.
    h.cro.failNext(3, { status: 503, body: { detail: 'Unavailable', explanation: 'down' } }, LIST);
    const failedRun = await h.reconcile();
    await h.drain();

    expect(first.locations.map((l) => l.status)).toEqual(['complete', 'complete']);
    expect(failedRun.locations.map((l) => [l.locationId, l.status])).toEqual([
      [1, 'failed'],
      [2, 'complete'],
    ]);
    expect(failedRun.locations[0]!.error).toMatchObject({ reason: expect.stringContaining('crm') });
    expect((await h.store.peek(1)).checkpoint).toBe(before);
    expect(h.ic.customerByExternalId('cro-42-1')).toMatchObject({ name: 'Customer 1' });
    expect(h.ic.customerByExternalId('cro-42-2')).toMatchObject({ name: 'Changed too' });

    const recovered = await h.reconcile();
    await h.drain();

    expect(recovered.locations[0]).toMatchObject({ locationId: 1, status: 'complete' });
    expect(h.ic.customerByExternalId('cro-42-1')).toMatchObject({ name: 'Changed during the outage' });
  });

  it('resumes where a run that ran out of time stopped, without listing the window again', async () => {
    h = await startReconcileHarness();
    h.cro.seedLocations([{ id: 1, name: 'Lisboa', is_active: true }]);
    for (let id = 1; id <= 35; id += 1) h.cro.upsertCustomer(customerAt(id, [1]));
    // The invocation's time ends with the fourth list request (page 3), before its customers are sent.
    const context = {
      getRemainingTimeInMillis: () => (h.cro.callsFor(LIST).length >= 4 ? 0 : 60_000),
    };

    const first = await h.reconcile({ budget: new TimeBudget(context, 0) });
    const progress = (await h.store.peek(1)).progress;
    h.cro.clearCalls();
    const second = await h.reconcile();
    await h.drain();

    expect(first.locations[0]).toMatchObject({ status: 'paused', enqueued: 20 });
    expect(progress).toMatchObject({
      page: 3,
      previousPage: expect.arrayContaining([expect.stringMatching(/^1[1-9]@|^20@/)]),
    });
    expect((await h.store.peek(1)).checkpoint).toBe(second.locations[0]!.checkpoint);
    expect(second.locations[0]).toMatchObject({ status: 'complete', enqueued: 15 });
    expect(h.cro.callsFor(LIST).map((c) => c.query.page_index)).toEqual(['3', '2', '4', '3']);
    expect(second.locations[0]!.checkpoint).toBe(progress!.startedAt);
    for (let id = 1; id <= 35; id += 1) expect(h.ic.customerByExternalId(`cro-42-${id}`)).toBeDefined();
  });

  it('skips inactive locations', async () => {
    h = await startReconcileHarness();
    h.cro.seedLocations([
      { id: 1, name: 'Lisboa', is_active: true },
      { id: 3, name: 'Closed', is_active: false },
    ]);
    h.cro.upsertCustomer(customerAt(1, [1]));
    h.cro.upsertCustomer(customerAt(3, [3]));

    const summary = await h.reconcile();
    await h.drain();

    expect(summary.inactiveSkipped).toEqual([3]);
    expect(summary.locations.map((l) => l.locationId)).toEqual([1]);
    expect(h.cro.callsFor(LIST).every((c) => c.path === '/locations/1/customers')).toBe(true);
    expect(h.ic.customerByExternalId('cro-42-3')).toBeUndefined();
  });

  it('sends a customer of two locations once per version', async () => {
    h = await startReconcileHarness();
    h.cro.seedLocations([
      { id: 1, name: 'Lisboa', is_active: true },
      { id: 2, name: 'Porto', is_active: true },
    ]);
    h.cro.upsertCustomer(customerAt(1, [1, 2]));

    const summary = await h.reconcile();

    expect(summary.locations.map((l) => [l.listed, l.enqueued])).toEqual([
      [1, 1],
      [1, 0],
    ]);
  });

  describe('never skips a customer while the list moves under it', () => {
    // After page 1 is read, changes move records of page 1 out of it (to the end of a list ordered by
    // last_updated_on), or delete them (a list ordered by id): the first records of page 2 slide into page 1.
    const afterRead =
      (n: number, change: (ids: number[]) => void) =>
      (cro: CroListApi): CroListApi => {
        let reads = 0;
        return {
          listLocations: (q, o) => cro.listLocations(q, o),
          async listLocationCustomers(location, query, options) {
            const page = await cro.listLocationCustomers(location, query, options);
            reads += 1;
            if (reads === n) change(page.results.map((c) => c.id));
            return page;
          },
        };
      };

    it.each([
      ['last_updated_on', 'updates move three records of page 1 to the end'],
      ['id', 'three records of page 1 are deleted'],
    ] as const)('list ordered by %s: %s', async (order, _what) => {
      const harness: ReconcileHarness = await startReconcileHarness({
        wrapCro: afterRead(1, (ids) => {
          for (const id of ids.slice(0, 3)) {
            if (order === 'id') harness.cro.deleteCustomer(id);
            else harness.cro.touch(id, { name: `Moved ${id}` });
          }
        }),
      });
      h = harness;
      h.cro.setListOptions({ listOrder: order });
      h.cro.seedLocations([{ id: 1, name: 'Lisboa', is_active: true }]);
      for (let id = 1; id <= 25; id += 1) h.cro.upsertCustomer(customerAt(id, [1]));

      const summary = await h.reconcile();
      await h.drain();

      expect(summary.locations[0]).toMatchObject({ status: 'complete' });
      // Records 11–13 slid from page 2 into page 1 after it was read: the seam re-read caught them.
      for (let id = 4; id <= 25; id += 1) {
        expect(h.ic.customerByExternalId(`cro-42-${id}`)).toMatchObject({ name: `Customer ${id}` });
      }
    });

    it('lists the window again when more than a page moved between two reads', async () => {
      // After page 2: every record of pages 1 and 2 moves to the end.
      const harness: ReconcileHarness = await startReconcileHarness({
        wrapCro: afterRead(2, () => {
          for (let id = 1; id <= 20; id += 1) harness.cro.touch(id, {});
        }),
      });
      h = harness;
      h.cro.seedLocations([{ id: 1, name: 'Lisboa', is_active: true }]);
      for (let id = 1; id <= 25; id += 1) h.cro.upsertCustomer(customerAt(id, [1]));

      const summary = await h.reconcile();
      await h.drain();

      expect(summary.locations[0]).toMatchObject({ status: 'complete' });
      expect((await h.store.peek(1)).progress).toBeUndefined();
      expect(
        h.cro
          .callsFor(LIST)
          .map((c) => c.query.page_index)
          .slice(0, 4),
      ).toEqual(['1', '2', '1', '1']);
      for (let id = 1; id <= 25; id += 1) expect(h.ic.customerByExternalId(`cro-42-${id}`)).toBeDefined();
    });
  });

  describe("CRO's result cap", () => {
    it('splits a window larger than the cap on last_updated_on and lists every customer', async () => {
      h = await startReconcileHarness({ listCap: 25 });
      h.cro.setListOptions({ listCap: 25 });
      h.cro.seedLocations([{ id: 1, name: 'Lisboa', is_active: true }]);
      // Timestamps a minute ago, a millisecond apart: a split bound is never in the future, where CRO refuses it.
      h.cro.seedCustomers(
        Array.from({ length: 60 }, (_, i) => customerAt(i + 1, [1], { last_updated_on: minuteAgo(i) })),
      );

      const summary = await h.reconcile();
      await h.drain();

      expect(summary.locations[0]).toMatchObject({ status: 'complete', enqueued: 60 });
      const bounds = new Set(h.cro.callsFor(LIST).map((c) => c.query.last_updated_gte));
      expect(bounds.size).toBe(3); // everything, then two later parts
      for (let id = 1; id <= 60; id += 1) expect(h.ic.customerByExternalId(`cro-42-${id}`)).toBeDefined();
    });

    it('fails the location, keeping its checkpoint, when the list is not in last_updated_on order', async () => {
      h = await startReconcileHarness({ listCap: 25 });
      h.cro.setListOptions({ listCap: 25, listOrder: 'id' });
      h.cro.seedLocations([{ id: 1, name: 'Lisboa', is_active: true }]);
      // Ids against time: the newest customer has the lowest id.
      h.cro.seedCustomers(
        Array.from({ length: 40 }, (_, i) => customerAt(40 - i, [1], { last_updated_on: minuteAgo(i) })),
      );

      const summary = await h.reconcile();

      expect(summary.locations[0]).toMatchObject({
        status: 'failed',
        error: { name: 'ListingTooLargeError', reason: 'listing-too-large' },
      });
      expect(await h.store.peek(1)).toEqual({});
    });
  });
});
