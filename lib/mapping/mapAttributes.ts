/** Attribute keys the sync always sets; they win over event attributes of the same name. */
export const CRO_ATTRIBUTE_KEYS = {
  customerId: 'cro_customer_id',
  tenantId: 'cro_tenant_id',
  lastUpdatedOn: 'cro_last_updated_on',
} as const;

/**
 * Invisible Collector custom attributes (docs/events.md#mapping): the event's `data.attributes` without empty keys
 * or values (keys and values trimmed; numbers and booleans written as text, anything else dropped), plus
 * `cro_customer_id`, `cro_tenant_id` and, when CRO gave one, `cro_last_updated_on`.
 *
 * @example
 * mapAttributes({ segment: 'enterprise', '': 'x' }, { tenantId: 42, customerId: 1 });
 * // { segment: 'enterprise', cro_customer_id: '1', cro_tenant_id: '42' }
 */
export function mapAttributes(
  attributes: Readonly<Record<string, unknown>> | undefined,
  cro: { tenantId: number; customerId: number; lastUpdatedOn?: string | null },
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rawKey, rawValue] of Object.entries(attributes ?? {})) {
    const key = rawKey.trim();
    const value = attributeText(rawValue);
    if (key !== '' && value !== undefined) out[key] = value;
  }
  out[CRO_ATTRIBUTE_KEYS.customerId] = String(cro.customerId);
  out[CRO_ATTRIBUTE_KEYS.tenantId] = String(cro.tenantId);
  const lastUpdatedOn = cro.lastUpdatedOn?.trim();
  if (lastUpdatedOn !== undefined && lastUpdatedOn !== '')
    out[CRO_ATTRIBUTE_KEYS.lastUpdatedOn] = lastUpdatedOn;
  return out;
}

function attributeText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}
