import { isIsoCountryCode } from '../../countries.ts';
import { IcStore, pickFields, type SimIcCustomer, type SimIcCustomerInput } from './icStore.ts';
import {
  type SimRequest,
  type SimResponse,
  type VendorShape,
  startSimulatorServer,
} from './SimulatorServer.ts';
import type { FaultOptions, SimulatorControls } from './types.ts';

/** The token the IC simulator accepts unless told otherwise. */
export const DEFAULT_IC_TOKEN = 'ic-test-token';

// https://www.invisiblecollector.com/docs: only these locales are accepted.
const LOCALES = new Set(['pt', 'es', 'en', 'fr-fr', 'de', 'zh-CN']);

export interface IcSimulatorOptions {
  /** Accepted bearer tokens. @default [DEFAULT_IC_TOKEN] */
  tokens?: string[];
  latencyMs?: number;
  faults?: FaultOptions;
  port?: number;
  /** Put the existing customer's `gid` in 409 bodies (the docs say so; the SDK fixtures show a 409 without). @default true */
  conflictWithGid?: boolean;
  /**
   * The answer to a `PUT` for an unknown id. The documents list only 401 and 422 for `PUT`; 404 is what the
   * vendor SDK's fixture (`not_found.json`) shows. 422 is the other plausible answer. @default 404
   */
  putUnknownStatus?: 404 | 422;
}

/** A running Invisible Collector simulator; see `startIcSimulator`. */
export interface IcSimulator extends SimulatorControls {
  /** Current customers (copies, with gid; unset fields absent like in the real responses). */
  customers(): SimIcCustomer[];
  customerByExternalId(externalId: string): SimIcCustomer | undefined;
  /** The attribute map of a customer, by gid or externalId (`{}` when unknown). */
  attributes(gidOrExternalId: string): Record<string, string>;
  /** Adds customers (with optional attributes) directly; returns them with their gids. */
  seed(customers: Array<SimIcCustomerInput & { attributes?: Record<string, string> }>): SimIcCustomer[];
  /** Whether 409 bodies carry the existing customer's gid. */
  setConflictGid(include: boolean): void;
  /** How a `PUT` for an unknown id is answered (see {@link IcSimulatorOptions.putUnknownStatus}). */
  setPutUnknownStatus(status: 404 | 422): void;
}

/**
 * Starts an Invisible Collector API simulator on 127.0.0.1 (port 0 by default), following the vendor
 * documents and the SDK fixtures: Bearer auth, `GET|PUT /customers/:id` (gid or externalId),
 * `POST /customers` (idempotent for an identical customer, 409 on a VAT or externalId clash),
 * `GET|POST /customers/:id/attributes` (merge), `GET /customers/find`, error bodies `{code, message[, gid]}`.
 *
 * @example
 * const ic = await startIcSimulator();
 * const [customer] = ic.seed([{ name: 'Acme', vatNumber: 'PT501234567', country: 'PT', externalId: 'cro-42-1' }]);
 * // ... exercise a client against ic.url with token DEFAULT_IC_TOKEN ...
 * expect(ic.callsFor('/customers/:id').map((c) => c.method)).toEqual(['PUT']);
 * await ic.stop();
 */
