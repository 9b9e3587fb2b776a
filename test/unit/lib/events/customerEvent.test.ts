import { describe, it, expect } from '@jest/globals';
import { customerEvent } from '../../../../lib/events/customerEvent.ts';
import { parseEventBody } from '../../../../lib/events/parseEventBody.ts';

describe('customerEvent', () => {
  it('builds an event the sync accepts, with the documented source and subject', () => {
    const event = customerEvent({ tenantId: 42, customerId: 7, data: { vatNumber: 'PT500000007' } });

    expect(event).toMatchObject({
      specversion: '1.0',
      type: 'crm.customer.updated',
      source: 'cro-software/tenants/42',
      subject: 'customers/7',
      data: { tenantId: 42, customerId: 7, vatNumber: 'PT500000007' },
    });
    expect(parseEventBody(JSON.stringify(event))).toEqual(event);
  });

  it('gives each change its own id unless the producer passes a stable one', () => {
    const a = customerEvent({ tenantId: 1, customerId: 1 });
    const b = customerEvent({ tenantId: 1, customerId: 1 });
    const resent = customerEvent({ tenantId: 1, customerId: 1, id: a.id, type: 'crm.customer.created' });

    expect(a.id).not.toBe(b.id);
    expect(resent).toMatchObject({ id: a.id, type: 'crm.customer.created' });
  });

  it('keeps the tenant and customer of the input even if data tries to override them', () => {
    const event = customerEvent({
      tenantId: 3,
      customerId: 4,
      data: { tenantId: 9, customerId: 9 } as unknown as Record<string, never>,
    });

    expect(event.data).toMatchObject({ tenantId: 3, customerId: 4 });
  });
});
