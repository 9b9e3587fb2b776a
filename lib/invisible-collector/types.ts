import type { CallOptions } from '../http/types.ts';
import type { IcAttributes, IcCustomer, IcRegisterCustomer, IcUpdateCustomer } from './schemas.ts';

/**
 * The shared Invisible Collector API client (implemented in `InvisibleCollectorClient.ts`).
 * Every method validates its request strictly before sending, retries transient failures, and
 * throws the typed errors of `errors.ts`.
 */
export interface InvisibleCollectorApi {
  /** `GET /customers/:id` (gid or externalId). Resolves `undefined` on 404 ("absent"). */
  findCustomer(id: string, options?: CallOptions): Promise<IcCustomer | undefined>;
  /** `PUT /customers/:id` — idempotent update; throws the not-found error on 404. */
  updateCustomer(id: string, customer: IcUpdateCustomer, options?: CallOptions): Promise<IcCustomer>;
  /** `POST /customers` — register; 409 → conflict error with the existing `gid` when the body has one. */
  registerCustomer(customer: IcRegisterCustomer, options?: CallOptions): Promise<IcCustomer>;
  /** `POST /customers/:id/attributes` — merges; empty keys/values are dropped before sending. Returns the full map. */
  setAttributes(id: string, attributes: Record<string, string>, options?: CallOptions): Promise<IcAttributes>;
  /** `GET /customers/find?externalId=&vat=&email=&phone=` — an array, empty when nothing matches. */
  searchCustomers(
    query: { externalId?: string; vat?: string; email?: string; phone?: string },
    options?: CallOptions,
  ): Promise<IcCustomer[]>;
}
