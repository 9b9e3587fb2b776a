import * as z from '../zod.ts';
import { RequestValidationError } from '../http/errors.ts';
import { HttpClient, type HttpClientOptions } from '../http/HttpClient.ts';
import { toIssues } from '../zodIssues.ts';
import type { CallOptions } from '../http/types.ts';
import { type CroCustomer, CroCustomerSchema } from './schemas.ts';
import type { CroApi } from './types.ts';

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

/**
 * The CRO Software API client: `GET /customers/{id}` with `Authorization: Bearer`, `x-tenant-id` and
 * `x-api-version`, through the same `HttpClient` (typed errors, retries, deadline, token refresh) as the
 * Invisible Collector client. A 404 is an `ApiNotFoundError` with reason `crm-not-found`.
 *
 * @example
 * const cro = new CroClient({ baseUrl: config.crmApiUrl, tenantId: 42, tokenProvider: credentials.crmToken });
 * const customer = await cro.getCustomer(1, { deadline });
 */
export class CroClient implements CroApi {
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
}
