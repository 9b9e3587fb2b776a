import type { CroAddress, CroContact, CroCustomer } from '../crm/schemas.ts';

/** The parts of a CRO customer the field table reads from (docs/events.md#mapping). */
export interface MappingSources {
  customer: CroCustomer;
  /** The active billing address, else the first active address. */
  address?: CroAddress;
  /** First e-mail address of the first contact that has one. */
  email?: string;
  /** That contact's number, else the first contact's number. */
  phone?: string;
}

/** Invisible Collector's limits for the contact fields (see `IcUpdateCustomerSchema`). */
const EMAIL_MAX = 320;
const PHONE_MAX = 64;

/**
 * Picks the address and contact details the mapping uses.
 *
 * @example
 * selectSources(customer).address?.postcode;
 */
export function selectSources(customer: CroCustomer): MappingSources {
  const address = selectAddress(customer.addresses);
  const { email, phone } = selectContactDetails(customer.contacts);
  return {
    customer,
    ...(address !== undefined && { address }),
    ...(email !== undefined && { email }),
    ...(phone !== undefined && { phone }),
  };
}

/** The active billing address, else the first active one; inactive addresses are ignored. */
export function selectAddress(addresses: readonly CroAddress[]): CroAddress | undefined {
  const active = addresses.filter((address) => address.is_active);
  return active.find((address) => address.is_billing) ?? active[0];
}

/**
 * E-mail: the first address of the first contact that has one (CRO's `email` is a comma-separated list;
 * semicolons are tolerated; an entry without `@` or too long for IC is not an address).
 * Phone: that contact's `number`, else the first contact with a usable number.
 */
export function selectContactDetails(contacts: readonly CroContact[]): { email?: string; phone?: string } {
  let email: string | undefined;
  let emailContact: CroContact | undefined;
  for (const contact of contacts) {
    email = splitEmails(contact.email)[0];
    if (email !== undefined) {
      emailContact = contact;
      break;
    }
  }
  const phone =
    usablePhone(emailContact?.number) ??
    contacts.map((contact) => usablePhone(contact.number)).find((number) => number !== undefined);
  return { ...(email !== undefined && { email }), ...(phone !== undefined && { phone }) };
}

/** The plausible e-mail addresses in a CRO `email` list, in order. */
export function splitEmails(list: string | null | undefined): string[] {
  if (typeof list !== 'string') return [];
  return list
    .split(/[,;]/)
    .map((entry) => entry.trim())
    .filter((entry) => /^[^\s@]+@[^\s@]+$/.test(entry) && entry.length <= EMAIL_MAX);
}

function usablePhone(number: string | null | undefined): string | undefined {
  const trimmed = number?.trim();
  return trimmed !== undefined && trimmed !== '' && trimmed.length <= PHONE_MAX ? trimmed : undefined;
}
