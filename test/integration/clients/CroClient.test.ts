import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { CroClient, type CroClientOptions } from '../../../lib/crm/index.ts';
import {
  ApiAuthError,
  ApiNotFoundError,
  ApiServerError,
  ApiValidationError,
  RequestValidationError,
} from '../../../lib/http/index.ts';
import { croCustomer } from '../../../lib/local/simulators/croCustomer.ts';
import {
  type CroSimulator,
  DEFAULT_CRO_TOKEN,
  startCroSimulator,
} from '../../../lib/local/simulators/index.ts';

describe('CroClient against the CRO simulator', () => {
  let cro: CroSimulator;
  let tokenProvider: jest.Mock<(o?: { forceRefresh?: boolean }) => Promise<string>>;
  const client = (overrides: Partial<CroClientOptions> = {}) =>
    new CroClient({ baseUrl: cro.url, tenantId: 42, tokenProvider, random: () => 0, ...overrides });

  beforeAll(async () => {
    cro = await startCroSimulator({ tenantId: 42 });
  });
  afterAll(async () => {
    await cro.stop();
  });
  beforeEach(() => {
    cro.clearCalls();
    cro.resetFaults();
    cro.setTokens([DEFAULT_CRO_TOKEN]);
    tokenProvider = jest.fn(async () => DEFAULT_CRO_TOKEN);
  });

  it('reads a customer with bearer token, tenant and API version headers', async () => {
    const stored = cro.upsertCustomer(croCustomer({ id: 1, name: 'Acme' }));

    const customer = await client().getCustomer(1);

    expect(customer).toMatchObject({ id: 1, name: 'Acme', last_updated_on: stored.last_updated_on });
    expect(customer.addresses[0]).toMatchObject({ country: 'PT', is_billing: true });
    expect(cro.calls).toHaveLength(1);
    expect(cro.calls[0]).toMatchObject({
      method: 'GET',
      path: '/customers/1',
      route: '/customers/:id',
      headers: {
        authorization: `Bearer ${DEFAULT_CRO_TOKEN}`,
        'x-tenant-id': '42',
        'x-api-version': '2019/02/08',
      },
    });
  });

  it('omits x-api-version when configured with null', async () => {
    cro.upsertCustomer(croCustomer({ id: 2 }));

    await client({ apiVersion: null }).getCustomer(2);

    expect(cro.calls[0]!.headers).not.toHaveProperty('x-api-version');
  });

  it('parses the vendor sample leniently (null country, unknown fields)', async () => {
    cro.seedCustomers([
      {
        ...croCustomer({ id: 3 }),
        addresses: [{ ...croCustomer().addresses[0]!, country: null }],
        extra_vendor_field: 'ignored',
      } as ReturnType<typeof croCustomer>,
    ]);

    const customer = await client().getCustomer(3);

    expect(customer.addresses[0]!.country).toBeNull();
    expect(customer).not.toHaveProperty('extra_vendor_field');
  });

  it('throws a permanent ApiNotFoundError with reason crm-not-found on 404, after one request', async () => {
    const error = await client()
      .getCustomer(404_404)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiNotFoundError);
    expect(error).toMatchObject({ status: 404, reason: 'crm-not-found', transient: false, api: 'cro' });
    expect((error as ApiNotFoundError).requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(cro.calls).toHaveLength(1);
  });

  it('gets a permanent 403 when the tenant is not the one the API serves', async () => {
    cro.upsertCustomer(croCustomer({ id: 4 }));

    const error = await client({ tenantId: 7 })
      .getCustomer(4)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiAuthError);
    expect(error).toMatchObject({ status: 403, transient: false, reason: 'crm-forbidden' });
    expect(cro.calls).toHaveLength(1);
  });

  it('maps a 400 field error to ApiValidationError with the field as code', async () => {
    const error = await client({ apiVersion: '1999/01/01' })
      .getCustomer(1)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiValidationError);
    expect(error).toMatchObject({ status: 400, reason: 'crm-validation', code: 'x-api-version' });
  });

  it('refreshes the token once after a 401', async () => {
    cro.upsertCustomer(croCustomer({ id: 5 }));
    cro.setTokens(['new.rotated.token']);
    tokenProvider.mockImplementation(async (o) =>
      o?.forceRefresh ? 'new.rotated.token' : DEFAULT_CRO_TOKEN,
    );

    const customer = await client().getCustomer(5);

    expect(customer.id).toBe(5);
    expect(cro.calls.map((c) => c.status)).toEqual([401, 200]);
  });

  it('retries a 500 and returns the customer', async () => {
    cro.upsertCustomer(croCustomer({ id: 6 }));
    cro.failNext(1, {
      status: 500,
      body: { field: null, detail: 'Internal Server Error', explanation: 'oops' },
    });

    const customer = await client().getCustomer(6);

    expect(customer.id).toBe(6);
    expect(cro.calls.map((c) => c.status)).toEqual([500, 200]);
  });

  it('throws a transient ApiServerError when 500s persist', async () => {
    cro.failNext(3, { status: 500, body: { field: null, detail: 'Internal Server Error', explanation: '' } });

    const error = await client({ maxAttempts: 3 })
      .getCustomer(6)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiServerError);
    expect(error).toMatchObject({ reason: 'crm-unavailable', transient: true });
    expect(cro.calls).toHaveLength(3);
  });

  it('rejects a non-positive or fractional customer id without a request', async () => {
    await expect(client().getCustomer(0)).rejects.toBeInstanceOf(RequestValidationError);
    await expect(client().getCustomer(1.5)).rejects.toThrow(/customerId: /);
    expect(cro.calls).toHaveLength(0);
  });
});

