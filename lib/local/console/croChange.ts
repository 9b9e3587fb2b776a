import type { CroCustomer } from '../../crm/schemas.ts';
import * as z from '../../zod.ts';

const text = (max: number) => z.string().check(z.trim(), z.maxLength(max));

/**
 * A change to a CRO customer as the console and `crm-sync local cro set` make it: the name, the billing
 * address and the first contact (where the sync reads them), and what the producer puts in the event —
 * CRO's CustomerModel has no VAT field, so the VAT number travels in `data.vatNumber`, like the locale.
 */
export const CroChangeSchema = z.strictObject({
  name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(64))),
  email: z.optional(text(320)),
  phone: z.optional(text(40)),
  address: z.optional(text(200)),
  postcode: z.optional(text(20)),
  city: z.optional(text(100)),
  country: z.optional(z.string().check(z.trim(), z.toUpperCase(), z.regex(/^([A-Z]{2})?$/))),
  vatNumber: z.optional(text(64)),
  locale: z.optional(text(16)),
});

export type CroChange = z.infer<typeof CroChangeSchema>;

/** The fields of a change that belong to the customer model (the rest go into the event). */
export type CroModelChange = Omit<CroChange, 'vatNumber' | 'locale'>;

/**
 * `customer` with `change` applied where a CRO user would make it: `name`; `address`, `postcode`, `city`,
 * `country` on the active billing address (else the first; one is added when there is none); `email`, `phone`
 * on the first contact (added when there is none). An empty string clears a field. Timestamps are left to
 * the simulator, which bumps `last_updated_on` as CRO does.
 *
 * @example
 * applyCroChange(croCustomer({ id: 1 }), { city: 'Porto', email: 'ana@example.com' });
 */
export function applyCroChange(customer: CroCustomer, change: CroModelChange): CroCustomer {
  const next = structuredClone(customer);
  if (change.name !== undefined) next.name = change.name;
  const touchesAddress = [change.address, change.postcode, change.city, change.country].some(
    (value) => value !== undefined,
  );
  if (touchesAddress) {
    let address = next.addresses.find((a) => a.is_active && a.is_billing) ?? next.addresses[0];
    if (address === undefined) {
      address = { id: 1, is_active: true, is_billing: true, country: null, line_1: null };
      next.addresses.push(address);
    }
    if (change.address !== undefined) address.line_1 = orNull(change.address);
    if (change.postcode !== undefined) address.postcode = orNull(change.postcode);
    if (change.city !== undefined) address.locality = orNull(change.city);
    if (change.country !== undefined) address.country = orNull(change.country);
  }
  if (change.email !== undefined || change.phone !== undefined) {
    let contact = next.contacts[0];
    if (contact === undefined) {
      contact = { id: 1, name: next.name, email: null, number: null };
      next.contacts.push(contact);
    }
    if (change.email !== undefined) contact.email = orNull(change.email);
    if (change.phone !== undefined) contact.number = orNull(change.phone);
  }
  return next;
}

function orNull(value: string): string | null {
  return value === '' ? null : value;
}
