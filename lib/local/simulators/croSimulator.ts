import { randomUUID } from 'node:crypto';
import type { CroCustomer } from '../../crm/schemas.ts';
import { type SimResponse, type VendorShape, startSimulatorServer } from './SimulatorServer.ts';
import type { FaultOptions, SimulatorControls } from './types.ts';

/** The token the CRO simulator accepts unless told otherwise (JWT-shaped, as CRO's docs require). */
export const DEFAULT_CRO_TOKEN = 'cro-header.cro-payload.cro-signature';
/** The tenant the CRO simulator serves unless told otherwise. */
export const DEFAULT_CRO_TENANT = 42;

// The API versions CRO's docs list for `x-api-version`.
const API_VERSIONS = new Set([
  '2019/02/08',
  '2021/04/07',
  '2021/05/07',
  '2021/08/02',
  '2021/11/04',
  '2023/04/19',
]);

export interface CroSimulatorOptions {
  /** The only `x-tenant-id` accepted. @default DEFAULT_CRO_TENANT */
  tenantId?: number;
  /** @default [DEFAULT_CRO_TOKEN] */
  tokens?: string[];
  latencyMs?: number;
  faults?: FaultOptions;
  port?: number;
}

/** A running CRO Software simulator; see `startCroSimulator`. */
export interface CroSimulator extends SimulatorControls {
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
 * error bodies `{detail, explanation, title}` (or `{field, detail, explanation}` for a bad parameter).
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

  const controls = await startSimulatorServer({
    tokens: options.tokens ?? [DEFAULT_CRO_TOKEN],
    latencyMs: options.latencyMs,
    faults: options.faults,
    port: options.port,
    vendor: croVendor(tenantId),
    routes: [
      {
        method: 'GET',
        route: '/customers/:id',
        handle: (req) => {
          const raw = req.params.id ?? '';
          if (!/^\d+$/.test(raw)) {
            return fieldError('customer_id', 'Invalid value', 'Customer identifier must be an integer.');
          }
          const customer = get(Number(raw));
          if (!customer) return croError(404, 'Not Found', 'The requested customer does not exist.');
          return {
            status: 200,
            body: customer,
            headers: { 'x-api-version': req.headers['x-api-version'] ?? '2019/02/08' },
          };
        },
      },
    ],
  });

  return {
    ...controls,
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

function croVendor(tenantId: number): VendorShape {
  return {
    authorise(req, tokens) {
      const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      if (!match || !tokens.has(match[1]!)) {
        return croError(401, 'Unauthorized', 'A valid bearer access token is required.');
      }
      const tenant = req.headers['x-tenant-id'];
      if (tenant === undefined || !/^\d+$/.test(tenant)) {
        return fieldError('x-tenant-id', 'Invalid header', 'x-tenant-id is required and must be an integer.');
      }
      if (Number(tenant) !== tenantId) {
        return croError(403, 'Forbidden', 'You do not have access to this tenant.');
      }
      const version = req.headers['x-api-version'];
      if (version !== undefined && !API_VERSIONS.has(version)) {
        return fieldError('x-api-version', 'Invalid header', 'Must be a valid API version string.');
      }
      const accept = req.headers.accept;
      if (accept !== undefined && !/application\/json|\*\/\*/.test(accept)) {
        return croError(406, 'Not Acceptable', 'Only application/json responses are available.');
      }
      return undefined;
    },
    error: (status, message) => croError(status, message, message),
    commonHeaders: () => ({ 'x-request-id': randomUUID() }),
  };
}

/** `{detail, explanation, title}`: CRO's error body. */
function croError(status: number, title: string, explanation: string): SimResponse {
  return { status, body: { detail: title, explanation, title } };
}

/** `{field, detail, explanation}`: CRO's body for a bad parameter or header (400). */
function fieldError(field: string, detail: string, explanation: string): SimResponse {
  return { status: 400, body: { field, detail, explanation } };
}
