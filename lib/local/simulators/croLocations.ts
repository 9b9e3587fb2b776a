import type { CroCustomer } from '../../crm/schemas.ts';
import { normaliseSourceTimestamp } from '../../mapping/sourceTimestamp.ts';
import type { SimRequest, SimResponse, SimRoute } from './SimulatorServer.ts';

/** A CRO LocationModel as the simulator stores it (the fields the docs name; others may be added). */
export interface CroSimLocation {
  id: number;
  name: string;
  is_active: boolean;
  [field: string]: unknown;
}

/** How the simulated list endpoints behave where CRO's docs leave a choice. */
export interface CroListOptions {
  /**
   * CRO caps `total_count` at 100,000 and serves no result past it (pages after `total_pages` are empty).
   * Tests lower it to exercise the split. @default 100_000
   */
  listCap?: number;
  /**
   * The order of `GET /locations/{id}/customers` (CRO's docs do not state one): by `last_updated_on` then id
   * (a "changed since" listing), or by id. @default 'last_updated_on'
   */
  listOrder?: 'last_updated_on' | 'id';
}

/** Controls of the simulated locations. */
export interface CroLocationControls {
  /** Adds or replaces locations (`GET /locations` lists them by id). */
  seedLocations(locations: CroSimLocation[]): void;
  /** Changes the list order or cap at run time. */
  setListOptions(options: CroListOptions): void;
}

/** CRO's documented limits. */
const MAX_PAGE_INDEX = 10_000;
const MAX_PAGE_LIMIT = 1_000;
const MAX_TOTAL_PAGES = 1_000;
// CRO's docs give no default page size; the simulator's choice.
const DEFAULT_PAGE_LIMIT = 10;

export interface CroListRoutesDeps {
  customers: () => Iterable<CroCustomer>;
  /** CRO's error bodies, as the CRO simulator builds them. */
  fieldError(field: string, detail: string, explanation: string): SimResponse;
  notFound(explanation: string): SimResponse;
  options?: CroListOptions;
}

/**
 * The CRO list endpoints of the simulator, following the vendor's list page: `GET /locations` and
 * `GET /locations/{location_id}/customers` with `active`, `created_on_gte`, `last_updated_gte` (strictly
 * after; an ISO 8601 date in the past), `page_index` (1..10,000) and `page_limit` (1..1000), answering
 * `{current_limit, current_page, results, total_count, total_pages}` with `total_count` capped at 100,000
 * and `total_pages` at 1,000. A customer belongs to the locations its `locations[].location_id` names.
 *
 * @example
 * const list = croListRoutes({ customers: () => store.values(), fieldError, notFound });
 * startSimulatorServer({ routes: [...customerRoutes, ...list.routes], ... });
 * list.controls.seedLocations([{ id: 1, name: 'Lisboa', is_active: true }]);
 */
export function croListRoutes(deps: CroListRoutesDeps): {
  routes: SimRoute[];
  controls: CroLocationControls;
} {
  const locations = new Map<number, CroSimLocation>();
  let options: Required<CroListOptions> = { listCap: 100_000, listOrder: 'last_updated_on', ...deps.options };

  const paged = <T>(req: SimRequest, items: T[]): SimResponse => {
    const index = intParam(req, 'page_index', 1, MAX_PAGE_INDEX, 1);
    const limit = intParam(req, 'page_limit', 1, MAX_PAGE_LIMIT, DEFAULT_PAGE_LIMIT);
    if (typeof index === 'string') return deps.fieldError('page_index', 'Invalid value', index);
    if (typeof limit === 'string') return deps.fieldError('page_limit', 'Invalid value', limit);
    const served = items.slice(0, options.listCap);
    return {
      status: 200,
      body: {
        current_limit: limit,
        current_page: index,
        results: structuredClone(served.slice((index - 1) * limit, index * limit)),
        total_count: served.length,
        total_pages: Math.min(Math.ceil(served.length / limit), MAX_TOTAL_PAGES),
      },
    };
  };

  const listCustomers = (req: SimRequest): SimResponse => {
    const raw = req.params.location_id ?? '';
    if (!/^\d+$/.test(raw)) {
      return deps.fieldError('location_id', 'Invalid value', 'Location identifier must be an integer.');
    }
    if (!locations.has(Number(raw))) return deps.notFound('The requested location does not exist.');
    const locationId = Number(raw);
    const filters: Array<(customer: CroCustomer) => boolean> = [];
    for (const [param, field] of [
      ['last_updated_gte', 'last_updated_on'],
      ['created_on_gte', 'created_on'],
    ] as const) {
      if (req.query[param] === undefined) continue;
      const since = pastTimestamp(req.query[param]);
      if (since === undefined) {
        return deps.fieldError(param, 'Invalid value', 'Must be an ISO 8601 date in the past.');
      }
      // "only records updated after it": strictly after.
      filters.push((customer) => (normaliseSourceTimestamp(customer[field]) ?? '') > since);
    }
    const active = req.query.active;
    if (active !== undefined && active !== 'true' && active !== 'false') {
      return deps.fieldError('active', 'Invalid value', 'Must be a boolean.');
    }
    const members = [...deps.customers()].filter((customer) => {
      const link = linkOf(customer, locationId);
      if (link === undefined) return false;
      if (active !== undefined && (link.is_active !== false) !== (active === 'true')) return false;
      return filters.every((keep) => keep(customer));
    });
    members.sort(options.listOrder === 'id' ? byId : byLastUpdated);
    return paged(req, members);
  };

  return {
    routes: [
      {
        method: 'GET',
        route: '/locations',
        handle: (req) =>
          paged(
            req,
            [...locations.values()].sort((a, b) => a.id - b.id),
          ),
      },
      { method: 'GET', route: '/locations/:location_id/customers', handle: listCustomers },
    ],
    controls: {
      seedLocations: (models) => {
        for (const model of models) locations.set(model.id, structuredClone(model));
      },
      setListOptions: (next) => {
        options = { ...options, ...next };
      },
    },
  };
}

function linkOf(customer: CroCustomer, locationId: number): { is_active?: unknown } | undefined {
  return (customer.locations as Array<{ location_id?: unknown; is_active?: unknown }>).find(
    (link) => link?.location_id === locationId,
  );
}

const byId = (a: CroCustomer, b: CroCustomer) => a.id - b.id;

function byLastUpdated(a: CroCustomer, b: CroCustomer): number {
  const left = normaliseSourceTimestamp(a.last_updated_on) ?? '';
  const right = normaliseSourceTimestamp(b.last_updated_on) ?? '';
  return left < right ? -1 : left > right ? 1 : a.id - b.id;
}

/** An integer query parameter within [min, max], its default when absent, or the explanation of the error. */
function intParam(
  req: SimRequest,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number | string {
  const raw = req.query[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    return `Must be an integer from ${min} to ${max}.`;
  }
  return value;
}

/** The canonical form of an ISO 8601 date that is not in the future, else `undefined`. */
function pastTimestamp(value: string | undefined): string | undefined {
  const canonical = normaliseSourceTimestamp(value);
  if (canonical === undefined) return undefined;
  const nowCanonical = normaliseSourceTimestamp(new Date().toISOString())!;
  return canonical > nowCanonical ? undefined : canonical;
}
