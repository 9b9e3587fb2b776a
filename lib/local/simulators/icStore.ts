import { randomUUID } from 'node:crypto';

/** The writable fields of an Invisible Collector customer, as the simulator stores them. */
export const IC_CUSTOMER_FIELDS = [
  'name',
  'externalId',
  'vatNumber',
  'address',
  'zipCode',
  'city',
  'country',
  'email',
  'phone',
  'mobile',
  'locale',
] as const;
export type IcCustomerField = (typeof IC_CUSTOMER_FIELDS)[number];

/** A customer held by the simulator: only the fields that were set, plus its gid. */
export type SimIcCustomer = { gid: string } & Partial<Record<IcCustomerField, string>>;
/** What `seed` accepts: a customer without gid (a gid may be given to pin it). */
export type SimIcCustomerInput = Partial<Record<IcCustomerField, string>> & { gid?: string };

/** In-memory customers and attributes, looked up by gid or externalId like the real API. */
export class IcStore {
  readonly #customers = new Map<string, SimIcCustomer>();
  readonly #attributes = new Map<string, Record<string, string>>();

  all(): SimIcCustomer[] {
    return [...this.#customers.values()].map((c) => ({ ...c }));
  }

  /** By gid first, then by externalId (the API accepts either in `:id`). */
  find(id: string): SimIcCustomer | undefined {
    const byGid = this.#customers.get(id);
    if (byGid) return byGid;
    return [...this.#customers.values()].find((c) => c.externalId === id);
  }

  findByVat(vatNumber: string): SimIcCustomer | undefined {
    return [...this.#customers.values()].find((c) => c.vatNumber === vatNumber);
  }

  insert(fields: SimIcCustomerInput): SimIcCustomer {
    const customer: SimIcCustomer = { ...pickFields(fields), gid: fields.gid ?? randomUUID() };
    this.#customers.set(customer.gid, customer);
    this.#attributes.set(customer.gid, {});
    return customer;
  }

  /** Applies the given fields over the stored ones (fields not sent are kept). */
  update(gid: string, fields: SimIcCustomerInput): SimIcCustomer {
    const customer = { ...this.#customers.get(gid)!, ...pickFields(fields), gid };
    this.#customers.set(gid, customer);
    return customer;
  }

  attributes(gid: string): Record<string, string> {
    return { ...this.#attributes.get(gid) };
  }

  mergeAttributes(gid: string, attributes: Record<string, string>): Record<string, string> {
    const merged = { ...this.#attributes.get(gid), ...attributes };
    this.#attributes.set(gid, merged);
    return { ...merged };
  }
}

/** Copies only known customer fields that hold a string (the API ignores anything else). */
export function pickFields(input: Record<string, unknown>): Partial<Record<IcCustomerField, string>> {
  const out: Partial<Record<IcCustomerField, string>> = {};
  for (const field of IC_CUSTOMER_FIELDS) {
    const value = input[field];
    if (typeof value === 'string') out[field] = value;
  }
  return out;
}
