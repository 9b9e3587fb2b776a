import type { CroListedCustomer } from '../crm/schemas.ts';
import { normaliseSourceTimestamp } from '../mapping/sourceTimestamp.ts';

// Offset paging (`page_index` × `page_limit`) over a list that changes while it is read can skip a record:
// when a record before the read position leaves it (a deletion, or an update that moves a record to the end
// of a list ordered by `last_updated_on`), every later record moves one place up, and the first record of
// the next page slides into the page just read. These helpers detect and repair that at each page boundary
// (a "seam"); docs/reconciliation.md gives the whole argument.

/**
 * A customer version as the listing tracks it: `<id>@<canonical last_updated_on>`. An unchanged customer
 * keeps its key; an updated one gets a new key.
 *
 * @example
 * versionKey({ id: 7, last_updated_on: '2020-04-22T17:23:17.363000' }); // '7@2020-04-22T17:23:17.363000Z'
 */
export function versionKey(customer: Pick<CroListedCustomer, 'id' | 'last_updated_on'>): string {
  return `${customer.id}@${normaliseSourceTimestamp(customer.last_updated_on) ?? ''}`;
}

/**
 * Compares page `k` as it was first read (`firstRead`, its version keys) with the same page read again just
 * after page `k + 1`. Records now on page `k` that were not there (`newcomers`) may have slid over the seam
 * between the two reads: they are enqueued too. If not one record of the first read is still there, more than
 * a page moved: records may have slid past page `k` entirely, and the listing must start again (`disturbed`).
 *
 * Why one shared record is enough: CRO orders its list by a key an unchanged record keeps (its id, or its
 * `last_updated_on`), so unchanged records keep their relative order. A record skipped at this seam was after
 * every record of page `k`; if an unchanged record U of page `k` is still on page `k`, the skipped record is
 * after U, hence on page `k` (a newcomer) or after it (read later).
 *
 * @example
 * const seam = checkSeam(progress.previousPage, reread.results);
 * if (seam.disturbed) restart(); else enqueue([...page.results, ...seam.newcomers]);
 */
export function checkSeam(
  firstRead: readonly string[],
  reread: readonly CroListedCustomer[],
): { disturbed: boolean; newcomers: CroListedCustomer[] } {
  const before = new Set(firstRead);
  const newcomers = reread.filter((customer) => !before.has(versionKey(customer)));
  return { disturbed: newcomers.length === reread.length, newcomers };
}

/**
 * True when `page` is in `last_updated_on` order and does not start before `previousKey` (the last record
 * of the page before). A window larger than CRO's cap can only be split when this held for every page.
 */
export function inUpdateOrder(previousKey: string | undefined, page: readonly CroListedCustomer[]): boolean {
  let last = previousKey === undefined ? '' : previousKey.slice(previousKey.indexOf('@') + 1);
  for (const customer of page) {
    const stamp = normaliseSourceTimestamp(customer.last_updated_on);
    if (stamp === undefined || stamp < last) return false;
    last = stamp;
  }
  return true;
}

/** The newest canonical `last_updated_on` among `page` and `current`. */
export function newestOf(
  current: string | undefined,
  page: readonly CroListedCustomer[],
): string | undefined {
  let newest = current;
  for (const customer of page) {
    const stamp = normaliseSourceTimestamp(customer.last_updated_on);
    if (stamp !== undefined && (newest === undefined || stamp > newest)) newest = stamp;
  }
  return newest;
}

/**
 * A canonical timestamp moved by `micros` microseconds (negative: earlier).
 *
 * @example
 * shiftTimestamp('2020-04-22T17:23:17.363000Z', -1); // '2020-04-22T17:23:17.362999Z'
 */
export function shiftTimestamp(canonical: string, micros: number): string {
  const wholeMs = Date.parse(`${canonical.slice(0, 19)}Z`);
  const total = wholeMs * 1000 + Number(canonical.slice(20, 26)) + micros;
  const seconds = Math.floor(total / 1_000_000);
  const fraction = String(total - seconds * 1_000_000).padStart(6, '0');
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${fraction}Z`;
}

/** The canonical UTC form of an epoch-ms time. */
export function canonicalTime(epochMs: number): string {
  return normaliseSourceTimestamp(new Date(epochMs).toISOString())!;
}

/** A canonical timestamp in the form CRO's query parameters take (zone-less UTC, microseconds). */
export function croTimestamp(canonical: string): string {
  return canonical.replace(/Z$/, '');
}
