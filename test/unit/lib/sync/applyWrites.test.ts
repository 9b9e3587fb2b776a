import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { InvisibleCollectorClient } from '../../../../lib/invisible-collector/InvisibleCollectorClient.ts';
import type { MappedCustomer } from '../../../../lib/mapping/mapCustomer.ts';
import { applyWrites, WriteLog, type ApplyContext } from '../../../../lib/sync/applyWrites.ts';
import {
  DEFAULT_IC_TOKEN,
  type IcSimulator,
  startIcSimulator,
} from '../../../../lib/local/simulators/index.ts';

const VAT = 'PT543219876';
const mapped = (overrides: Partial<MappedCustomer> = {}): MappedCustomer => ({
  externalId: 'cro-42-7',
  document: { externalId: 'cro-42-7', name: 'Acme', country: 'PT', vatNumber: VAT },
  vatNumber: VAT,
  attributes: { cro_customer_id: '7' },
  ...overrides,
});

describe('applyWrites against the Invisible Collector simulator', () => {
  let sim: IcSimulator;
  let context: ApplyContext;
  beforeAll(async () => {
    sim = await startIcSimulator();
  });
  afterAll(async () => {
    await sim.stop();
  });
  beforeEach(() => {
    sim.clearCalls();
    context = {
      ic: new InvisibleCollectorClient({
        baseUrl: sim.url,
        tokenProvider: async () => DEFAULT_IC_TOKEN,
        maxAttempts: 1,
      }),
      vatConflictPolicy: 'dead-letter',
      call: {},
      log: new WriteLog(),
      awaitCreated: false,
    };
  });

  it('makes no call for an empty plan', async () => {
    await expect(applyWrites({ kind: 'none' }, mapped(), context)).resolves.toBeUndefined();
    expect(sim.calls).toEqual([]);
  });

  it('sends only the changed part for a known gid', async () => {
    const [existing] = sim.seed([
      { name: 'Old', vatNumber: 'PT500000011', country: 'PT', externalId: 'cro-42-11' },
    ]);
    const doc = mapped({
      externalId: 'cro-42-11',
      document: { externalId: 'cro-42-11', name: 'New', country: 'PT' },
    });

    const gid = await applyWrites(
      { kind: 'update', gid: existing!.gid, document: false, attributes: true },
      doc,
      context,
    );

    expect(gid).toBe(existing!.gid);
    expect(sim.calls.map((c) => `${c.method} ${c.route}`)).toEqual(['POST /customers/:id/attributes']);
  });

  it('finds the customer again by externalId when the stored gid no longer exists', async () => {
    const [existing] = sim.seed([
      { name: 'Old', vatNumber: 'PT500000012', country: 'PT', externalId: 'cro-42-12' },
    ]);
    const doc = mapped({
      externalId: 'cro-42-12',
      document: { externalId: 'cro-42-12', name: 'New', country: 'PT' },
    });

    const gid = await applyWrites(
      { kind: 'update', gid: 'deleted-gid', document: true, attributes: true },
      doc,
      context,
    );

    expect(gid).toBe(existing!.gid);
    expect(sim.customerByExternalId('cro-42-12')).toMatchObject({ name: 'New' });
  });

  it('cannot register an unknown customer without a VAT number: missing-vat once its created event had time to come', async () => {
    const doc = mapped({
      externalId: 'cro-42-13',
      document: { externalId: 'cro-42-13', name: 'X', country: 'PT' },
    });
    delete doc.vatNumber;

    await expect(applyWrites({ kind: 'update-by-external-id' }, doc, context)).rejects.toMatchObject({
      reason: 'missing-vat',
      transient: false,
    });
    expect(sim.calls.filter((c) => c.route === '/customers').map((c) => c.method)).toEqual([]);
  });

  it('waits for the created event (transient awaiting-created) while it may still come', async () => {
    const doc = mapped({
      externalId: 'cro-42-15',
      document: { externalId: 'cro-42-15', name: 'X', country: 'PT' },
    });
    delete doc.vatNumber;

    await expect(
      applyWrites({ kind: 'update-by-external-id' }, doc, { ...context, awaitCreated: true }),
    ).rejects.toMatchObject({ reason: 'awaiting-created', transient: true });
    expect(sim.calls.map((c) => `${c.method} ${c.route} ${c.status}`)).toEqual(['PUT /customers/:id 404']);
  });

  it('registers a customer IC does not know in three calls: PUT by externalId (404), POST, attributes by gid', async () => {
    const doc = mapped({
      externalId: 'cro-42-31',
      vatNumber: 'PT500000031',
      document: { externalId: 'cro-42-31', name: 'New', country: 'PT' },
    });

    const gid = await applyWrites({ kind: 'update-by-external-id' }, doc, context);

    expect(sim.calls.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([
      'PUT /customers/cro-42-31 404',
      'POST /customers 201',
      `POST /customers/${gid}/attributes 200`,
    ]);
    expect(sim.attributes(gid!)).toEqual(doc.attributes);
  });

  it('updates a customer IC knows by externalId with PUT, then its attributes by the gid PUT answered', async () => {
    const [existing] = sim.seed([
      { name: 'Old', vatNumber: 'PT500000032', country: 'PT', externalId: 'cro-42-32' },
    ]);
    const doc = mapped({
      externalId: 'cro-42-32',
      document: { externalId: 'cro-42-32', name: 'New', country: 'PT' },
    });

    const gid = await applyWrites({ kind: 'update-by-external-id' }, doc, context);

    expect(gid).toBe(existing!.gid);
    expect(sim.calls.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([
      'PUT /customers/cro-42-32 200',
      `POST /customers/${existing!.gid}/attributes 200`,
    ]);
    expect(sim.customerByExternalId('cro-42-32')).toMatchObject({ name: 'New' });
  });

  it('logs a write that succeeded after an attempt of unknown outcome, and the gid it learned', async () => {
    const retrying = {
      ...context,
      ic: new InvisibleCollectorClient({
        baseUrl: sim.url,
        tokenProvider: async () => DEFAULT_IC_TOKEN,
        maxAttempts: 2,
        backoffBaseMs: 1,
      }),
    };
    sim.failNext(1, { status: 504, body: { code: 504, message: 'Gateway timeout' } }, '/customers');
    const doc = mapped({
      externalId: 'cro-42-16',
      vatNumber: 'PT500000016',
      document: { externalId: 'cro-42-16', name: 'New', country: 'PT', vatNumber: 'PT500000016' },
    });

    const gid = await applyWrites({ kind: 'register' }, doc, retrying);

    // The 504'd attempt may land later, repeating the registration: the call succeeded, its outcome is known.
    expect(retrying.log).toMatchObject({ applied: true, mayRepeat: true, unknownOutcome: false, gid });
    expect(sim.calls.map((c) => `${c.method} ${c.route} ${c.status}`)).toEqual([
      'POST /customers 504',
      'POST /customers 201',
      'POST /customers/:id/attributes 200',
    ]);
  });

  it('logs neither an applied write nor an unknown outcome for writes refused with a 4xx', async () => {
    const [existing] = sim.seed([
      { name: 'Old', vatNumber: 'PT500000017', country: 'PT', externalId: 'cro-42-17' },
    ]);
    sim.failNext(2, { status: 422, body: { code: 422, message: 'Unprocessable entity' } });

    await expect(
      applyWrites(
        { kind: 'update', gid: existing!.gid, document: true, attributes: true },
        mapped(),
        context,
      ),
    ).rejects.toMatchObject({ reason: 'ic-validation' });
    expect(context.log).toMatchObject({ applied: false, mayRepeat: false, unknownOutcome: false });
  });

  it('logs an unknown outcome when a write fails after an attempt that got no clear answer', async () => {
    const [existing] = sim.seed([
      { name: 'Old', vatNumber: 'PT500000018', country: 'PT', externalId: 'cro-42-18' },
    ]);
    sim.failNext(1, { status: 502, body: { code: 502, message: 'Bad gateway' } }, '/customers/:id');

    await expect(
      applyWrites(
        { kind: 'update', gid: existing!.gid, document: true, attributes: false },
        mapped(),
        context,
      ),
    ).rejects.toMatchObject({ reason: 'ic-unavailable' });
    expect(context.log).toMatchObject({ applied: false, mayRepeat: false, unknownOutcome: true });
  });

  it('refuses to adopt when several customers share the VAT number', async () => {
    sim.seed([
      { name: 'A', vatNumber: 'PT500000014', country: 'PT', externalId: 'a-14' },
      { name: 'B', vatNumber: 'PT500000014', country: 'PT', externalId: 'b-14' },
    ]);
    sim.setConflictGid(false);
    const doc = mapped({
      externalId: 'cro-42-14',
      vatNumber: 'PT500000014',
      document: { externalId: 'cro-42-14', name: 'C', country: 'PT', vatNumber: 'PT500000014' },
    });

    try {
      await expect(
        applyWrites({ kind: 'register' }, doc, { ...context, vatConflictPolicy: 'adopt' }),
      ).rejects.toMatchObject({ reason: 'vat-conflict', existingGid: undefined });
    } finally {
      sim.setConflictGid(true);
    }
  });
  describe('with a lookup made alongside the CRO read', () => {
    it('registers at once when the lookup found nothing: POST, then the attributes', async () => {
      const gid = await applyWrites(
        { kind: 'update-by-external-id' },
        mapped({
          externalId: 'cro-42-21',
          document: { externalId: 'cro-42-21', name: 'New', country: 'PT' },
        }),
        { ...context, lookup: Promise.resolve(undefined) },
      );

      expect(sim.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
        'POST /customers',
        `POST /customers/${gid}/attributes`,
      ]);
      expect(context.log.gid).toBe(gid);
    });

    it('writes the customer it found by its gid, document and attributes together', async () => {
      const [existing] = sim.seed([
        { name: 'Old', vatNumber: 'PT500000022', country: 'PT', externalId: 'cro-42-22' },
      ]);
      const doc = mapped({
        externalId: 'cro-42-22',
        document: { externalId: 'cro-42-22', name: 'New', country: 'PT' },
      });

      const gid = await applyWrites({ kind: 'update-by-external-id' }, doc, {
        ...context,
        lookup: Promise.resolve(existing!),
      });

      expect(gid).toBe(existing!.gid);
      expect(sim.calls.map((c) => `${c.method} ${c.path}`).sort()).toEqual([
        `POST /customers/${existing!.gid}/attributes`,
        `PUT /customers/${existing!.gid}`,
      ]);
      expect(sim.customerByExternalId('cro-42-22')).toMatchObject({ name: 'New' });
      expect(context.log.gid).toBe(existing!.gid);
    });

    it('uses the lookup once: a gid gone meanwhile falls back to the PUT by externalId', async () => {
      const [existing] = sim.seed([
        { name: 'Old', vatNumber: 'PT500000023', country: 'PT', externalId: 'cro-42-23' },
      ]);
      const doc = mapped({
        externalId: 'cro-42-23',
        document: { externalId: 'cro-42-23', name: 'New', country: 'PT' },
      });

      const gid = await applyWrites({ kind: 'update-by-external-id' }, doc, {
        ...context,
        lookup: Promise.resolve({ ...existing!, gid: 'gone-gid' }),
      });

      expect(gid).toBe(existing!.gid);
      const calls = sim.calls.map((c) => `${c.method} ${c.path} ${c.status}`);
      expect(calls.slice(0, 2).sort()).toEqual([
        'POST /customers/gone-gid/attributes 404',
        'PUT /customers/gone-gid 404',
      ]);
      expect(calls.slice(2)).toEqual([
        'PUT /customers/cro-42-23 200',
        `POST /customers/${existing!.gid}/attributes 200`,
      ]);
    });

    it('fails as the lookup failed, having written nothing', async () => {
      const failure = new Error('lookup failed');
      await expect(
        applyWrites({ kind: 'update-by-external-id' }, mapped(), {
          ...context,
          lookup: Promise.reject(failure),
        }),
      ).rejects.toBe(failure);
      expect(sim.calls).toEqual([]);
      expect(context.log.applied).toBe(false);
    });
  });
});
