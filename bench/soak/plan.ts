import { TENANT_ID } from '../services/startServices.ts';

/** A permanently invalid message body and the reason the sync must give it. */
export interface InvalidBody {
  body: string;
  /** The expected `failure-reason`. */
  reason: 'invalid-event' | 'wrong-tenant';
  label: string;
}

/**
 * Bodies that can never succeed and need no API call to tell (so they must be dead-lettered on their first
 * receive): not JSON, a CloudEvent without `data.customerId`, an unknown event type, another tenant.
 * `n` of them, cycling through the four kinds.
 *
 * @example
 * invalidBodies(4).map((b) => b.reason); // ['invalid-event', 'invalid-event', 'invalid-event', 'wrong-tenant']
 */
export function invalidBodies(n: number): InvalidBody[] {
  const base = (i: number) => ({
    specversion: '1.0',
    id: `soak-invalid-${i}`,
    source: `cro-software/tenants/${TENANT_ID}`,
    type: 'crm.customer.updated',
  });
  const kinds: Array<(i: number) => InvalidBody> = [
    (i) => ({
      label: 'not JSON',
      reason: 'invalid-event',
      body: `{"specversion":"1.0","id":"soak-invalid-${i}"`,
    }),
    (i) => ({
      label: 'no customerId',
      reason: 'invalid-event',
      body: JSON.stringify({ ...base(i), data: { tenantId: TENANT_ID } }),
    }),
    (i) => ({
      label: 'unknown type',
      reason: 'invalid-event',
      body: JSON.stringify({
        ...base(i),
        type: 'crm.customer.merged',
        data: { tenantId: TENANT_ID, customerId: 1 },
      }),
    }),
    (i) => ({
      label: 'wrong tenant',
      reason: 'wrong-tenant',
      body: JSON.stringify({ ...base(i), data: { tenantId: TENANT_ID + 1, customerId: 1 } }),
    }),
  ];
  return Array.from({ length: n }, (_, i) => kinds[i % kinds.length]!(i));
}

/**
 * Fisher–Yates shuffle with the given random source (seeded, so a run is reproducible).
 *
 * @example
 * shuffle([1, 2, 3], seededRandom(1));
 */
export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Which customer each CRM change is for: every customer once first (so each gets registered), then at random —
 * customer 1 with probability `hotShare` (a hot customer), uniformly otherwise.
 *
 * @example
 * changeSequence({ changes: 5, customers: 2 }, Math.random); // e.g. [1, 2, 2, 1, 2]
 * changeSequence({ changes: 6, customers: 3, hotShare: 1 }, Math.random); // [1, 2, 3, 1, 1, 1]
 */
export function changeSequence(
  options: { changes: number; customers: number; hotShare?: number },
  random: () => number,
): number[] {
  const hotShare = options.hotShare ?? 0;
  return Array.from({ length: options.changes }, (_, i) => {
    if (i < options.customers) return i + 1;
    if (hotShare > 0 && random() < hotShare) return 1;
    return 1 + Math.floor(random() * options.customers);
  });
}
