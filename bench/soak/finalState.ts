import { mapCustomer } from '../../lib/mapping/mapCustomer.ts';
import type { CroSimulator, IcSimulator } from '../../lib/local/simulators/index.ts';
import { segmentOf, vatNumberOf } from '../support/customerEvent.ts';
import { TENANT_ID } from '../services/startServices.ts';

export interface FinalStateCheck {
  /** Customers that had at least one change. */
  customers: number;
  /** IC customer matches the latest CRM state (document and `cro_last_updated_on`). */
  upToDate: number;
  /** IC customer exists but shows an older state. */
  stale: number;
  /** No IC customer for a changed CRM customer. */
  missing: number;
  /** External ids held by more than one IC customer (duplicate registrations). */
  duplicateRegistrations: number;
  /** IC customers in total (should equal `customers`). */
  icCustomers: number;
  /** A few stale/missing customer ids, for the report. */
  examples: number[];
}

/**
 * Compares every changed customer's Invisible Collector state with its latest CRM state, mapped the way the
 * sync maps it (docs/events.md#mapping): every document field and the `cro_last_updated_on` attribute must match.
 *
 * @example
 * const check = checkFinalState(services.ic, services.cro, [1, 2, 3]);
 * check.stale; // 0
 */
export function checkFinalState(
  ic: IcSimulator,
  cro: CroSimulator,
  customerIds: readonly number[],
): FinalStateCheck {
  const all = ic.customers();
  const byExternalId = new Map<string, typeof all>();
  for (const customer of all) {
    const key = customer.externalId ?? `(no externalId) ${customer.gid}`;
    byExternalId.set(key, [...(byExternalId.get(key) ?? []), customer]);
  }
  let upToDate = 0;
  let stale = 0;
  let missing = 0;
  const examples: number[] = [];
  for (const customerId of customerIds) {
    const latest = cro.getCustomer(customerId)!;
    const expected = mapCustomer({
      tenantId: TENANT_ID,
      customerId,
      customer: latest,
      vatNumber: vatNumberOf(customerId),
      locale: 'pt-PT',
      attributes: { segment: segmentOf(customerId) },
    });
    const stored = byExternalId.get(expected.externalId)?.[0];
    if (stored === undefined) {
      missing += 1;
      if (examples.length < 5) examples.push(customerId);
      continue;
    }
    const attributes = ic.attributes(stored.gid);
    const sameDocument = Object.entries(expected.document).every(
      ([field, value]) => stored[field as keyof typeof stored] === value,
    );
    const sameAttributes = Object.entries(expected.attributes).every(
      ([key, value]) => attributes[key] === value,
    );
    if (sameDocument && sameAttributes) upToDate += 1;
    else {
      stale += 1;
      if (examples.length < 5) examples.push(customerId);
    }
  }
  return {
    customers: customerIds.length,
    upToDate,
    stale,
    missing,
    duplicateRegistrations: [...byExternalId.values()].filter((list) => list.length > 1).length,
    icCustomers: all.length,
    examples,
  };
}
