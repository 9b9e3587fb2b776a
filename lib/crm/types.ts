import type { CallOptions } from '../http/types.ts';
import type { CroCustomer, CroListedCustomer, CroLocation, CroPage } from './schemas.ts';

/** The CRO Software API client (implemented in `CroClient.ts`). */
export interface CroApi {
  /** `GET /customers/{id}` with `x-tenant-id`; 404 → a permanent not-found error. */
  getCustomer(customerId: number, options?: CallOptions): Promise<CroCustomer>;
}

/** Paging of a CRO list request. */
export interface CroPageQuery {
  /** From 1, at most 10,000. */
  pageIndex: number;
  /** 1..1000. */
  pageLimit: number;
}

/** Query of `GET /locations/{id}/customers` used by the reconciliation. */
export interface CroCustomerListQuery extends CroPageQuery {
  /** `last_updated_gte`: only customers updated after it (CRO's zone-less UTC form). */
  lastUpdatedGte?: string;
}

/** The list endpoints of the CRO API (implemented in `CroClient.ts`). */
export interface CroListApi {
  /** `GET /locations`: one page of LocationModels. */
  listLocations(query: CroPageQuery, options?: CallOptions): Promise<CroPage<CroLocation>>;
  /** `GET /locations/{id}/customers`: one page of CustomerModels. */
  listLocationCustomers(
    locationId: number,
    query: CroCustomerListQuery,
    options?: CallOptions,
  ): Promise<CroPage<CroListedCustomer>>;
}
