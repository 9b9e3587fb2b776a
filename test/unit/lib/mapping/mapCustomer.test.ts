import { describe, expect, it } from '@jest/globals';
import { CroCustomerSchema, type CroCustomer } from '../../../../lib/crm/schemas.ts';
import { MappingError, mapCustomer, type MappingInput } from '../../../../lib/mapping/index.ts';

type CustomerOverrides = Partial<Omit<CroCustomer, 'addresses' | 'contacts'>> & {
  addresses?: Array<Record<string, unknown>>;
  contacts?: Array<Record<string, unknown>>;
};

function customer(overrides: CustomerOverrides = {}): CroCustomer {
  return CroCustomerSchema.parse({
    id: 1,
    name: 'George Jones',
    last_updated_on: '2020-04-22T17:23:17.363000',
    addresses: [
      {
        id: 1,
        country: 'PT',
        is_active: true,
        is_billing: true,
        line_1: 'Rua Augusta 1',
        line_2: null,
        line_3: null,
        line_4: null,
        locality: 'Lisboa',
        postcode: '1100-048',
      },
    ],
    contacts: [{ id: 1, name: 'George', email: 'george@example.pt', number: '+351 912 345 678' }],
    ...overrides,
  });
}

function map(overrides: CustomerOverrides = {}, input: Partial<MappingInput> = {}, fallbacks = {}) {
  return mapCustomer({ tenantId: 42, customerId: 1, customer: customer(overrides), ...input }, fallbacks);
}

function mappingError(run: () => unknown): MappingError {
  try {
    run();
  } catch (error) {
    if (error instanceof MappingError) return error;
    throw error;
  }
  throw new Error('expected a MappingError');
}

const address = (fields: Record<string, unknown>) => ({
  is_active: true,
  is_billing: false,
  country: 'PT',
  ...fields,
});

