import { describe, expect, it, jest } from '@jest/globals';
import { CroClient, CroCustomerSchema } from '../../../../lib/crm/index.ts';
import { croCustomer } from '../../../../lib/local/simulators/croCustomer.ts';

// The sample response of CRO's "Get Customer" page (trimmed to one location).
const vendorSample = {
  addresses: [
    {
      country: null,
      id: 1,
      is_active: true,
      is_billing: true,
      is_physical: false,
      is_shipping: false,
      latitude: 48.080076,
      line_1: '520 E Washington St',
      line_2: null,
      line_3: null,
      line_4: null,
      locality: 'Sequim',
      longitude: -123.0952858,
      postcode: '98382',
      region: 'WA',
    },
  ],
  contacts: [
    {
      email: 'shaneduty@gmail.com',
      fax: null,
      id: 1,
      name: 'George',
      notify_on_acknowledged_request: false,
      notify_on_completed_request: true,
      number: '360-555-1212',
    },
  ],
  created_on: '2018-06-13T19:50:20.447000',
  id: 1,
  last_updated_on: '2020-04-22T17:23:17.363000',
  locations: [{ customer_id: 1, is_active: true, location_id: 1, note: 'Exempt from billing???' }],
  name: 'George Jones!!!?',
  parent_id: null,
};

describe('CroClient', () => {
  it('refuses a tenant id that is not a non-negative integer', () => {
    const tokenProvider = jest.fn(async () => 't');

    expect(() => new CroClient({ baseUrl: 'http://x', tenantId: Number.NaN, tokenProvider })).toThrow(
      /tenantId/,
    );
    expect(() => new CroClient({ baseUrl: 'http://x', tenantId: -1, tokenProvider })).toThrow(/tenantId/);
  });
});

describe('CroCustomerSchema', () => {
  it("parses the vendor's sample response", () => {
    const parsed = CroCustomerSchema.parse(vendorSample);

    expect(parsed).toMatchObject({ id: 1, name: 'George Jones!!!?', parent_id: null });
    expect(parsed.addresses[0]).toMatchObject({ country: null, is_billing: true, postcode: '98382' });
    expect(parsed.contacts[0]).not.toHaveProperty('notify_on_completed_request');
  });

  it('parses what the croCustomer builder produces', () => {
    expect(CroCustomerSchema.safeParse(croCustomer({ id: 9 })).success).toBe(true);
  });
});
