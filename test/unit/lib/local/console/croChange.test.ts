import { describe, expect, it } from '@jest/globals';
import { applyCroChange, CroChangeSchema } from '../../../../../lib/local/console/croChange.ts';
import { croCustomer } from '../../../../../lib/local/simulators/croCustomer.ts';

describe('applyCroChange', () => {
  it('changes the active billing address and the first contact, where the sync reads them', () => {
    const customer = croCustomer({ id: 7 });

    const changed = applyCroChange(customer, {
      city: 'Porto',
      country: 'ES',
      email: 'ana@example.com',
      phone: '',
    });

    expect(changed.addresses[0]).toMatchObject({
      locality: 'Porto',
      country: 'ES',
      line_1: 'Avenida da Liberdade 1',
    });
    expect(changed.contacts[0]).toMatchObject({ email: 'ana@example.com', number: null, name: 'George' });
    expect(customer.addresses[0]!.locality).toBe('Lisboa'); // the input is not modified
  });

  it('adds a billing address and a contact to a customer that has none', () => {
    const bare = croCustomer({ id: 8, addresses: [], contacts: [] });

    const changed = applyCroChange(bare, { address: 'Rua Nova 1', country: 'PT', email: 'x@example.com' });

    expect(changed.addresses).toEqual([
      expect.objectContaining({ is_active: true, is_billing: true, line_1: 'Rua Nova 1', country: 'PT' }),
    ]);
    expect(changed.contacts).toEqual([expect.objectContaining({ email: 'x@example.com' })]);
  });

  it('leaves what the change does not name, and an empty change changes nothing', () => {
    const customer = croCustomer({ id: 9 });

    expect(applyCroChange(customer, {})).toEqual(customer);
  });
});

describe('CroChangeSchema', () => {
  it('takes a country in either case, and refuses one that is not two letters or an unknown field', () => {
    expect(CroChangeSchema.parse({ country: 'pt' })).toEqual({ country: 'PT' });
    expect(CroChangeSchema.safeParse({ country: 'Portugal' }).success).toBe(false);
    expect(CroChangeSchema.safeParse({ vat: 'PT1' }).success).toBe(false);
  });
});