describe('mapCustomer', () => {
  it('maps a typical CRO customer to the IC document, attributes and source timestamp', () => {
    const mapped = map(
      {},
      { vatNumber: 'PT543219876', locale: 'pt-PT', attributes: { segment: 'enterprise' } },
    );

    expect(mapped).toEqual({
      externalId: 'cro-42-1',
      document: {
        externalId: 'cro-42-1',
        name: 'George Jones',
        address: 'Rua Augusta 1',
        zipCode: '1100-048',
        city: 'Lisboa',
        country: 'PT',
        email: 'george@example.pt',
        phone: '+351 912 345 678',
        vatNumber: 'PT543219876',
        locale: 'pt',
      },
      vatNumber: 'PT543219876',
      attributes: {
        segment: 'enterprise',
        cro_customer_id: '1',
        cro_tenant_id: '42',
        cro_last_updated_on: '2020-04-22T17:23:17.363000',
      },
      sourceUpdatedAt: '2020-04-22T17:23:17.363000Z',
    });
  });

  it('leaves vatNumber out of the document when the event has none', () => {
    const mapped = map();

    expect(mapped.document).not.toHaveProperty('vatNumber');
    expect(mapped).not.toHaveProperty('vatNumber');
  });

  describe('address', () => {
    it.each([
      [
        'the active billing address wins over an earlier active one',
        [
          address({ line_1: 'Shipping St 1', is_billing: false }),
          address({ line_1: 'Billing Av 2', is_billing: true, postcode: '4000-001', locality: 'Porto' }),
        ],
        { address: 'Billing Av 2', zipCode: '4000-001', city: 'Porto' },
      ],
      [
        'without a billing address, the first active one is used',
        [address({ line_1: 'First St 1' }), address({ line_1: 'Second St 2' })],
        { address: 'First St 1' },
      ],
      [
        'an inactive billing address is ignored',
        [
          address({ line_1: 'Old Billing 9', is_billing: true, is_active: false }),
          address({ line_1: 'Current 1' }),
        ],
        { address: 'Current 1' },
      ],
      [
        'non-empty lines 1..4 are trimmed and joined with ", "',
        [address({ line_1: ' Rua A 1 ', line_2: '', line_3: '3º Esq', line_4: null })],
        { address: 'Rua A 1, 3º Esq' },
      ],
    ])('%s', (_name, addresses, expected) => {
      expect(map({ addresses }).document).toMatchObject(expected);
    });

    it('leaves address, zipCode and city out when the address has none of them', () => {
      const mapped = map({ addresses: [address({ line_1: ' ', postcode: null, locality: '' })] });

      expect(mapped.document).not.toHaveProperty('address');
      expect(mapped.document).not.toHaveProperty('zipCode');
      expect(mapped.document).not.toHaveProperty('city');
    });
  });

  describe('country', () => {
    it.each([
      ["the address's country, upper-cased", [address({ country: ' es ' })], {}, 'ES'],
      [
        'DEFAULT_COUNTRY when the address has none',
        [address({ country: null })],
        { defaultCountry: 'PT' },
        'PT',
      ],
      [
        'DEFAULT_COUNTRY when there is no active address',
        [address({ is_active: false })],
        { defaultCountry: 'fr' },
        'FR',
      ],
      ['the address wins over DEFAULT_COUNTRY', [address({ country: 'US' })], { defaultCountry: 'PT' }, 'US'],
    ])('is %s', (_name, addresses, fallbacks, expected) => {
      expect(map({ addresses }, {}, fallbacks).document.country).toBe(expected);
    });

    it('is a permanent missing-country failure when neither the address nor DEFAULT_COUNTRY gives one', () => {
      const error = mappingError(() => map({ addresses: [address({ country: null })] }));

      expect(error).toMatchObject({ reason: 'missing-country', field: 'country', transient: false });
      expect(error.message).toBe(
        'cannot map customer: country: the address has no country and DEFAULT_COUNTRY is not set',
      );
    });

    it('is a permanent missing-country failure when the customer has no active address and no default', () => {
      const error = mappingError(() => map({ addresses: [] }));

      expect(error.message).toContain('no active address');
    });

    it.each(['UK', 'XX', 'EL'])(
      'is a permanent missing-country failure for %s, well-formed but not an assigned ISO 3166-1 code',
      (code) => {
        const error = mappingError(() =>
          map({ addresses: [address({ country: code })] }, {}, { defaultCountry: 'PT' }),
        );

        expect(error).toMatchObject({ reason: 'missing-country', field: 'country', transient: false });
        expect(error.message).toContain('officially assigned ISO 3166-1 alpha-2 code');
      },
    );

    it('is not guessed from a country name', () => {
      const error = mappingError(() =>
        map({ addresses: [address({ country: 'Portugal' })] }, {}, { defaultCountry: 'PT' }),
      );

      expect(error).toMatchObject({ reason: 'missing-country', field: 'country' });
      expect(error.message).not.toContain('Portugal');
    });
  });

  describe('email and phone', () => {
    it.each([
      [
        'the first address of a comma-separated list',
        [{ email: 'ana@example.pt, bruno@example.pt', number: '111' }],
        { email: 'ana@example.pt', phone: '111' },
      ],
      [
        'from the first contact that has an e-mail, with that contact’s number',
        [
          { email: null, number: '111' },
          { email: 'carla@example.pt', number: '222' },
        ],
        { email: 'carla@example.pt', phone: '222' },
      ],
      [
        'the first contact with a number when the e-mail contact has none',
        [
          { email: 'carla@example.pt', number: null },
          { email: null, number: ' ' },
          { email: null, number: '333' },
        ],
        { email: 'carla@example.pt', phone: '333' },
      ],
      [
        'skipping list entries that are not addresses',
        [{ email: 'n/a; ; dora@example.pt' }],
        { email: 'dora@example.pt' },
      ],
    ])('are %s', (_name, contacts, expected) => {
      expect(map({ contacts }).document).toMatchObject(expected);
    });

    it('are left out when no contact has them', () => {
      const mapped = map({ contacts: [{ email: '', number: null }] });

      expect(mapped.document).not.toHaveProperty('email');
      expect(mapped.document).not.toHaveProperty('phone');
    });
  });

  describe('locale', () => {
    it.each([
      ['pt-PT', {}, 'pt'],
      ['en-GB', {}, 'en'],
      ['fr', {}, 'fr-fr'],
      ['zh', {}, 'zh-CN'],
      ['de_AT', {}, 'de'],
      ['it', { defaultLocale: 'es' }, 'es'],
      ['es-ES', { defaultLocale: 'en' }, 'es'],
      [undefined, { defaultLocale: 'en-US' }, 'en'],
      [undefined, {}, 'pt'],
      ['it', { defaultLocale: 'klingon' }, 'pt'],
    ])('maps %s with fallbacks %j to %s', (locale, fallbacks, expected) => {
      expect(map({}, locale === undefined ? {} : { locale }, fallbacks).document.locale).toBe(expected);
    });
  });

  describe('attributes', () => {
    it('drops empty keys and values, trims, writes numbers and booleans as text, and adds the cro_* keys', () => {
      const mapped = map(
        { last_updated_on: null },
        {
          attributes: {
            segment: ' enterprise ',
            '': 'x',
            ' ': 'y',
            empty: ' ',
            tier: 2,
            vip: true,
            nested: { a: 1 },
            none: null,
          },
        },
      );

      expect(mapped.attributes).toEqual({
        segment: 'enterprise',
        tier: '2',
        vip: 'true',
        cro_customer_id: '1',
        cro_tenant_id: '42',
      });
      expect(mapped).not.toHaveProperty('sourceUpdatedAt');
    });

    it('lets the cro_* keys win over event attributes of the same name', () => {
      const mapped = map({}, { attributes: { cro_customer_id: '999' } });

      expect(mapped.attributes.cro_customer_id).toBe('1');
    });
  });

  it('is a permanent ic-validation failure, naming the field, when a CRO value breaks an IC limit', () => {
    const error = mappingError(() => map({ addresses: [address({ postcode: '9'.repeat(65) })] }));

    expect(error).toMatchObject({ reason: 'ic-validation', field: 'zipCode', transient: false });
    expect(error.message).not.toContain('9'.repeat(65));
  });
});
