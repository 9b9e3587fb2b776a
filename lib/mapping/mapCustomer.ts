import type { CroCustomer } from '../crm/schemas.ts';
import { IcUpdateCustomerSchema, type IcUpdateCustomer } from '../invisible-collector/schemas.ts';
import { MappingError } from './errors.ts';
import { FIELD_TABLE, externalIdOf, type FieldContext } from './fieldTable.ts';
import { mapAttributes } from './mapAttributes.ts';
import { selectSources } from './selectSources.ts';
import { normaliseSourceTimestamp } from './sourceTimestamp.ts';

/** What the mapping reads: the CRO customer plus the event's extras (docs/events.md#event). */
export interface MappingInput {
  tenantId: number;
  customerId: number;
  customer: CroCustomer;
  vatNumber?: string;
  locale?: string;
  attributes?: Readonly<Record<string, unknown>>;
}

/** Deployment fallbacks (`DEFAULT_COUNTRY`, `DEFAULT_LOCALE`). */
export interface MappingFallbacks {
  defaultCountry?: string;
  defaultLocale?: string;
}

/** An Invisible Collector customer ready to be written. */
export interface MappedCustomer {
  /** `cro-<tenantId>-<customerId>`. */
  externalId: string;
  /** Body for `PUT /customers/{id}` (valid `IcUpdateCustomer`): no gid; `vatNumber` only when the event had one. */
  document: IcUpdateCustomer;
  /** The event's VAT number (needed only to register a new customer). */
  vatNumber?: string;
  /** Custom attributes, non-empty keys and values, including the `cro_*` keys. */
  attributes: Record<string, string>;
  /**
   * CRO's `last_updated_on` in canonical UTC form (`normaliseSourceTimestamp`), comparable as a string;
   * absent when CRO gave none (then a snapshot can never be proven fresh).
   */
  sourceUpdatedAt?: string;
}

/**
 * Maps a CRO customer to an Invisible Collector customer and its attributes with the declarative
 * {@link FIELD_TABLE} (docs/events.md#mapping). The result always passes `IcUpdateCustomerSchema`; otherwise a
 * permanent {@link MappingError} says which field and why (`missing-country`, or `ic-validation` when a
 * CRO value breaks an IC limit).
 *
 * @example
 * const mapped = mapCustomer(
 *   { tenantId: 42, customerId: 1, customer, vatNumber: 'PT543219876', locale: 'pt-PT' },
 *   { defaultCountry: 'PT' },
 * );
 * mapped.document; // { externalId: 'cro-42-1', name: 'George Jones', country: 'PT', locale: 'pt', ... }
 */
export function mapCustomer(input: MappingInput, fallbacks: MappingFallbacks = {}): MappedCustomer {
  const context: FieldContext = {
    sources: selectSources(input.customer),
    tenantId: input.tenantId,
    customerId: input.customerId,
    ...definedOnly({
      vatNumber: input.vatNumber,
      locale: input.locale,
      defaultCountry: fallbacks.defaultCountry,
      defaultLocale: fallbacks.defaultLocale,
    }),
  };
  const draft: Record<string, string> = {};
  for (const rule of FIELD_TABLE) {
    const value = rule.read(context);
    if (value !== undefined) draft[rule.field] = value;
  }
  const document = validate(draft);
  const sourceUpdatedAt = normaliseSourceTimestamp(input.customer.last_updated_on);
  return {
    externalId: externalIdOf(input.tenantId, input.customerId),
    document,
    ...(document.vatNumber !== undefined && { vatNumber: document.vatNumber }),
    attributes: mapAttributes(input.attributes, {
      tenantId: input.tenantId,
      customerId: input.customerId,
      lastUpdatedOn: input.customer.last_updated_on,
    }),
    ...(sourceUpdatedAt !== undefined && { sourceUpdatedAt }),
  };
}

// The IC client validates again before sending; checking here turns a CRO value that IC would refuse
// into a precise permanent error before any call is made.
function validate(draft: Record<string, string>): IcUpdateCustomer {
  const result = IcUpdateCustomerSchema.safeParse(draft);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new MappingError('ic-validation', issue.path.map(String).join('.'), issue.message);
}

function definedOnly<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
