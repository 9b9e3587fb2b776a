import type { CroCustomer } from '../../lib/crm/schemas.ts';
import type { CustomerEvent } from '../../lib/events/schemas.ts';
import { croCustomer } from '../../lib/local/simulators/croCustomer.ts';
import type { CallCounts } from '../services/protocol.ts';
import { customerEvent } from '../support/customerEvent.ts';
import type { BenchDriver } from '../support/BenchDriver.ts';
import { round } from '../support/stats.ts';
import { BenchError } from '../errors.ts';

/** The kinds of event whose API cost is measured. */
export type EconomyCase =
  | 'new customer'
  | 'changed customer'
  | 'changed, snapshot in event'
  | 'unchanged customer'
  | 'unchanged, snapshot in event'
  | 'duplicate event';

export interface EconomyRow {
  case: EconomyCase;
  events: number;
  /** Per event. */
  croCalls: number;
  icReads: number;
  icWrites: number;
  dynamoCalls: number;
  /** Every call seen, `METHOD route` → calls per event. */
  detail: Record<string, number>;
  /** The goal for this case, in words, and whether it was met. */
  goal: string;
  ok: boolean;
}

/** Customers of the economy runs (apart from the throughput pool). */
const FIRST_ID = 2_001;

/**
 * API calls per event (from the simulators' call logs and the DynamoDB proxy) for each kind of event, one
 * event per invocation so no coalescing hides a cost. Goals: IC writes only when something changed, no
 * call at all for a duplicate.
 *
 * @example
 * const rows = await measureEconomy(driver, { customers: 10 });
 */
export async function measureEconomy(
  driver: BenchDriver,
  options: { customers: number },
): Promise<EconomyRow[]> {
  const ids = Array.from({ length: options.customers }, (_, i) => FIRST_ID + i);
  await driver.remote.seedCro(ids.map((id) => croCustomer({ id, name: `Customer ${id}` })));
  const rows: EconomyRow[] = [];
  const measure = async (kind: EconomyCase, events: CustomerEvent[]) => {
    await driver.remote.clearCalls();
    for (const event of events) {
      const { failures } = await driver.invoke([event]);
      if (failures > 0) throw new BenchError(`bench: "${kind}" event failed`);
    }
    rows.push(toRow(kind, events.length, await driver.remote.counts()));
  };

  await measure(
    'new customer',
    ids.map((customerId) => customerEvent({ customerId, type: 'crm.customer.created' })),
  );
  await driver.change(ids);
  const changed = ids.map((customerId) => customerEvent({ customerId }));
  await measure('changed customer', changed);
  const models: CroCustomer[] = await driver.change(ids);
  await measure(
    'changed, snapshot in event',
    models.map((customer) => customerEvent({ customerId: customer.id, customer })),
  );
  await measure(
    'unchanged customer',
    ids.map((customerId) => customerEvent({ customerId })),
  );
  await measure(
    'unchanged, snapshot in event',
    models.map((customer) => customerEvent({ customerId: customer.id, customer })),
  );
  await measure('duplicate event', changed);
  return rows;
}

function toRow(kind: EconomyCase, events: number, counts: CallCounts): EconomyRow {
  const sum = (record: Record<string, number>, keep: (key: string) => boolean = () => true) =>
    Object.entries(record).reduce((n, [key, value]) => n + (keep(key) ? value : 0), 0);
  const perEvent = (value: number) => round(value / events, 2);
  const icWrites = perEvent(sum(counts.ic, (key) => !key.startsWith('GET ')));
  const icReads = perEvent(sum(counts.ic, (key) => key.startsWith('GET ')));
  const croCalls = perEvent(sum(counts.cro));
  const detail: Record<string, number> = {};
  for (const [api, record] of [
    ['IC', counts.ic],
    ['CRO', counts.cro],
    ['DynamoDB', counts.dynamo],
  ] as const) {
    for (const [key, value] of Object.entries(record)) detail[`${api} ${key}`] = perEvent(value);
  }
  const { goal, ok } = goalOf(kind, { icWrites, icReads, croCalls });
  return {
    case: kind,
    events,
    croCalls,
    icReads,
    icWrites,
    dynamoCalls: perEvent(sum(counts.dynamo)),
    detail,
    goal,
    ok,
  };
}

function goalOf(
  kind: EconomyCase,
  calls: { icWrites: number; icReads: number; croCalls: number },
): { goal: string; ok: boolean } {
  switch (kind) {
    case 'new customer':
    case 'changed customer':
      return { goal: '≤ 2 IC writes, ≤ 1 CRO read', ok: calls.icWrites <= 2 && calls.croCalls <= 1 };
    case 'changed, snapshot in event':
      return { goal: '≤ 2 IC writes, 0 CRO', ok: calls.icWrites <= 2 && calls.croCalls === 0 };
    case 'unchanged customer':
      return { goal: '0 IC writes', ok: calls.icWrites === 0 && calls.icReads === 0 };
    case 'unchanged, snapshot in event':
      return { goal: '0 API calls', ok: calls.icWrites + calls.icReads + calls.croCalls === 0 };
    case 'duplicate event':
      return { goal: '0 API calls', ok: calls.icWrites + calls.icReads + calls.croCalls === 0 };
  }
}
