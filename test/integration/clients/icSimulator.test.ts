import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DEFAULT_IC_TOKEN, type IcSimulator, startIcSimulator } from '../../../lib/local/simulators/index.ts';

const auth = { authorization: `Bearer ${DEFAULT_IC_TOKEN}`, 'content-type': 'application/json' };
const acme = { name: 'Acme', vatNumber: 'PT501234567', country: 'PT', externalId: 'cro-42-1' };

describe('Invisible Collector simulator', () => {
  let ic: IcSimulator;
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = auth,
  ) => {
    const response = await fetch(`${ic.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    ic = await startIcSimulator();
  });
  afterAll(async () => {
    await ic.stop();
  });
  beforeEach(() => {
    ic.clearCalls();
    ic.resetFaults();
    ic.setConflictGid(true);
  });

  it('answers 401 with the vendor body when the token is wrong or rotated away', async () => {
    const wrong = await call('GET', '/customers/x', undefined, { authorization: 'Bearer nope' });
    ic.setTokens(['new-token']);
    const rotated = await call('GET', '/customers/x');
    ic.setTokens([DEFAULT_IC_TOKEN]);

    expect(wrong).toMatchObject({ status: 401, body: { code: 401 } });
    expect(rotated.status).toBe(401);
  });

  it('registers a customer, finds it by gid and by externalId, and omits fields never set', async () => {
    const created = await call('POST', '/customers', acme);
    const byGid = await call('GET', `/customers/${created.body.gid}`);
    const byExternalId = await call('GET', '/customers/cro-42-1');

    expect(created.status).toBe(201);
    expect(byGid.body).toEqual({ ...acme, gid: created.body.gid });
    expect(byExternalId.body).toEqual(byGid.body);
    expect(byGid.body).not.toHaveProperty('locale');
    expect(ic.calls.map((c) => [c.method, c.route, c.status])).toEqual([
      ['POST', '/customers', 201],
      ['GET', '/customers/:id', 200],
      ['GET', '/customers/:id', 200],
    ]);
  });

  it('is idempotent for an identical register and answers 409 (with or without gid) for a different one', async () => {
    const [existing] = ic.seed([{ ...acme, vatNumber: 'PT509999990', externalId: 'cro-42-2' }]);
    const same = await call('POST', '/customers', { ...existing, gid: undefined });
    const different = await call('POST', '/customers', {
      ...acme,
      externalId: 'other',
      vatNumber: 'PT509999990',
    });
    ic.setConflictGid(false);
    const withoutGid = await call('POST', '/customers', {
      ...acme,
      externalId: 'other',
      vatNumber: 'PT509999990',
    });

    expect(same).toMatchObject({ status: 200, body: { gid: existing!.gid } });
    expect(different).toMatchObject({ status: 409, body: { code: 409, gid: existing!.gid } });
    expect(withoutGid.status).toBe(409);
    expect(withoutGid.body).not.toHaveProperty('gid');
  });

  it('rejects a register without mandatory fields, a bad locale and invalid JSON', async () => {
    const missing = await call('POST', '/customers', { name: 'No VAT', country: 'PT' });
    const badLocale = await call('POST', '/customers', { ...acme, vatNumber: 'PT1', locale: 'pt-PT' });
    const invalid = await call('POST', '/customers', '{not json');

    expect(missing).toMatchObject({ status: 422, body: { code: 422 } });
    expect(badLocale.status).toBe(422);
    expect(invalid).toMatchObject({ status: 400, body: { code: 400, message: 'Invalid JSON' } });
  });

  it.each(['UK', 'XX', 'EL', 'pt'])(
    'answers 422 to a register or update with country %s, not an assigned ISO 3166-1 alpha-2 code',
    async (country) => {
      const [customer] = ic.seed([{ ...acme, externalId: `cro-42-${country}`, vatNumber: `PT-${country}` }]);

      const register = await call('POST', '/customers', { ...acme, vatNumber: 'PT509999991', country });
      const update = await call('PUT', `/customers/${customer!.gid}`, { country });
      const assigned = await call('PUT', `/customers/${customer!.gid}`, { country: 'GB' });

      expect(register).toMatchObject({ status: 422, body: { code: 422 } });
      expect(update.status).toBe(422);
      expect(assigned.status).toBe(200);
    },
  );

  it('updates with PUT only when country is present and the customer exists', async () => {
    const [customer] = ic.seed([{ ...acme, externalId: 'cro-42-3', vatNumber: 'PT3' }]);
    const noCountry = await call('PUT', `/customers/${customer!.gid}`, { name: 'New' });
    const unknown = await call('PUT', '/customers/nobody', { country: 'PT' });
    const updated = await call('PUT', '/customers/cro-42-3', {
      country: 'ES',
      city: 'Madrid',
      gid: 'ignored',
    });

    expect(noCountry.status).toBe(422);
    expect(unknown).toMatchObject({ status: 404, body: { code: 404 } });
    expect(updated).toMatchObject({
      status: 200,
      body: { gid: customer!.gid, country: 'ES', city: 'Madrid' },
    });
    expect(ic.customerByExternalId('cro-42-3')).toMatchObject({ country: 'ES', name: 'Acme' });
  });

  it('merges attributes and rejects empty keys or values', async () => {
    const [customer] = ic.seed([
      { ...acme, externalId: 'cro-42-4', vatNumber: 'PT4', attributes: { a: '1' } },
    ]);
    const merged = await call('POST', `/customers/${customer!.gid}/attributes`, { b: '2', a: '3' });
    const empty = await call('POST', '/customers/cro-42-4/attributes', { c: '' });
    const read = await call('GET', '/customers/cro-42-4/attributes');

    expect(merged).toMatchObject({ status: 200, body: { a: '3', b: '2' } });
    expect(empty).toMatchObject({ status: 422, body: { code: 422 } });
    expect(read.body).toEqual({ a: '3', b: '2' });
    expect(ic.attributes('cro-42-4')).toEqual({ a: '3', b: '2' });
  });

  it('finds customers by every given criterion and returns an empty array for no match', async () => {
    ic.seed([{ ...acme, externalId: 'cro-42-5', vatNumber: 'PT5', email: 'a@example.com' }]);
    const found = await call('GET', '/customers/find?vat=PT5&email=a%40example.com');
    const none = await call('GET', '/customers/find?externalId=missing');

    expect(found.body).toHaveLength(1);
    expect(found.body[0]).toMatchObject({ externalId: 'cro-42-5' });
    expect(none).toEqual(expect.objectContaining({ status: 200, body: [] }));
    expect(ic.callsFor('/customers/find')[0]!.query).toEqual({ vat: 'PT5', email: 'a@example.com' });
  });

  it('serves scripted failures on one route, then answers normally', async () => {
    ic.failNext(
      2,
      { status: 429, body: { code: 429, message: 'slow down' }, headers: { 'retry-after': '1' } },
      '/customers/:id',
    );
    const first = await call('GET', '/customers/none');
    const attributes = await call('GET', '/customers/none/attributes');
    const second = await call('GET', '/customers/none');
    const third = await call('GET', '/customers/none');

    expect([first.status, attributes.status, second.status, third.status]).toEqual([429, 404, 429, 404]);
    expect(first.headers.get('retry-after')).toBe('1');
  });

  it('injects reproducible random faults from a seed', async () => {
    const statuses = async () => {
      ic.setFaults({ serverErrorRate: 0.3, rateLimitRate: 0.3, seed: 7 });
      const out: number[] = [];
      for (let i = 0; i < 10; i += 1) out.push((await call('GET', '/customers/none')).status);
      return out;
    };

    const first = await statuses();
    const second = await statuses();

    expect(first).toEqual(second);
    expect(new Set(first)).toEqual(new Set([404, 429, 503]));
  });

  it('answers GET with exactly the shape of the vendor SDK fixture for the same customer', async () => {
    const fixture = JSON.parse(
      readFileSync(new URL('../../unit/lib/invisible-collector/fixtures/get.json', import.meta.url), 'utf8'),
    );
    ic.seed([{ ...fixture, externalId: 'fixture-1', vatNumber: 'PT-FIXTURE' }]);

    const got = await call('GET', '/customers/fixture-1');

    expect(got.body).toEqual({ ...fixture, externalId: 'fixture-1', vatNumber: 'PT-FIXTURE' });
  });

  it('answers 405 for a method a route does not support and 404 for an unknown path', async () => {
    const method = await call('DELETE', '/customers/x');
    const path = await call('GET', '/invoices');

    expect(method).toMatchObject({ status: 405, body: { code: 405 } });
    expect(method.headers.get('allow')).toBe('GET,PUT');
    expect(path.status).toBe(404);
  });

  it('holds a response for timeoutMs when a timeout fault is drawn, and records that the client left', async () => {
    ic.setFaults({ timeoutRate: 1, timeoutMs: 60_000 });
    const controller = new AbortController();
    const arrived = ic.nextCall();
    void arrived.then(() => controller.abort());

    const error = await fetch(`${ic.url}/customers/x`, { headers: auth, signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    const call = await arrived;
    await ic.callSettled(call);

    expect((error as Error).name).toBe('AbortError');
    expect(call.status).toBe(0);
  });
});
