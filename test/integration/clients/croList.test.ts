import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { CroClient } from '../../../lib/crm/index.ts';
import { ApiNotFoundError, ApiValidationError, RequestValidationError } from '../../../lib/http/index.ts';
import { croCustomer } from '../../../lib/local/simulators/croCustomer.ts';
import {
  type CroSimulator,
  DEFAULT_CRO_TOKEN,
  startCroSimulator,
} from '../../../lib/local/simulators/index.ts';

const at = (id: number, minute: number, locationIds = [1]) =>
  croCustomer({
    id,
    last_updated_on: `2026-01-01T10:${String(minute).padStart(2, '0')}:00.000000`,
    locations: locationIds.map((location_id) => ({
      customer_id: id,
      location_id,
      is_active: location_id !== 9,
    })),
  });

describe('the CRO list endpoints (simulator and CroClient)', () => {
  let cro: CroSimulator;
  const client = () =>
    new CroClient({
      baseUrl: cro.url,
      tenantId: 42,
      tokenProvider: async () => DEFAULT_CRO_TOKEN,
      random: () => 0,
    });

  beforeAll(async () => {
    cro = await startCroSimulator({ tenantId: 42 });
    cro.seedLocations([
      { id: 2, name: 'Porto', is_active: false },
      { id: 1, name: 'Lisboa', is_active: true },
    ]);
    cro.seedCustomers([at(3, 30), at(1, 10), at(2, 20), at(4, 40, [2]), at(5, 50, [1, 9])]);
  });
  afterAll(async () => {
    await cro.stop();
  });
  beforeEach(() => {
    cro.clearCalls();
    cro.setListOptions({ listCap: 100_000, listOrder: 'last_updated_on' });
  });

  it('lists locations by id in pages, with the tenant and token headers', async () => {
    const page = await client().listLocations({ pageIndex: 1, pageLimit: 1000 });

    expect(page).toEqual({
      current_limit: 1000,
      current_page: 1,
      results: [
        { id: 1, name: 'Lisboa', is_active: true },
        { id: 2, name: 'Porto', is_active: false },
      ],
      total_count: 2,
      total_pages: 1,
    });
    expect(cro.calls[0]).toMatchObject({
      path: '/locations',
      query: { page_index: '1', page_limit: '1000' },
      headers: { authorization: `Bearer ${DEFAULT_CRO_TOKEN}`, 'x-tenant-id': '42' },
    });
  });

  it("pages a location's customers in last_updated_on order, keeping every field of the model", async () => {
    const first = await client().listLocationCustomers(1, { pageIndex: 1, pageLimit: 2 });
    const last = await client().listLocationCustomers(1, { pageIndex: 2, pageLimit: 2 });

    expect(first).toMatchObject({ current_page: 1, current_limit: 2, total_count: 4, total_pages: 2 });
    expect(first.results.map((c) => c.id)).toEqual([1, 2]);
    expect(last.results.map((c) => c.id)).toEqual([3, 5]);
    expect(first.results[0]).toEqual(JSON.parse(JSON.stringify(at(1, 10))));
  });

  it('lists only customers updated strictly after last_updated_gte', async () => {
    const page = await client().listLocationCustomers(1, {
      pageIndex: 1,
      pageLimit: 10,
      lastUpdatedGte: '2026-01-01T10:20:00.000000',
    });

    expect(page.results.map((c) => c.id)).toEqual([3, 5]);
    expect(cro.calls[0]!.query).toMatchObject({ last_updated_gte: '2026-01-01T10:20:00.000000' });
  });

  it('orders by id when told to, filters on the link being active, and caps counts and results', async () => {
    cro.setListOptions({ listOrder: 'id', listCap: 2 });
    const capped = await client().listLocationCustomers(1, { pageIndex: 1, pageLimit: 1 });
    const past = await client().listLocationCustomers(1, { pageIndex: 3, pageLimit: 1 });
    cro.setListOptions({ listCap: 100_000 });
    const get = (query: string) =>
      fetch(`${cro.url}/locations/9/customers?${query}`, {
        headers: { authorization: `Bearer ${DEFAULT_CRO_TOKEN}`, 'x-tenant-id': '42' },
      });
    cro.seedLocations([{ id: 9, name: 'Faro', is_active: true }]);

    expect(capped).toMatchObject({ total_count: 2, total_pages: 2, results: [{ id: 1 }] });
    expect(past.results).toEqual([]);
    expect(((await (await get('active=true')).json()) as { total_count: number }).total_count).toBe(0);
    expect(
      ((await (await get('active=false')).json()) as { results: Array<{ id: number }> }).results.map(
        (c) => c.id,
      ),
    ).toEqual([5]);
  });

  it('answers 400 with the field for paging or dates outside the documented limits, 404 for a location', async () => {
    const raw = (path: string) =>
      fetch(`${cro.url}${path}`, {
        headers: { authorization: `Bearer ${DEFAULT_CRO_TOKEN}`, 'x-tenant-id': '42' },
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
    const future = new Date(Date.now() + 86_400_000).toISOString();

    expect(await raw('/locations/1/customers?page_limit=1001')).toMatchObject({
      status: 400,
      body: { field: 'page_limit' },
    });
    expect(await raw('/locations/1/customers?page_index=10001')).toMatchObject({
      status: 400,
      body: { field: 'page_index' },
    });
    expect(await raw('/locations/1/customers?page_index=0')).toMatchObject({
      status: 400,
      body: { field: 'page_index' },
    });
    expect(await raw(`/locations/1/customers?last_updated_gte=${future}`)).toMatchObject({
      status: 400,
      body: { field: 'last_updated_gte' },
    });
    expect(await raw('/locations/1/customers?last_updated_gte=yesterday')).toMatchObject({ status: 400 });
    expect(await raw('/locations/77/customers')).toMatchObject({ status: 404 });
    await expect(client().listLocationCustomers(77, { pageIndex: 1, pageLimit: 1 })).rejects.toBeInstanceOf(
      ApiNotFoundError,
    );
    await expect(
      client().listLocationCustomers(1, { pageIndex: 1, pageLimit: 1, lastUpdatedGte: future }),
    ).rejects.toBeInstanceOf(ApiValidationError);
  });

  it('refuses paging outside the documented limits before sending anything', async () => {
    await expect(
      client().listLocationCustomers(1, { pageIndex: 10_001, pageLimit: 10 }),
    ).rejects.toBeInstanceOf(RequestValidationError);
    await expect(client().listLocations({ pageIndex: 1, pageLimit: 1001 })).rejects.toBeInstanceOf(
      RequestValidationError,
    );
    await expect(client().listLocationCustomers(0, { pageIndex: 1, pageLimit: 1 })).rejects.toBeInstanceOf(
      RequestValidationError,
    );
    expect(cro.calls).toEqual([]);
  });
});
