import * as z from '../zod.ts';
import { RequestValidationError } from '../http/errors.ts';
import { HttpClient, type HttpClientOptions } from '../http/HttpClient.ts';
import { toIssues } from '../zodIssues.ts';
import type { CallOptions } from '../http/types.ts';
import {
  CRO_LIST_CAPS,
  type CroCustomer,
  CroCustomerPageSchema,
  CroCustomerSchema,
  type CroListedCustomer,
  type CroLocation,
  CroLocationPageSchema,
  type CroPage,
} from './schemas.ts';
import type { CroApi, CroCustomerListQuery, CroListApi, CroPageQuery } from './types.ts';

/**
 * The API version the CustomerModel in `schemas.ts` was written against (the vendor page's sample).
 * Pinned by default so a change of CRO's default version cannot silently change the payload.
 */
export const CRO_DEFAULT_API_VERSION = '2019/02/08';

/** Options of `CroClient`. */
export interface CroClientOptions extends Omit<HttpClientOptions, 'api' | 'headers'> {
  /** The CRO tenant (`x-tenant-id`). */
  tenantId: number;
  /** `x-api-version` header; `null` sends none (CRO's default version). @default CRO_DEFAULT_API_VERSION */
  apiVersion?: string | null;
}

const CustomerIdSchema = z.number().check(z.int(), z.positive(), z.lte(Number.MAX_SAFE_INTEGER));
const PageQuerySchema = z.object({
  locationId: z.optional(z.number().check(z.int(), z.positive(), z.lte(Number.MAX_SAFE_INTEGER))),
  pageIndex: z.number().check(z.int(), z.gte(1), z.lte(CRO_LIST_CAPS.pageIndex)),
  pageLimit: z.number().check(z.int(), z.gte(1), z.lte(CRO_LIST_CAPS.pageLimit)),
  lastUpdatedGte: z.optional(z.string().check(z.minLength(1))),
});

/**
 * The CRO Software API client: `GET /customers/{id}` and the list endpoints (`GET /locations`,
 * `GET /locations/{id}/customers`) with `Authorization: Bearer`, `x-tenant-id` and `x-api-version`, through
 * the same `HttpClient` (typed errors, retries, deadline, token refresh) as the Invisible Collector client.
 * A 404 is an `ApiNotFoundError` with reason `crm-not-found`. Paging arguments outside CRO's documented
 * limits (`page_index` 1..10,000, `page_limit` 1..1000) are refused before any request.
 *
 * @example
 * const cro = new CroClient({ baseUrl: config.crmApiUrl, tenantId: 42, tokenProvider: credentials.crmToken });
 * const customer = await cro.getCustomer(1, { deadline });
 */
export class CroClient implements CroApi, CroListApi {
  readonly #http: HttpClient;

  constructor(options: CroClientOptions) {
    if (!Number.isSafeInteger(options.tenantId) || options.tenantId < 0) {
      throw new TypeError('CroClient: tenantId must be a non-negative integer');
    }
    const apiVersion = options.apiVersion === undefined ? CRO_DEFAULT_API_VERSION : options.apiVersion;
    this.#http = new HttpClient({
      ...options,
      api: 'cro',
      headers: {
        'x-tenant-id': String(options.tenantId),
        ...(apiVersion === null ? {} : { 'x-api-version': apiVersion }),
      },
    });
  }

  async getCustomer(customerId: number, options?: CallOptions): Promise<CroCustomer> {
    const parsed = CustomerIdSchema.safeParse(customerId);
    if (!parsed.success) {
      const issues = toIssues(parsed.error.issues).map((i) => ({ ...i, path: 'customerId' }));
      throw new RequestValidationError({ api: 'cro', method: 'GET', path: '/customers/:id' }, issues);
    }
    return this.#http.request({
      method: 'GET',
      path: `/customers/${parsed.data}`,
      route: '/customers/:id',
      schema: CroCustomerSchema,
      options,
    });
  }

  async listLocations(query: CroPageQuery, options?: CallOptions): Promise<CroPage<CroLocation>> {
    const valid = validPage({ ...query }, '/locations');
    return this.#http.request({
      method: 'GET',
      path: '/locations',
      route: '/locations',
      query: { page_index: String(valid.pageIndex), page_limit: String(valid.pageLimit) },
      schema: CroLocationPageSchema,
      options,
    });
  }

  async listLocationCustomers(
    locationId: number,
    query: CroCustomerListQuery,
    options?: CallOptions,
  ): Promise<CroPage<CroListedCustomer>> {
    const route = '/locations/:id/customers';
    const valid = validPage({ ...query, locationId }, route);
    return this.#http.request({
      method: 'GET',
      path: `/locations/${valid.locationId}/customers`,
      route,
      query: {
        page_index: String(valid.pageIndex),
        page_limit: String(valid.pageLimit),
        last_updated_gte: valid.lastUpdatedGte,
      },
      schema: CroCustomerPageSchema,
      options,
    });
  }
}

function validPage(input: z.input<typeof PageQuerySchema>, route: string): z.infer<typeof PageQuerySchema> {
  const parsed = PageQuerySchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new RequestValidationError({ api: 'cro', method: 'GET', path: route }, toIssues(parsed.error.issues));
}
