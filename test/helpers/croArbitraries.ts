import fc from 'fast-check';
import { CroCustomerSchema, type CroCustomer } from '../../lib/crm/schemas.ts';

/**
 * fast-check arbitraries of CRO CustomerModels (as `CroCustomerSchema` parses them), covering nulls,
 * blanks, inactive and billing addresses, comma-separated e-mail lists and odd country values.
 * (H1's `croCustomer(overrides)` builds one realistic model; these generate the awkward ones.)
 */
const maybeText = (values: fc.Arbitrary<string>) =>
  fc.oneof(fc.constant(null), fc.constant(undefined), fc.constantFrom('', '  '), values);

export const croCountryArb = maybeText(fc.constantFrom('PT', 'pt', ' es ', 'US', 'Portugal', 'PRT', 'P'));

export const croAddressArb = fc.record({
  id: fc.nat(),
  country: croCountryArb,
  is_active: fc.boolean(),
  is_billing: fc.boolean(),
  line_1: maybeText(fc.string({ maxLength: 40 })),
  line_2: maybeText(fc.string({ maxLength: 40 })),
  line_3: maybeText(fc.string({ maxLength: 40 })),
  line_4: maybeText(fc.string({ maxLength: 40 })),
  locality: maybeText(fc.string({ maxLength: 40 })),
  // Now and then longer than IC's 64-character zipCode limit, to reach the ic-validation path.
  postcode: maybeText(
    fc.oneof(
      { arbitrary: fc.string({ maxLength: 12 }), weight: 9 },
      { arbitrary: fc.string({ minLength: 60, maxLength: 70 }), weight: 1 },
    ),
  ),
  region: maybeText(fc.string({ maxLength: 4 })),
});

const emailArb = fc.oneof(fc.emailAddress(), fc.constantFrom('n/a', 'x@', '@y', 'a b@c.d'));

export const croContactArb = fc.record({
  id: fc.nat(),
  name: maybeText(fc.string({ maxLength: 20 })),
  email: maybeText(fc.array(emailArb, { maxLength: 3 }).map((list) => list.join(', '))),
  number: maybeText(
    fc.oneof(fc.constantFrom('360-555-1212', '+351 912 345 678'), fc.string({ maxLength: 70 })),
  ),
  fax: maybeText(fc.string({ maxLength: 12 })),
});

export const croTimestampArb = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
  .map((date) => `${date.toISOString().slice(0, 23)}000`);

/** Any CustomerModel CRO could return, already through `CroCustomerSchema` (defaults applied). */
export const croCustomerArb: fc.Arbitrary<CroCustomer> = fc
  .record({
    id: fc.integer({ min: 1, max: 1_000_000 }),
    name: fc.string({ minLength: 1, maxLength: 64 }),
    last_updated_on: fc.oneof(fc.constant(null), croTimestampArb),
    addresses: fc.array(croAddressArb, { maxLength: 4 }),
    contacts: fc.array(croContactArb, { maxLength: 4 }),
  })
  .map((model) => CroCustomerSchema.parse(model));
