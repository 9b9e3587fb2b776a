import { randomUUID } from 'node:crypto';
import type { CroCustomer } from '../../crm/schemas.ts';
import { type SimResponse, type VendorShape, startSimulatorServer } from './SimulatorServer.ts';
import { type CroListOptions, type CroLocationControls, croListRoutes } from './croLocations.ts';
import type { FaultOptions, SimulatorControls } from './types.ts';

/** The token the CRO simulator accepts unless told otherwise (JWT-shaped, as CRO's docs require). */
export const DEFAULT_CRO_TOKEN = 'cro-header.cro-payload.cro-signature';
/** The tenant the CRO simulator serves unless told otherwise. */
export const DEFAULT_CRO_TENANT = 42;

// The `authorization` header CRO's docs require: "Matches ^bearer [a-z0-9-_=]+.[a-z0-9-_=]+.?[a-z0-9-_.+/=]*$,
// no longer than 256 characters" — a JWT-shaped token (the docs' unescaped dots read as the JWT's separators).
const AUTHORIZATION = /^bearer [a-z0-9_=-]+\.[a-z0-9_=-]+\.?[a-z0-9_.+/=-]*$/i;
const MAX_AUTHORIZATION_LENGTH = 256;

// The API versions CRO's docs list for `x-api-version`.
const API_VERSIONS = new Set([
  '2019/02/08',
  '2021/04/07',
  '2021/05/07',
  '2021/08/02',
  '2021/11/04',
  '2023/04/19',
]);

export interface CroSimulatorOptions extends CroListOptions {
  /** The only `x-tenant-id` accepted. @default DEFAULT_CRO_TENANT */
  tenantId?: number;
  /** @default [DEFAULT_CRO_TOKEN] */
  tokens?: string[];
  latencyMs?: number;
  faults?: FaultOptions;
  port?: number;
  /** Accepts further bearer tokens, e.g. the access tokens a `startCroOAuthSimulator` issued and still honours. */
  acceptToken?: (token: string) => boolean;
}

/** A running CRO Software simulator; see `startCroSimulator`. */
export interface CroSimulator extends SimulatorControls, CroLocationControls {
  tenantId: number;
  /** Stores the models as given (timestamps untouched). */
  seedCustomers(models: CroCustomer[]): void;
  /** Stores the model with `last_updated_on` = now (strictly increasing across calls). */
  upsertCustomer(model: CroCustomer): CroCustomer;
  /** Changes a stored customer and bumps its `last_updated_on`. */
  touch(id: number, changes: Partial<CroCustomer>): CroCustomer;
  deleteCustomer(id: number): void;
  getCustomer(id: number): CroCustomer | undefined;
  /** Every stored customer (copies), by id. */
  customers(): CroCustomer[];
}

/**
 * Starts a CRO Software API simulator on 127.0.0.1 (port 0 by default), following the vendor's
 * `GET /customers/{customer_id}` page: Bearer auth, `x-tenant-id` required and checked, optional
 * `x-api-version` checked against the documented list, `X-REQUEST-ID`/`X-API-VERSION` response headers,
 * the documented `authorization` pattern (a JWT-shaped bearer token, at most 256 characters), and the
 * documented error body `{field, detail, explanation}` (`field` null when no parameter is at fault) with a
 * human-readable status line (`400 customer_id: Invalid value`).
 *
 * @example
 * const cro = await startCroSimulator({ tenantId: 42 });
 * cro.upsertCustomer(croCustomer({ id: 1 }));
 * // GET `${cro.url}/customers/1` with `Authorization: Bearer ${DEFAULT_CRO_TOKEN}` and `x-tenant-id: 42`
 * await cro.stop();
 */
