import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import {
  AdaptiveRateLimit,
  ApiAuthError,
  ApiConflictError,
  ApiNetworkError,
  ApiNotFoundError,
  ApiRateLimitedError,
  ApiServerError,
  ApiTimeoutError,
  ApiValidationError,
  type CallInfo,
  InvalidResponseError,
  RequestValidationError,
} from '../../../lib/http/index.ts';
import {
  type IcRegisterCustomer,
  type IcUpdateCustomer,
  InvisibleCollectorClient,
} from '../../../lib/invisible-collector/index.ts';
import { DEFAULT_IC_TOKEN, type IcSimulator, startIcSimulator } from '../../../lib/local/simulators/index.ts';

const acme = { name: 'Acme Lda', vatNumber: 'PT501234567', country: 'PT', externalId: 'cro-42-1' };

describe('InvisibleCollectorClient against the IC simulator', () => {
  let ic: IcSimulator;
  let calls: CallInfo[];
  let tokenProvider: jest.Mock<(o?: { forceRefresh?: boolean }) => Promise<string>>;
  const client = (overrides: Partial<ConstructorParameters<typeof InvisibleCollectorClient>[0]> = {}) =>
    new InvisibleCollectorClient({
      baseUrl: ic.url,
      tokenProvider,
      onCall: (info) => calls.push(info),
      random: () => 0,
      ...overrides,
    });

  beforeAll(async () => {
    ic = await startIcSimulator();
  });
  afterAll(async () => {
    await ic.stop();
  });
  beforeEach(() => {
    ic.clearCalls();
    ic.resetFaults();
    ic.setLatency(0);
    ic.setTokens([DEFAULT_IC_TOKEN]);
    ic.setConflictGid(true);
    ic.setPutUnknownStatus(404);
    calls = [];
    tokenProvider = jest.fn(async () => DEFAULT_IC_TOKEN);
  });

  it('registers a customer with one authenticated JSON POST and returns it with its gid', async () => {
    const created = await client().registerCustomer({ ...acme, locale: 'pt' });

    expect(created).toMatchObject({ ...acme, locale: 'pt', gid: expect.any(String) });
    expect(ic.calls).toHaveLength(1);
    expect(ic.calls[0]).toMatchObject({
      method: 'POST',
      route: '/customers',
      headers: { authorization: `Bearer ${DEFAULT_IC_TOKEN}`, 'content-type': 'application/json' },
      body: { ...acme, locale: 'pt' },
    });
    expect(calls).toEqual([
      expect.objectContaining({
        api: 'invisible-collector',
        method: 'POST',
        route: '/customers',
        status: 201,
        attempt: 1,
      }),
    ]);
  });

  it('finds a customer by externalId or gid and resolves undefined on 404', async () => {
    const [seeded] = ic.seed([{ ...acme, externalId: 'cro-42-find' }]);

    const byExternalId = await client().findCustomer('cro-42-find');
    const byGid = await client().findCustomer(seeded!.gid);
    const absent = await client().findCustomer('cro-42-nobody');

    expect(byExternalId?.gid).toBe(seeded!.gid);
    expect(byGid?.externalId).toBe('cro-42-find');
    expect(absent).toBeUndefined();
    expect(ic.calls.map((c) => [c.method, c.route, c.status])).toEqual([
      ['GET', '/customers/:id', 200],
      ['GET', '/customers/:id', 200],
      ['GET', '/customers/:id', 404],
    ]);
  });

  it('percent-encodes ids in the path', async () => {
    ic.seed([{ ...acme, vatNumber: 'PT2', externalId: 'a/b c' }]);

    const found = await client().findCustomer('a/b c');

    expect(found?.externalId).toBe('a/b c');
    expect(ic.calls[0]!.path).toBe('/customers/a%2Fb%20c');
  });

  it('updates by id with PUT and never sends the gid', async () => {
    const [seeded] = ic.seed([{ ...acme, vatNumber: 'PT3', externalId: 'cro-42-3' }]);
    const update = { gid: seeded!.gid, country: 'PT', city: 'Porto' } as IcUpdateCustomer;

    const updated = await client().updateCustomer(seeded!.gid, update);

    expect(updated).toMatchObject({ gid: seeded!.gid, city: 'Porto' });
    expect(ic.calls[0]).toMatchObject({ method: 'PUT', path: `/customers/${seeded!.gid}` });
    expect(ic.calls[0]!.body).toEqual({ country: 'PT', city: 'Porto' });
  });

  it("throws ApiNotFoundError when PUT targets an unknown customer (the SDK fixture's 404)", async () => {
    await expect(client().updateCustomer('cro-42-missing', { country: 'PT' })).rejects.toBeInstanceOf(
      ApiNotFoundError,
    );
    expect(ic.calls).toHaveLength(1);
  });

  it('throws ApiNotFoundError too when IC refuses the unknown id with a 422, after a GET confirms it', async () => {
    ic.setPutUnknownStatus(422);

    const error = await client()
      .updateCustomer('cro-42-missing', { country: 'PT' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiNotFoundError);
    expect(error).toMatchObject({ reason: 'ic-not-found', transient: false, status: 422 });
    expect(ic.calls.map((c) => `${c.method} ${c.status}`)).toEqual(['PUT 422', 'GET 404']);
  });

  it('keeps a 422 for a customer that exists a permanent ApiValidationError', async () => {
    const [customer] = ic.seed([
      { name: 'Acme', vatNumber: 'PT501234500', country: 'PT', externalId: 'cro-42-422' },
    ]);
    ic.failNext(1, { status: 422, body: { code: 422, message: 'phone is invalid' } }, '/customers/:id');

    const error = await client()
      .updateCustomer(customer!.gid, { country: 'PT', phone: '1' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiValidationError);
    expect(ic.calls.map((c) => `${c.method} ${c.status}`)).toEqual(['PUT 422', 'GET 200']);
  });

  it('rejects a bad locale or a missing country locally, with zero HTTP calls and a precise path', async () => {
    const badLocale = client().registerCustomer({
      ...acme,
      locale: 'pt-PT',
    } as unknown as IcRegisterCustomer);
    const noCountry = client().updateCustomer('cro-42-1', { name: 'x' } as IcUpdateCustomer);

    await expect(badLocale).rejects.toThrow(RequestValidationError);
    await expect(badLocale).rejects.toMatchObject({ reason: 'ic-invalid-request', transient: false });
    await expect(badLocale).rejects.toThrow(/locale: /);
    await expect(noCountry).rejects.toThrow(/country: /);
    expect(ic.calls).toHaveLength(0);
  });

  it('refuses a well-formed but unassigned country code (UK, XX) locally, with a clear error', async () => {
    const uk = client().registerCustomer({ ...acme, country: 'UK' });
    const xx = client().updateCustomer('cro-42-1', { country: 'XX' });

    await expect(uk).rejects.toThrow(RequestValidationError);
    await expect(uk).rejects.toThrow(/country: must be an officially assigned ISO 3166-1 alpha-2 code/);
    await expect(xx).rejects.toMatchObject({ reason: 'ic-invalid-request', transient: false });
    expect(ic.calls).toHaveLength(0);
  });

  it('surfaces a 409 VAT conflict with the existing gid, and without one when IC omits it', async () => {
    const [existing] = ic.seed([{ ...acme, vatNumber: 'PT409', externalId: 'cro-42-other' }]);
    const clash = { ...acme, vatNumber: 'PT409', externalId: 'cro-42-new' };

    const withGid = await client()
      .registerCustomer(clash)
      .catch((e: unknown) => e);
    ic.setConflictGid(false);
    const withoutGid = await client()
      .registerCustomer(clash)
      .catch((e: unknown) => e);

    expect(withGid).toBeInstanceOf(ApiConflictError);
    expect(withGid).toMatchObject({
      gid: existing!.gid,
      status: 409,
      transient: false,
      reason: 'ic-conflict',
    });
    expect(withoutGid).toBeInstanceOf(ApiConflictError);
    expect((withoutGid as ApiConflictError).gid).toBeUndefined();
    expect(ic.calls).toHaveLength(2);
  });

  it('maps a 422 to a permanent ApiValidationError after exactly one request', async () => {
    ic.failNext(1, { status: 422, body: { code: 422, message: 'Unprocessable request' } });

    const error = await client()
      .registerCustomer({ ...acme, vatNumber: 'PT422' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiValidationError);
    expect(error).toMatchObject({ reason: 'ic-validation', transient: false, code: '422' });
    expect(ic.calls).toHaveLength(1);
  });

  it('merges attributes, dropping empty keys and values before sending', async () => {
    ic.seed([{ ...acme, vatNumber: 'PT5', externalId: 'cro-42-5', attributes: { existing: 'yes' } }]);

    const merged = await client().setAttributes('cro-42-5', { segment: 'enterprise', '': 'x', blank: '  ' });

    expect(ic.calls[0]).toMatchObject({
      method: 'POST',
      route: '/customers/:id/attributes',
      body: { segment: 'enterprise' },
    });
    expect(merged).toEqual({ existing: 'yes', segment: 'enterprise' });
    expect(ic.attributes('cro-42-5')).toEqual(merged);
  });

  it('sends nothing when every attribute is empty', async () => {
    const result = await client().setAttributes('cro-42-5', { '': 'x', key: '' });

    expect(result).toEqual({});
    expect(ic.calls).toHaveLength(0);
  });

  it('searches with only the given criteria and returns an array', async () => {
    ic.seed([{ ...acme, vatNumber: 'PT6', externalId: 'cro-42-6' }]);

    const found = await client().searchCustomers({ vat: 'PT6', email: '' });
    const none = await client().searchCustomers({ externalId: 'nobody' });

    expect(found.map((c) => c.externalId)).toEqual(['cro-42-6']);
    expect(none).toEqual([]);
    expect(ic.calls[0]).toMatchObject({ route: '/customers/find', query: { vat: 'PT6' } });
  });

  it('refuses a search without criteria locally', async () => {
    await expect(client().searchCustomers({})).rejects.toBeInstanceOf(RequestValidationError);
    expect(ic.calls).toHaveLength(0);
  });

  it('refreshes the token once after a 401 and succeeds with the rotated token', async () => {
    ic.setTokens(['rotated-token']);
    tokenProvider.mockImplementation(async (o) => (o?.forceRefresh ? 'rotated-token' : DEFAULT_IC_TOKEN));

    const found = await client().findCustomer('cro-42-nobody');

    expect(found).toBeUndefined();
    expect(tokenProvider.mock.calls).toEqual([
      [undefined],
      [{ forceRefresh: true, rejectedToken: DEFAULT_IC_TOKEN }],
    ]);
    expect(ic.calls.map((c) => [c.status, c.headers.authorization])).toEqual([
      [401, `Bearer ${DEFAULT_IC_TOKEN}`],
      [404, 'Bearer rotated-token'],
    ]);
  });

  it('gives up with a transient ApiAuthError when the refreshed token is refused too, leaking no token', async () => {
    ic.setTokens(['someone-else']);
    tokenProvider.mockImplementation(async (o) => (o?.forceRefresh ? 'secret-refreshed' : 'secret-old'));

    const error = await client()
      .findCustomer('cro-42-1')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiAuthError);
    expect(error).toMatchObject({ status: 401, tokenRefreshed: true, transient: true, reason: 'auth' });
    expect(ic.calls).toHaveLength(2);
    expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toMatch(
      /secret-/,
    );
  });

  it('waits for Retry-After on a 429 and then succeeds', async () => {
    ic.failNext(1, {
      status: 429,
      body: { code: 429, message: 'slow down' },
      headers: { 'retry-after': '0.05' },
    });
    const waits: number[] = [];

    const found = await client({ sleep: async (ms) => void waits.push(ms) }).findCustomer('cro-42-nobody');

    expect(found).toBeUndefined();
    expect(ic.calls.map((c) => c.status)).toEqual([429, 404]);
    expect(waits).toEqual([50]);
  });

  it('paces its calls after a 429 (adaptive rate limit): the next call waits its turn', async () => {
    ic.failNext(1, {
      status: 429,
      body: { code: 429, message: 'slow down' },
      headers: { 'retry-after': '0' },
    });
    const waits: number[] = [];
    // Frozen time: nothing was admitted in the last second, so the 429 sets the floor rate, 1 call per second.
    const clock = { now: () => 1_000_000, sleep: async () => undefined };
    const rateLimit = new AdaptiveRateLimit({ clock, minRate: 1, increase: 0, additive: 0 });
    const paced = client({ rateLimit, sleep: async (ms) => void waits.push(ms) });

    await paced.findCustomer('cro-42-nobody'); // 429, then the retry takes the bucket's one token
    await paced.findCustomer('cro-42-nobody'); // waits a second for the next

    expect(ic.calls.map((c) => c.status)).toEqual([429, 404, 404]);
    expect(rateLimit.rate).toBe(1);
    expect(waits.at(-1)).toBe(1_000);
  });

  it('returns the 429 at once when Retry-After is beyond what the client waits for', async () => {
    ic.failNext(1, { status: 429, body: { code: 429, message: 'later' }, headers: { 'retry-after': '120' } });

    const error = await client()
      .findCustomer('cro-42-1')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiRateLimitedError);
    expect(error).toMatchObject({ retryAfterMs: 120_000, transient: true, reason: 'rate-limited' });
    expect(ic.calls).toHaveLength(1);
  });

  it('retries 5xx up to maxAttempts, then throws a transient ApiServerError', async () => {
    ic.failNext(3, { status: 503, body: '<html>Service Unavailable</html>' });

    const error = await client({ maxAttempts: 3 })
      .findCustomer('cro-42-1')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiServerError);
    expect(error).toMatchObject({ status: 503, transient: true, reason: 'ic-unavailable' });
    expect(ic.calls).toHaveLength(3);
    expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
  });

  it('recovers when a 5xx is followed by a success', async () => {
    ic.failNext(1, { status: 502, body: { code: 502, message: 'bad gateway' } });

    const found = await client().findCustomer('cro-42-nobody');

    expect(found).toBeUndefined();
    expect(ic.calls.map((c) => c.status)).toEqual([502, 404]);
  });

  it('times out a slow answer per attempt and retries it', async () => {
    // The first answer would take a minute: only the client's per-attempt timeout can end that attempt.
    ic.failNext(1, { status: 200, body: {}, delayMs: 60_000 });

    const found = await client({ timeoutMs: 100 }).findCustomer('cro-42-nobody');

    expect(found).toBeUndefined();
    expect(calls.map((c) => c.status)).toEqual([0, 404]);
  });

  it('throws ApiTimeoutError when every attempt is too slow', async () => {
    ic.setLatency(60_000);

    const error = await client({ timeoutMs: 50, maxAttempts: 2 })
      .findCustomer('x')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiTimeoutError);
    expect(error).toMatchObject({ transient: true, reason: 'timeout' });
    expect(calls).toHaveLength(2);
  });

  it('stops retrying when the next backoff would end past the deadline', async () => {
    ic.failNext(10, { status: 500, body: { code: 500, message: 'boom' } });

    const error = await client({ maxAttempts: 10, backoffBaseMs: 2_000, random: () => 0.99 })
      .findCustomer('x', { deadline: Date.now() + 1_000 })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiServerError);
    expect(ic.calls).toHaveLength(1);
  });

  it('retries within the deadline while backoffs fit', async () => {
    ic.failNext(2, { status: 500, body: { code: 500, message: 'boom' } });
    const waits: number[] = [];

    const found = await client({
      maxAttempts: 5,
      sleep: async (ms) => void waits.push(ms),
      random: () => 0.5,
    }).findCustomer('cro-42-nobody', { deadline: Date.now() + 10_000 });

    expect(found).toBeUndefined();
    expect(ic.calls.map((c) => c.status)).toEqual([500, 500, 404]);
    expect(waits).toEqual([75, 150]);
  });

  it('sends nothing when the deadline has already passed', async () => {
    const error = await client()
      .findCustomer('x', { deadline: Date.now() - 1 })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiTimeoutError);
    expect(ic.calls).toHaveLength(0);
  });

  it('throws a permanent InvalidResponseError, without retrying, when a 2xx body does not fit', async () => {
    ic.failNext(1, { status: 200, body: { name: 'no gid' } });
    ic.failNext(1, { status: 200, body: 'not json' });

    const noGid = await client()
      .findCustomer('x')
      .catch((e: unknown) => e);
    const notJson = await client()
      .findCustomer('x')
      .catch((e: unknown) => e);

    expect(noGid).toBeInstanceOf(InvalidResponseError);
    expect((noGid as Error).message).toMatch(/gid: /);
    expect(notJson).toMatchObject({ reason: 'ic-invalid-response', transient: false });
    expect(ic.calls).toHaveLength(2);
  });

  it('retries a refused connection and then throws a transient ApiNetworkError', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));

    const error = await client({ baseUrl: `http://127.0.0.1:${port}`, maxAttempts: 2 })
      .findCustomer('x')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiNetworkError);
    expect(error).toMatchObject({ transient: true, reason: 'ic-unavailable' });
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect(calls.map((c) => c.status)).toEqual([0, 0]);
  });
});
