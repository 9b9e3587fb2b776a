import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { IcUpdateCustomerSchema } from '../../../../lib/invisible-collector/schemas.ts';
import { MappingError, mapCustomer, selectAddress } from '../../../../lib/mapping/index.ts';
import { croCustomerArb } from '../../../helpers/croArbitraries.ts';

const inputArb = fc.record({
  tenantId: fc.integer({ min: 1, max: 100_000 }),
  customerId: fc.integer({ min: 1, max: 1_000_000 }),
  customer: croCustomerArb,
  vatNumber: fc.option(fc.constantFrom('PT543219876', ' PT 543 219 876 ', ''), { nil: undefined }),
  locale: fc.option(fc.oneof(fc.constantFrom('pt-PT', 'en_GB', 'fr', 'zh', 'it'), fc.string()), {
    nil: undefined,
  }),
  attributes: fc.option(
    fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null))),
    {
      nil: undefined,
    },
  ),
});
const fallbacksArb = fc.record(
  { defaultCountry: fc.constantFrom('PT', 'es'), defaultLocale: fc.constantFrom('en', 'de-AT', 'xx') },
  { requiredKeys: [] },
);

describe('mapCustomer (properties)', () => {
  it('maps any CRO customer to a valid IC document, or throws a precise permanent MappingError', () => {
    fc.assert(
      fc.property(inputArb, fallbacksArb, (input, fallbacks) => {
        let mapped;
        try {
          mapped = mapCustomer(input, fallbacks);
        } catch (error) {
          expect(error).toBeInstanceOf(MappingError);
          const mappingError = error as MappingError;
          expect(mappingError.transient).toBe(false);
          expect(['missing-country', 'ic-validation']).toContain(mappingError.reason);
          expect(mappingError.message).toMatch(new RegExp(`^cannot map customer: ${mappingError.field}: .+`));
          return;
        }
        expect(IcUpdateCustomerSchema.safeParse(mapped.document).success).toBe(true);
        expect(mapped.document.externalId).toBe(`cro-${input.tenantId}-${input.customerId}`);
        expect(mapped.document.vatNumber).toBe(mapped.vatNumber);
        for (const [key, value] of Object.entries(mapped.attributes)) {
          expect(key.trim()).not.toBe('');
          expect(value.trim()).not.toBe('');
        }
        expect(mapped.attributes.cro_customer_id).toBe(String(input.customerId));
        expect(mapped.attributes.cro_tenant_id).toBe(String(input.tenantId));
      }),
      { numRuns: 500 },
    );
  });

  it('fails with missing-country exactly when neither the address nor DEFAULT_COUNTRY gives a valid one', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const country = selectAddress(input.customer.addresses)?.country?.trim() ?? '';
        let outcome: { country?: string; reason?: string };
        try {
          outcome = { country: mapCustomer(input, {}).document.country };
        } catch (error) {
          outcome = { reason: (error as MappingError).reason };
        }

        if (/^[A-Za-z]{2}$/.test(country)) {
          expect(outcome.reason).not.toBe('missing-country');
          if (outcome.reason === undefined) expect(outcome.country).toBe(country.toUpperCase());
        } else {
          expect(outcome).toEqual({ reason: 'missing-country' });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic: the same input gives the same result or the same error', () => {
    const outcome = (input: Parameters<typeof mapCustomer>[0]) => {
      try {
        return mapCustomer(input, { defaultCountry: 'PT' });
      } catch (error) {
        return (error as Error).message;
      }
    };
    fc.assert(
      fc.property(inputArb, (input) => {
        expect(outcome(input)).toEqual(outcome(structuredClone(input)));
      }),
      { numRuns: 100 },
    );
  });
});
