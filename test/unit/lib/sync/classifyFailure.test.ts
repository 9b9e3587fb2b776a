import { describe, expect, it } from '@jest/globals';
import { ApiAuthError, ApiServerError } from '../../../../lib/http/errors.ts';
import { InvalidEventError } from '../../../../lib/events/errors.ts';
import { classifyFailure } from '../../../../lib/sync/classifyFailure.ts';
import { VatConflictError } from '../../../../lib/sync/errors.ts';

const context = { api: 'invisible-collector' as const, method: 'PUT', path: '/customers/g1', status: 401 };

describe('classifyFailure', () => {
  it('keeps the class and reason of our own errors', () => {
    expect(classifyFailure(new VatConflictError('cro-42-7', 'g-9'))).toEqual({
      transient: false,
      reason: 'vat-conflict',
      detail: expect.stringContaining('g-9'),
    });
    expect(classifyFailure(new InvalidEventError('bad', []))).toMatchObject({
      transient: false,
      reason: 'invalid-event',
    });
    expect(classifyFailure(new ApiServerError({ ...context, status: 503 }))).toMatchObject({
      transient: true,
      reason: 'ic-unavailable',
    });
  });

  it('treats a 401 as transient auth even before a token refresh was recorded', () => {
    expect(classifyFailure(new ApiAuthError(context))).toMatchObject({ transient: true, reason: 'auth' });
  });

  it('retries unknown errors without echoing their message', () => {
    expect(classifyFailure(new TypeError('secret a@b.pt'))).toEqual({
      transient: true,
      reason: 'unexpected',
      detail: 'unexpected TypeError',
    });
  });
});
