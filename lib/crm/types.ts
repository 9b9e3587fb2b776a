import type { CallOptions } from '../http/types.ts';
import type { CroCustomer } from './schemas.ts';

/** The CRO Software API client (implemented in `CroClient.ts`). */
export interface CroApi {
  /** `GET /customers/{id}` with `x-tenant-id`; 404 → a permanent not-found error. */
  getCustomer(customerId: number, options?: CallOptions): Promise<CroCustomer>;
}
