import { describe, expect, it } from '@jest/globals';
import { classifyFailure } from '../../../../lib/sync/classifyFailure.ts';
import { InvalidEventError } from '../../../../lib/events/errors.ts';
import { InvalidResponseError, RequestValidationError, type ApiName } from '../../../../lib/http/errors.ts';
import { fromResponse } from '../../../../lib/http/fromResponse.ts';
import { MappingError } from '../../../../lib/mapping/errors.ts';
import { FAILURE_REASONS, isKnownReason } from '../../../../lib/replay/failureReasons.ts';
import {
  IcNotFoundError,
  MissingVatError,
  VatConflictError,
  WrongTenantError,
} from '../../../../lib/sync/errors.ts';

const APIS: ApiName[] = ['invisible-collector', 'cro'];

/** Every error the sync can dead-letter: its own classes, and every HTTP status of both APIs. */
function permanentFailures(): unknown[] {
  const context = (api: ApiName) => ({ api, method: 'GET', path: '/customers/1' });
  const fromHttp = APIS.flatMap((api) =>
    Array.from({ length: 300 }, (_, i) => fromResponse({ ...context(api), status: 300 + i })),
  );
  return [
    new InvalidEventError('invalid customer CloudEvent', []),
    new WrongTenantError(43, 42),
    new MissingVatError('cro-42-1'),
    new VatConflictError('cro-42-1', 'gid-1'),
    new IcNotFoundError('gid-1'),
    new MappingError('missing-country', 'country', 'none'),
    new MappingError('ic-validation', 'name', 'too long'),
    ...APIS.map((api) => new RequestValidationError(context(api), [])),
    ...APIS.map((api) => new InvalidResponseError(context(api))),
    ...fromHttp,
  ].filter((error) => !classifyFailure(error).transient);
}

describe('FAILURE_REASONS', () => {
  it('names every reason a permanent failure is dead-lettered with', () => {
    const reasons = new Set(permanentFailures().map((error) => classifyFailure(error).reason));

    expect([...reasons].filter((reason) => !isKnownReason(reason))).toEqual([]);
    expect(reasons.size).toBeGreaterThan(15);
  });

  it('lists no reason that nothing raises, besides redriven', () => {
    const raised = new Set(permanentFailures().map((error) => classifyFailure(error).reason));

    expect(Object.keys(FAILURE_REASONS).filter((reason) => !raised.has(reason))).toEqual(['redriven']);
  });

  it('does not take an inherited property for a reason', () => {
    expect(isKnownReason('toString')).toBe(false);
  });
});
