import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { InvisibleCollectorClient } from '../../../../lib/invisible-collector/InvisibleCollectorClient.ts';
import type { MappedCustomer } from '../../../../lib/mapping/mapCustomer.ts';
import { applyWrites, type ApplyContext } from '../../../../lib/sync/applyWrites.ts';
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

  it('cannot register an unknown customer without a VAT number: missing-vat, after one PUT', async () => {
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
});