describe('CRO simulator state', () => {
  let cro: CroSimulator;
  beforeAll(async () => {
    cro = await startCroSimulator();
  });
  afterAll(async () => {
    await cro.stop();
  });

  it('bumps last_updated_on strictly on every upsert and touch, in CRO format', () => {
    const first = cro.upsertCustomer(croCustomer({ id: 1 }));
    const second = cro.touch(1, { name: 'Renamed' });
    const third = cro.upsertCustomer({ ...second, name: 'Again' });

    expect(first.last_updated_on).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/);
    expect(second.last_updated_on! > first.last_updated_on!).toBe(true);
    expect(third.last_updated_on! > second.last_updated_on!).toBe(true);
    expect(cro.getCustomer(1)?.name).toBe('Again');
  });

  it('answers 404 with the documented body {field, detail, explanation} once a customer is deleted', async () => {
    cro.upsertCustomer(croCustomer({ id: 9 }));
    cro.deleteCustomer(9);

    const response = await fetch(`${cro.url}/customers/9`, {
      headers: { authorization: `Bearer ${DEFAULT_CRO_TOKEN}`, 'x-tenant-id': String(cro.tenantId) },
    });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      field: null,
      detail: 'Not Found',
      explanation: expect.any(String),
    });
  });

  it('names the parameter at fault in the body and in a human-readable status line', async () => {
    const response = await fetch(`${cro.url}/customers/abc`, {
      headers: { authorization: `Bearer ${DEFAULT_CRO_TOKEN}`, 'x-tenant-id': String(cro.tenantId) },
    });

    expect(response.status).toBe(400);
    expect(response.statusText).toBe('customer_id: Invalid value');
    expect(await response.json()).toEqual({
      field: 'customer_id',
      detail: 'Invalid value',
      explanation: expect.any(String),
    });
  });

  it.each([
    ['an opaque token, even one it accepts', 'opaque-token'],
    ['a token with a space', 'cro-header.cro payload.sig'],
    ['a token over 256 characters', `${'a'.repeat(200)}.${'b'.repeat(60)}.c`],
  ])('refuses the authorization header of %s: CRO documents a JWT-shaped bearer', async (_, token) => {
    cro.setTokens([DEFAULT_CRO_TOKEN, token]);

    const response = await fetch(`${cro.url}/customers/1`, {
      headers: { authorization: `Bearer ${token}`, 'x-tenant-id': String(cro.tenantId) },
    });
    cro.setTokens([DEFAULT_CRO_TOKEN]);

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ field: 'authorization', detail: 'Invalid header' });
  });

  it('accepts the JWT shape in any case of "Bearer", and refuses a well-shaped token it does not know', async () => {
    cro.upsertCustomer(croCustomer({ id: 10 }));
    const get = (authorization: string) =>
      fetch(`${cro.url}/customers/10`, { headers: { authorization, 'x-tenant-id': String(cro.tenantId) } });

    const lower = await get(`bearer ${DEFAULT_CRO_TOKEN}`);
    const unknown = await get('Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl');

    expect(lower.status).toBe(200);
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual({
      field: null,
      detail: 'Unauthorized',
      explanation: expect.any(String),
    });
  });

  it('returns a seeded model unchanged, vendor-only fields included', async () => {
    const model = croCustomer({ id: 12 });
    cro.seedCustomers([model]);

    const response = await fetch(`${cro.url}/customers/12/`, {
      headers: { authorization: `Bearer ${DEFAULT_CRO_TOKEN}`, 'x-tenant-id': String(cro.tenantId) },
    });

    expect(response.headers.get('x-api-version')).toBe('2019/02/08');
    expect(await response.json()).toEqual(model);
  });

  it('requires x-tenant-id', async () => {
    const response = await fetch(`${cro.url}/customers/1`, {
      headers: { authorization: `Bearer ${DEFAULT_CRO_TOKEN}` },
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ field: 'x-tenant-id' });
  });
});
