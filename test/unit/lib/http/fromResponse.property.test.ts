import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
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
} from '../../../../lib/http/index.ts';

/** The class each status must produce. */
function expectedClass(status: number): abstract new (...args: never[]) => ApiError {
  if (status === 401 || status === 403) return ApiAuthError;
  if (status === 404) return ApiNotFoundError;
  if (status === 409) return ApiConflictError;
  if (status === 400 || status === 422) return ApiValidationError;
  if (status === 408) return ApiTimeoutError;
  if (status === 429) return ApiRateLimitedError;
  if (status >= 500) return ApiServerError;
  return ApiError;
}

const token = fc.stringMatching(/^[A-Za-z0-9_-]{12,48}$/);
const text = fc.string({ maxLength: 300 });

/** Bodies of every kind: IC, CRO, arbitrary JSON, non-JSON, each possibly echoing the token. */
const body = (secret: string) =>
  fc.oneof(
    text,
    fc.json(),
    fc
      .record(
        {
          code: fc.oneof(fc.integer(), fc.string(), fc.constant(secret)),
          message: fc.oneof(text, fc.constant(`Bearer ${secret} rejected`), fc.constant(secret)),
          gid: fc.oneof(fc.uuid(), fc.string()),
        },
        { requiredKeys: [] },
      )
      .map((b) => JSON.stringify(b)),
    fc
      .record(
        {
          field: fc.string(),
          detail: text,
          explanation: fc.oneof(text, fc.constant(`key=${secret}`)),
          title: text,
        },
        { requiredKeys: [] },
      )
      .map((b) => JSON.stringify(b)),
  );

const headers = (secret: string) =>
  fc.dictionary(
    fc.constantFrom('retry-after', 'Retry-After', 'x-request-id', 'X-Request-Id', 'authorization', 'other'),
    fc.oneof(fc.string(), fc.constant(secret), fc.constant(`Bearer ${secret}`), fc.nat().map(String)),
  );

describe('fromResponse properties', () => {
  it('never throws and always returns the ApiError class of the status, without the token', () => {
    fc.assert(
      fc.property(
        token.chain((secret) =>
          fc.record({
            secret: fc.constant(secret),
            status: fc.integer({ min: 100, max: 599 }),
            bodyText: body(secret),
            headers: headers(secret),
            api: fc.constantFrom('invisible-collector' as const, 'cro' as const),
            method: fc.constantFrom('GET', 'PUT', 'POST'),
            path: fc.oneof(fc.constant('/customers'), fc.webPath(), fc.constant(`/customers/x?t=${secret}`)),
          }),
        ),
        ({ secret, ...facts }) => {
          const error = fromResponse({ ...facts, secrets: [secret] });

          expect(error).toBeInstanceOf(expectedClass(facts.status));
          expect(error.constructor).toBe(expectedClass(facts.status));
          expect(error.status).toBe(facts.status);
          expect(error.reason).toMatch(/^[a-z]+(-[a-z]+)*$/);
          expect(typeof error.transient).toBe('boolean');
          const everything = JSON.stringify({ ...error, message: error.message, name: error.name });
          expect(everything).not.toContain(secret);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('classifies transience by status alone', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), (status) => {
        const error = fromResponse({ api: 'cro', method: 'GET', path: '/customers/1', status });
        const transient = status === 401 || status === 408 || status === 429 || status >= 500;
        expect(error.transient).toBe(transient);
      }),
    );
  });
});
