import type { CroCustomer } from '../../crm/schemas.ts';

/**
 * A realistic CRO CustomerModel (shaped like the vendor's sample response), with one active billing
 * address in Portugal and one contact. Override any top-level field; arrays are replaced whole.
 *
 * @example
 * const customer = croCustomer({ id: 7, name: 'Acme' });
 * const noAddress = croCustomer({ addresses: [] });
 */
export function croCustomer(overrides: Partial<CroCustomer> = {}): CroCustomer {
  const id = overrides.id ?? 1;
  const contact = {
    id: 1,
    email: 'billing@example.com, ops@example.com',
    fax: null,
    name: 'George',
    number: '+351 210 000 000',
    notify_on_acknowledged_request: false,
    notify_on_completed_request: true,
    notify_on_dispatched_request: true,
    notify_on_failed_request: true,
    notify_on_new_request: true,
  };
  const location = {
    created_on: '2018-06-13T19:50:20.867000',
    customer_id: id,
    is_active: true,
    is_commercial: false,
    location_id: 1,
    note: null,
    reference_number: null,
    renewal_date: null,
    sales_rep: 'Shane',
    sales_rep_id: null,
    suspension_id: null,
  };
  return {
    id,
    name: `Customer ${id}`,
    parent_id: null,
    created_on: '2018-06-13T19:50:20.447000',
    last_updated_on: '2020-04-22T17:23:17.363000',
    addresses: [
      {
        id: 1,
        country: 'PT',
        is_active: true,
        is_billing: true,
        is_physical: false,
        is_shipping: false,
        latitude: 38.7223,
        line_1: 'Avenida da Liberdade 1',
        line_2: '2º Esq',
        line_3: null,
        line_4: null,
        locality: 'Lisboa',
        longitude: -9.1393,
        postcode: '1250-096',
        region: 'Lisboa',
      },
    ],
    contacts: [contact],
    locations: [location],
    ...overrides,
  };
}
