import { describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import { ISO_COUNTRY_CODES } from '../../../../lib/countries.ts';
import { RequestValidationError } from '../../../../lib/http/index.ts';
import {
  IC_LOCALES,
  type IcRegisterCustomer,
  IcRegisterCustomerSchema,
  IcUpdateCustomerSchema,
  InvisibleCollectorClient,
} from '../../../../lib/invisible-collector/index.ts';

const nonBlank = (max: number) =>
  fc.string({ minLength: 1, maxLength: max }).filter((s) => s.trim().length > 0 && s.trim().length <= max);
const country = fc.constantFrom(...ISO_COUNTRY_CODES);
const optional = {
  externalId: nonBlank(64),
  address: nonBlank(200),
  zipCode: nonBlank(20),
  city: nonBlank(60),
  email: fc.emailAddress(),
  phone: fc.stringMatching(/^\+?[0-9 ]{3,20}$/).filter((s) => s.trim().length > 0),
  mobile: fc.stringMatching(/^\+?[0-9 ]{3,20}$/).filter((s) => s.trim().length > 0),
  locale: fc.constantFrom(...IC_LOCALES),
};
const validRegister = fc.record(
  { name: nonBlank(100), vatNumber: nonBlank(30), country, ...optional },
  { requiredKeys: ['name', 'vatNumber', 'country'] },
);
const validUpdate = fc.record({ name: nonBlank(100), country, ...optional }, { requiredKeys: ['country'] });
/** Values that are certainly not accepted, with a marker to check they are never echoed. */
const badLocale = fc
  .string({ maxLength: 12 })
  .map((s) => `LOC_${s}`)
  .filter((s) => !(IC_LOCALES as readonly string[]).includes(s));
const badCountry = fc.oneof(
  fc.stringMatching(/^[a-z]{2}$/),
  // Well-formed but not assigned: reserved (UK, EL), user-assigned (XX, AA, ZZ) or unused.
  fc.stringMatching(/^[A-Z]{2}$/).filter((code) => !ISO_COUNTRY_CODES.has(code)),
  fc.constantFrom('UK', 'EL', 'XX'),
  fc.stringMatching(/^[A-Z]{3,5}$/),
  fc.constant(''),
  fc.constant('P1'),
);

/** A client that must never reach the network: any token request fails the test. */
function offlineClient() {
  const tokenProvider = jest.fn(async (): Promise<string> => {
    throw new Error('no request may be sent');
  });
  return {
    client: new InvisibleCollectorClient({ baseUrl: 'http://127.0.0.1:9', tokenProvider }),
    tokenProvider,
  };
}

describe('Invisible Collector request validators', () => {
  it('accept every valid register document', () => {
    fc.assert(fc.property(validRegister, (doc) => IcRegisterCustomerSchema.safeParse(doc).success));
  });

  it('accept every valid update document', () => {
    fc.assert(fc.property(validUpdate, (doc) => IcUpdateCustomerSchema.safeParse(doc).success));
  });

  it('reject an unknown locale at path "locale" and nothing else', () => {
    fc.assert(
      fc.property(validRegister, badLocale, (doc, locale) => {
        const result = IcRegisterCustomerSchema.safeParse({ ...doc, locale });
        expect(result.success).toBe(false);
        expect(result.error!.issues.map((i) => i.path.join('.'))).toEqual(['locale']);
      }),
    );
  });

  it('reject a missing or malformed country at path "country"', () => {
    fc.assert(
      fc.property(validUpdate, fc.option(badCountry, { nil: undefined }), (doc, value) => {
        const result = IcUpdateCustomerSchema.safeParse({ ...doc, country: value });
        expect(result.success).toBe(false);
        expect(result.error!.issues.map((i) => i.path.join('.'))).toEqual(['country']);
      }),
    );
  });

  it('make the client throw RequestValidationError before any request, without echoing the value', async () => {
    await fc.assert(
      fc.asyncProperty(validRegister, badLocale, async (doc, locale) => {
        const { client, tokenProvider } = offlineClient();

        const error = await client
          .registerCustomer({ ...doc, locale } as unknown as IcRegisterCustomer)
          .catch((e: unknown) => e);

        expect(error).toBeInstanceOf(RequestValidationError);
        expect((error as RequestValidationError).issues.map((i) => i.path)).toEqual(['locale']);
        expect((error as Error).message).toMatch(/locale: /);
        expect((error as Error).message).not.toContain(locale);
        expect(tokenProvider).not.toHaveBeenCalled();
      }),
      { numRuns: 50 },
    );
  });

  it('strip the gid instead of sending it', async () => {
    await fc.assert(
      fc.asyncProperty(validUpdate, fc.uuid(), async (doc, gid) => {
        const { client, tokenProvider } = offlineClient();

        // The offline token provider throws once validation passed: proof the gid did not fail validation.
        await expect(client.updateCustomer(gid, { ...doc, gid } as never)).rejects.toThrow(
          'no request may be sent',
        );
        expect(tokenProvider).toHaveBeenCalledTimes(1);
      }),
      { numRuns: 20 },
    );
  });
});

describe('attribute requests', () => {
  it('reject a non-string attribute value before sending, naming the key only', async () => {
    const { client, tokenProvider } = offlineClient();

    const error = await client
      .setAttributes('cro-42-1', { segment: 'x', score: 42 as unknown as string })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as Error).message).toMatch(/score: must be a string/);
    expect(tokenProvider).not.toHaveBeenCalled();
  });

  it('reject a blank customer id before sending', async () => {
    const { client, tokenProvider } = offlineClient();

    await expect(client.findCustomer('  ')).rejects.toThrow(/id: /);
    expect(tokenProvider).not.toHaveBeenCalled();
  });
});
