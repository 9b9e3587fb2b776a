import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import {
  ApiAuthError,
  ApiConflictError,
  ApiError,
  ApiNotFoundError,
  ApiRateLimitedError,
  ApiServerError,
  ApiTimeoutError,
  ApiValidationError,
  fromResponse,
  MAX_DETAIL_LENGTH,
} from '../../../../lib/http/index.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../invisible-collector/fixtures/${name}.json`, import.meta.url), 'utf8');
const ic = { api: 'invisible-collector' as const, method: 'POST', path: '/customers' };
const cro = { api: 'cro' as const, method: 'get', path: '/customers/1' };

describe('fromResponse with the vendor SDK fixtures', () => {
  it.each([
    [401, 'unauthorized', ApiAuthError, 'auth'],
    [404, 'not_found', ApiNotFoundError, 'ic-not-found'],
    [409, 'conflict', ApiConflictError, 'ic-conflict'],
    [400, 'invalid', ApiValidationError, 'ic-validation'],
    [422, 'unprocessable', ApiValidationError, 'ic-validation'],
  ] as const)('turns a %i (%s.json) into %p with reason %s', (status, name, type, reason) => {
    const error = fromResponse({ ...ic, status, bodyText: fixture(name) });

    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({
      status,
      reason,
      transient: false,
      code: String(status),
      api: 'invisible-collector',
    });
    expect(error.message).toContain(JSON.parse(fixture(name)).message);
  });

  it('keeps a 409 without gid as a conflict without gid', () => {
    const error = fromResponse({ ...ic, status: 409, bodyText: fixture('conflict') }) as ApiConflictError;

    expect(error.gid).toBeUndefined();
  });

  it('reads the gid of a 409 body that has one, with code as a string', () => {
    const body = JSON.stringify({ code: '409', message: 'Customer already registered', gid: 'g-123' });

    const error = fromResponse({ ...ic, status: 409, bodyText: body });

    expect(error).toBeInstanceOf(ApiConflictError);
    expect(error).toMatchObject({ gid: 'g-123', code: '409' });
  });
});

describe('fromResponse with CRO bodies', () => {
  it('reads the documented {field: null, detail, explanation} without a code', () => {
    const error = fromResponse({
      ...cro,
      status: 404,
      bodyText: JSON.stringify({ field: null, detail: 'Not Found', explanation: 'No such customer' }),
    });

    expect(error).toMatchObject({ reason: 'crm-not-found', code: undefined });
    expect(error.message).toBe('CRO GET /customers/1 → 404: Not Found — No such customer');
  });

  it('reads {detail, explanation, title} and the request id', () => {
    const error = fromResponse({
      ...cro,
      status: 404,
      headers: { 'X-REQUEST-ID': '474cdb8c-461a-4a2f-be39-d01d258eeb86' },
      bodyText: JSON.stringify({ detail: 'Not Found', explanation: 'No such customer', title: 'Not Found' }),
    });

    expect(error).toBeInstanceOf(ApiNotFoundError);
    expect(error).toMatchObject({
      reason: 'crm-not-found',
      method: 'GET',
      requestId: '474cdb8c-461a-4a2f-be39-d01d258eeb86',
    });
    expect(error.message).toBe('CRO GET /customers/1 → 404: Not Found — No such customer');
  });

  it('reads {field, detail, explanation} with the field as code', () => {
    const body = JSON.stringify({
      field: 'x-tenant-id',
      detail: 'Invalid header',
      explanation: 'must be an integer',
    });

    const error = fromResponse({ ...cro, status: 400, bodyText: body });

    expect(error).toBeInstanceOf(ApiValidationError);
    expect(error).toMatchObject({ code: 'x-tenant-id', reason: 'crm-validation' });
  });

  it.each([
    [403, ApiAuthError, 'crm-forbidden', false],
    [406, ApiError, 'crm-rejected', false],
    [409, ApiConflictError, 'crm-conflict', false],
    [500, ApiServerError, 'crm-unavailable', true],
  ] as const)('classifies a CRO %i as %p (%s)', (status, type, reason, transient) => {
    const error = fromResponse({ ...cro, status, bodyText: '{}' });

    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ reason, transient });
  });
});

describe('fromResponse hygiene', () => {
  it('tolerates non-JSON bodies', () => {
    const error = fromResponse({ ...ic, status: 502, bodyText: '<html><body>Bad Gateway</body></html>' });

    expect(error).toBeInstanceOf(ApiServerError);
    expect(error.message).toBe('Invisible Collector POST /customers → 502');
  });

  it('drops the query string, where e-mails and VAT numbers travel', () => {
    const error = fromResponse({
      ...ic,
      method: 'GET',
      path: '/customers/find?email=a%40b.pt&vat=PT501234567',
      status: 500,
    });

    expect(error.path).toBe('/customers/find');
    expect(error.message).not.toMatch(/a%40b|PT501234567/);
  });

  it('redacts personal data echoed in vendor messages and truncates them', () => {
    const message = `Invalid email john.doe@example.com for VAT PT501234567, phone +351 912 345 678 ${'x'.repeat(500)}`;

    const error = fromResponse({ ...ic, status: 422, bodyText: JSON.stringify({ code: 422, message }) });

    expect(error.message).not.toMatch(/john\.doe|501234567|912 345/);
    expect(error.message.length).toBeLessThan(MAX_DETAIL_LENGTH + 80);
  });

  it('removes the token wherever the vendor echoes it', () => {
    const token = 'tok_9f8e7d6c5b4a';
    const error = fromResponse({
      ...ic,
      status: 401,
      headers: { 'x-request-id': token },
      bodyText: JSON.stringify({ code: token, message: `token ${token} is invalid` }),
      secrets: [token],
    });

    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(token);
    expect(error.requestId).toBeUndefined();
  });

  it('classifies a 408 as a timeout and a 429 as rate limited', () => {
    expect(fromResponse({ ...ic, status: 408 })).toBeInstanceOf(ApiTimeoutError);
    expect(fromResponse({ ...ic, status: 429 })).toBeInstanceOf(ApiRateLimitedError);
  });

  it('marks a 401 transient only once the token was refreshed', () => {
    expect(fromResponse({ ...ic, status: 401 }).transient).toBe(false);
    expect(fromResponse({ ...ic, status: 401, tokenRefreshed: true }).transient).toBe(true);
  });
});
