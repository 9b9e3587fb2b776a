import * as z from '../zod.ts';
import { ApiNotFoundError, ApiValidationError, RequestValidationError } from '../http/errors.ts';
import { HttpClient, type HttpClientOptions } from '../http/HttpClient.ts';
import { toIssues } from '../zodIssues.ts';
import {
  type IcAttributes,
  IcAttributesResponseSchema,
  type IcCustomer,
  IcCustomerSchema,
  type IcRegisterCustomer,
  IcRegisterCustomerSchema,
  type IcUpdateCustomer,
  IcUpdateCustomerSchema,
} from './schemas.ts';
import type { CallOptions } from '../http/types.ts';
import type { InvisibleCollectorApi } from './types.ts';

/** Invisible Collector's production API. */
export const IC_DEFAULT_BASE_URL = 'https://api.invisiblecollector.com';

/** Options of `InvisibleCollectorClient`; everything but `tokenProvider` has a default. */
export interface InvisibleCollectorClientOptions extends Omit<
  HttpClientOptions,
  'api' | 'baseUrl' | 'headers'
> {
  /** @default IC_DEFAULT_BASE_URL */
  baseUrl?: string;
}

const CUSTOMER = '/customers/:id';
const ATTRIBUTES = '/customers/:id/attributes';
const IdSchema = z.string().check(z.trim(), z.minLength(1), z.maxLength(256));
const SEARCH_KEYS = ['externalId', 'vat', 'email', 'phone'] as const;

/**
 * The Invisible Collector API client. Requests are validated strictly before sending (a bad locale or
 * a missing country is a `RequestValidationError` and no HTTP call), `gid` is never sent, empty
 * attribute keys/values are dropped, ids are percent-encoded, responses are validated leniently.
 * Transient failures are retried by the shared `HttpClient`; errors are the typed `ApiError`s.
 *
 * @example
 * const ic = new InvisibleCollectorClient({ tokenProvider: credentials.invisibleCollectorToken });
 * const existing = await ic.findCustomer('cro-42-1', { deadline });
 * if (existing) await ic.updateCustomer(existing.gid, { name: 'Acme', country: 'PT' }, { deadline });
 */
export class InvisibleCollectorClient implements InvisibleCollectorApi {
  readonly #http: HttpClient;

  constructor(options: InvisibleCollectorClientOptions) {
    this.#http = new HttpClient({
      ...options,
      api: 'invisible-collector',
      baseUrl: options.baseUrl ?? IC_DEFAULT_BASE_URL,
    });
  }

  async findCustomer(id: string, options?: CallOptions): Promise<IcCustomer | undefined> {
    const path = customerPath(id, 'GET');
    try {
      return await this.#http.request({
        method: 'GET',
        path,
        route: CUSTOMER,
        schema: IcCustomerSchema,
        options,
      });
    } catch (error) {
      if (error instanceof ApiNotFoundError) return undefined;
      throw error;
    }
  }

  /**
   * `PUT /customers/:id`. An unknown id is an `ApiNotFoundError` whichever way IC says it: its documents list
   * only 401 and 422 for this endpoint, and the 404 comes from the vendor SDK's fixture
   * (`invisible-collector-ruby` `spec/fixtures/customer/not_found.json`: `{"code": 404, "message": "Customer
   * not found"}`). Should IC refuse an unknown id with a 400/422 instead, a `GET` (documented 404) tells
   * "unknown" from "refused": the sync then registers a new customer instead of dead-lettering it.
   */
  async updateCustomer(id: string, customer: IcUpdateCustomer, options?: CallOptions): Promise<IcCustomer> {
    const path = customerPath(id, 'PUT');
    const body = validate(IcUpdateCustomerSchema, withoutGid(customer), 'PUT', CUSTOMER);
    try {
      return await this.#http.request({
        method: 'PUT',
        path,
        route: CUSTOMER,
        body,
        schema: IcCustomerSchema,
        options,
      });
    } catch (error) {
      if (!(error instanceof ApiValidationError)) throw error;
      if ((await this.findCustomer(id, options)) !== undefined) throw error;
      throw new ApiNotFoundError(
        {
          api: 'invisible-collector',
          method: 'PUT',
          path,
          status: error.status,
          detail: 'no such customer (GET 404)',
        },
        { cause: error },
      );
    }
  }

  async registerCustomer(customer: IcRegisterCustomer, options?: CallOptions): Promise<IcCustomer> {
    const body = validate(IcRegisterCustomerSchema, withoutGid(customer), 'POST', '/customers');
    return this.#http.request({
      method: 'POST',
      path: '/customers',
      route: '/customers',
      body,
      schema: IcCustomerSchema,
      options,
    });
  }

  /** Merges `attributes` (empty keys/values dropped). Resolves `{}` without any request when nothing is left. */
  async setAttributes(
    id: string,
    attributes: Record<string, string>,
    options?: CallOptions,
  ): Promise<IcAttributes> {
    const path = `${customerPath(id, 'POST')}/attributes`;
    const body = nonEmptyAttributes(attributes);
    if (Object.keys(body).length === 0) return {};
    return this.#http.request({
      method: 'POST',
      path,
      route: ATTRIBUTES,
      body,
      schema: IcAttributesResponseSchema,
      options,
    });
  }

  async searchCustomers(
    query: { externalId?: string; vat?: string; email?: string; phone?: string },
    options?: CallOptions,
  ): Promise<IcCustomer[]> {
    const given = Object.fromEntries(
      SEARCH_KEYS.map((key) => [key, query[key]?.trim()]).filter(
        ([, value]) => value !== undefined && value !== '',
      ),
    ) as Record<string, string>;
    if (Object.keys(given).length === 0) {
      throw requestError('GET', '/customers/find', [
        { path: '(root)', message: `at least one of ${SEARCH_KEYS.join(', ')} is required` },
      ]);
    }
    return this.#http.request({
      method: 'GET',
      path: '/customers/find',
      route: '/customers/find',
      query: given,
      schema: z.array(IcCustomerSchema),
      options,
    });
  }
}

function customerPath(id: string, method: string): string {
  const parsed = IdSchema.safeParse(id);
  if (!parsed.success) throw requestError(method, CUSTOMER, toIssues(parsed.error.issues).map(asId));
  return `/customers/${encodeURIComponent(parsed.data)}`;
}

function asId(issue: { path: string; message: string }) {
  return { path: 'id', message: issue.message };
}

function validate<T>(schema: z.ZodMiniType<T>, value: unknown, method: string, route: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw requestError(method, route, toIssues(parsed.error.issues));
  return parsed.data;
}

function requestError(method: string, route: string, issues: Array<{ path: string; message: string }>) {
  return new RequestValidationError({ api: 'invisible-collector', method, path: route }, issues);
}

/** gid is read-only in IC and routes the request; it never goes in a body. */
function withoutGid(customer: object): Record<string, unknown> {
  const { gid: _gid, ...rest } = customer as Record<string, unknown>;
  return rest;
}

/** IC rejects empty keys or values (docs: POST /customers/:id/attributes), so they are dropped here. */
function nonEmptyAttributes(attributes: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  const issues: Array<{ path: string; message: string }> = [];
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') {
      issues.push({ path: key.trim() === '' ? '(empty key)' : key, message: 'must be a string' });
      continue;
    }
    if (key.trim() !== '' && value.trim() !== '') out[key] = value;
  }
  if (issues.length > 0) throw requestError('POST', ATTRIBUTES, issues);
  return out;
}