export async function startIcSimulator(options: IcSimulatorOptions = {}): Promise<IcSimulator> {
  const store = new IcStore();
  let conflictWithGid = options.conflictWithGid ?? true;
  let putUnknownStatus = options.putUnknownStatus ?? 404;

  const notFound = () => icError(404, 'Customer not found');
  const withCustomer = (req: SimRequest, then: (customer: SimIcCustomer) => SimResponse): SimResponse => {
    const customer = store.find(req.params.id ?? '');
    return customer ? then(customer) : notFound();
  };

  const controls = await startSimulatorServer({
    tokens: options.tokens ?? [DEFAULT_IC_TOKEN],
    latencyMs: options.latencyMs,
    faults: options.faults,
    port: options.port,
    vendor: icVendor,
    routes: [
      {
        method: 'GET',
        route: '/customers/find',
        handle: (req) => ({ status: 200, body: search(store, req.query) }),
      },
      {
        method: 'POST',
        route: '/customers',
        handle: (req) => {
          const invalid = validateCustomer(req, ['name', 'vatNumber', 'country']);
          if (invalid) return invalid;
          const fields = pickFields(req.body as Record<string, unknown>);
          const clash =
            store.findByVat(fields.vatNumber!) ??
            (fields.externalId === undefined ? undefined : store.find(fields.externalId));
          if (clash) {
            if (isSameCustomer(clash, fields)) return { status: 200, body: clash };
            return icError(
              409,
              'A customer with the same VAT number already exists for this company',
              conflictWithGid ? clash.gid : undefined,
            );
          }
          return { status: 201, body: store.insert(fields) };
        },
      },
      {
        method: 'GET',
        route: '/customers/:id',
        handle: (req) => withCustomer(req, (customer) => ({ status: 200, body: customer })),
      },
      {
        method: 'PUT',
        route: '/customers/:id',
        handle: (req) => {
          const customer = store.find(req.params.id ?? '');
          // Undocumented for PUT (the docs list 401 and 422): the SDK fixture's 404, or a 422.
          if (!customer) return putUnknownStatus === 404 ? notFound() : icError(422, 'Customer not found');
          const invalid = validateCustomer(req, ['country']);
          if (invalid) return invalid;
          const fields = pickFields(req.body as Record<string, unknown>);
          return { status: 200, body: store.update(customer.gid, fields) };
        },
      },
      {
        method: 'GET',
        route: '/customers/:id/attributes',
        handle: (req) =>
          withCustomer(req, (customer) => ({ status: 200, body: store.attributes(customer.gid) })),
      },
      {
        method: 'POST',
        route: '/customers/:id/attributes',
        handle: (req) =>
          withCustomer(req, (customer) => {
            if (req.invalidJson) return icError(400, 'Invalid JSON');
            const problem = attributesProblem(req.body);
            if (problem) return icError(422, problem);
            return {
              status: 200,
              body: store.mergeAttributes(customer.gid, req.body as Record<string, string>),
            };
          }),
      },
    ],
  });

  return {
    ...controls,
    customers: () => store.all(),
    customerByExternalId: (externalId) => store.all().find((c) => c.externalId === externalId),
    attributes: (id) => {
      const customer = store.find(id);
      return customer ? store.attributes(customer.gid) : {};
    },
    seed: (customers) =>
      customers.map(({ attributes, ...fields }) => {
        const customer = store.insert(fields);
        if (attributes) store.mergeAttributes(customer.gid, attributes);
        return { ...customer };
      }),
    setConflictGid: (include) => {
      conflictWithGid = include;
    },
    setPutUnknownStatus: (status) => {
      putUnknownStatus = status;
    },
  };
}

const icVendor: VendorShape = {
  authorise(req, tokens) {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (match && tokens.has(match[1]!)) return undefined;
    return icError(401, 'Credentials are required to access this resource');
  },
  error: (status, message) => icError(status, message),
};

/** The vendor's error body: `{ code, message }`, plus `gid` on some 409s. */
function icError(status: number, message: string, gid?: string): SimResponse {
  return { status, body: gid === undefined ? { code: status, message } : { code: status, message, gid } };
}

function validateCustomer(req: SimRequest, required: string[]): SimResponse | undefined {
  if (req.invalidJson) return icError(400, 'Invalid JSON');
  const body = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return icError(422, 'The request body must be a JSON object');
  }
  const fields = body as Record<string, unknown>;
  for (const [key, value] of Object.entries(fields)) {
    if (value !== null && typeof value !== 'string') return icError(422, `Field ${key} must be a string`);
  }
  const missing = required.filter((key) => typeof fields[key] !== 'string' || fields[key].trim() === '');
  if (missing.length > 0) return icError(422, `Missing mandatory fields: ${missing.join(', ')}`);
  // The documents ask for "the customer's ISO 3166-1 country code": an assigned one, not any two letters.
  if (typeof fields.country === 'string' && !isIsoCountryCode(fields.country)) {
    return icError(422, 'Invalid country code');
  }
  if (typeof fields.locale === 'string' && !LOCALES.has(fields.locale)) {
    return icError(422, 'Invalid locale');
  }
  return undefined;
}

/** Idempotent register: every field sent equals the stored one (`locale` defaults to `pt`). */
function isSameCustomer(existing: SimIcCustomer, fields: Record<string, string>): boolean {
  const withDefault = (c: Record<string, string | undefined>, key: string) =>
    c[key] ?? (key === 'locale' ? 'pt' : undefined);
  return Object.keys(fields).every((key) => withDefault(existing, key) === withDefault(fields, key));
}

function attributesProblem(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return 'Attributes must be a JSON object';
  for (const [key, value] of Object.entries(body)) {
    if (typeof value !== 'string') return 'Attribute values must be strings';
    if (key.trim() === '' || value.trim() === '') return 'Attribute keys and values must not be empty';
  }
  return undefined;
}

/** `GET /customers/find`: every given criterion must match (an empty query matches nothing). */
function search(store: IcStore, query: Record<string, string>): SimIcCustomer[] {
  const criteria: Array<[keyof SimIcCustomer, string | undefined]> = [
    ['externalId', query.externalId],
    ['vatNumber', query.vat],
    ['email', query.email],
    ['phone', query.phone],
  ];
  const given = criteria.filter(([, value]) => value !== undefined && value !== '');
  if (given.length === 0) return [];
  return store.all().filter((customer) => given.every(([field, value]) => customer[field] === value));
}