export async function startCroSimulator(options: CroSimulatorOptions = {}): Promise<CroSimulator> {
  const tenantId = options.tenantId ?? DEFAULT_CRO_TENANT;
  const customers = new Map<number, CroCustomer>();
  let lastStamp = 0;
  const stamp = () => {
    lastStamp = Math.max(Date.now(), lastStamp + 1);
    // CRO's format: zone-less UTC with microseconds, e.g. 2020-04-22T17:23:17.363000
    return new Date(lastStamp).toISOString().replace('Z', '000');
  };
  const get = (id: number) => {
    const customer = customers.get(id);
    return customer === undefined ? undefined : structuredClone(customer);
  };

  const list = croListRoutes({
    customers: () => customers.values(),
    fieldError: (field, detail, explanation) => croError(400, field, detail, explanation),
    notFound: (explanation) => croError(404, null, 'Not Found', explanation),
    options,
  });
  const controls = await startSimulatorServer({
    tokens: options.tokens ?? [DEFAULT_CRO_TOKEN],
    latencyMs: options.latencyMs,
    faults: options.faults,
    port: options.port,
    vendor: croVendor(tenantId, options.acceptToken),
    routes: [
      {
        method: 'GET',
        route: '/customers/:id',
        handle: (req) => {
          const raw = req.params.id ?? '';
          if (!/^\d+$/.test(raw)) {
            return croError(400, 'customer_id', 'Invalid value', 'Customer identifier must be an integer.');
          }
          const customer = get(Number(raw));
          if (!customer) return croError(404, null, 'Not Found', 'The requested customer does not exist.');
          return {
            status: 200,
            body: customer,
            headers: { 'x-api-version': req.headers['x-api-version'] ?? '2019/02/08' },
          };
        },
      },
      ...list.routes,
    ],
  });

  return {
    ...controls,
    ...list.controls,
    tenantId,
    seedCustomers: (models) => {
      for (const model of models) customers.set(model.id, structuredClone(model));
    },
    upsertCustomer: (model) => {
      const stored = {
        ...structuredClone(model),
        created_on: customers.get(model.id)?.created_on ?? model.created_on ?? stamp(),
        last_updated_on: stamp(),
      };
      customers.set(model.id, stored);
      return structuredClone(stored);
    },
    touch: (id, changes) => {
      const existing = customers.get(id);
      if (!existing) throw new Error(`CRO simulator: no customer ${id} to touch`);
      const stored = { ...existing, ...structuredClone(changes), id, last_updated_on: stamp() };
      customers.set(id, stored);
      return structuredClone(stored);
    },
    deleteCustomer: (id) => {
      customers.delete(id);
    },
    getCustomer: get,
    customers: () => [...customers.values()].sort((a, b) => a.id - b.id).map((c) => structuredClone(c)),
  };
}

function croVendor(tenantId: number, acceptToken?: (token: string) => boolean): VendorShape {
  return {
    authorise(req, tokens) {
      const authorization = req.headers.authorization ?? '';
      if (authorization.length > MAX_AUTHORIZATION_LENGTH || !AUTHORIZATION.test(authorization)) {
        return croError(401, 'authorization', 'Invalid header', 'Must be "Bearer <access token>" (a JWT).');
      }
      const token = authorization.slice('bearer '.length);
      if (!tokens.has(token) && acceptToken?.(token) !== true) {
        return croError(401, null, 'Unauthorized', 'A valid bearer access token is required.');
      }
      const tenant = req.headers['x-tenant-id'];
      if (tenant === undefined || !/^\d+$/.test(tenant)) {
        return croError(
          400,
          'x-tenant-id',
          'Invalid header',
          'x-tenant-id is required and must be an integer.',
        );
      }
      if (Number(tenant) !== tenantId) {
        return croError(403, null, 'Forbidden', 'You do not have access to this tenant.');
      }
      const version = req.headers['x-api-version'];
      if (version !== undefined && !API_VERSIONS.has(version)) {
        return croError(400, 'x-api-version', 'Invalid header', 'Must be a valid API version string.');
      }
      const accept = req.headers.accept;
      if (accept !== undefined && !/application\/json|\*\/\*/.test(accept)) {
        return croError(406, null, 'Not Acceptable', 'Only application/json responses are available.');
      }
      return undefined;
    },
    error: (status, message) => croError(status, null, message, message),
    commonHeaders: () => ({ 'x-request-id': randomUUID() }),
  };
}

/**
 * CRO's documented error body, `{field, detail, explanation}`, and its human-readable status line
 * (`400 CreateCustomerModel.user_id: Unknown field.`).
 */
function croError(status: number, field: string | null, detail: string, explanation: string): SimResponse {
  return {
    status,
    statusText: field === null ? detail : `${field}: ${detail}`,
    body: { field, detail, explanation },
  };
}
