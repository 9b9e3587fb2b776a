import { createHash } from 'node:crypto';
import * as z from '../zod.ts';
import type { CustomerEvent } from '../events/schemas.ts';
import { normaliseSourceTimestamp } from '../mapping/sourceTimestamp.ts';
import { WebhookPayloadError } from './errors.ts';
import type { AcceptedEvent } from './parseWebhookEvents.ts';

const id = z.union([
  z.number().check(z.int(), z.positive()),
  z.pipe(z.string().check(z.regex(/^\d{1,15}$/)), z.transform(Number)),
]);
const optionalId = z.optional(id);
const holder = z.looseObject({ id: optionalId, customer_id: optionalId, customerId: optionalId });
/** A field that is dropped (`undefined`) rather than failing the payload when it has an unexpected shape. */
const lenient = <T extends z.ZodMiniType>(schema: T) => z.catch(z.optional(schema), undefined);

/**
 * CRO's hook payload is not documented: this tolerant schema looks for the customer id in the usual places —
 * `customer_id` / `customerId` / `id` at the top level, or inside `customer`, `data`, `object`, `resource`,
 * `payload` — and for an optional tenant and change timestamp. Everything else is ignored: the sync reads
 * the customer's current state from CRO anyway.
 */
const CroHookPayloadSchema = z.looseObject({
  ...holder.shape,
  customer: lenient(holder),
  data: lenient(holder),
  object: lenient(holder),
  resource: lenient(holder),
  payload: lenient(holder),
  tenant_id: lenient(id),
  tenantId: lenient(id),
  last_updated_on: lenient(z.string()),
  updated_on: lenient(z.string()),
});

type Holder = z.infer<typeof holder>;

function customerIdOf(payload: z.infer<typeof CroHookPayloadSchema>): number | undefined {
  const nested: Array<Holder | undefined> = [
    payload.customer,
    payload.data,
    payload.object,
    payload.resource,
    payload.payload,
  ];
  const fromNested = nested.map((h) => h?.customer_id ?? h?.customerId ?? h?.id).find((v) => v !== undefined);
  return payload.customer_id ?? payload.customerId ?? fromNested ?? payload.id;
}

/** What identifies one CRO-native delivery. */
export interface CroDeliveryIds {
  /** CRO's delivery id header, when CRO sends one (the same on a redelivery). */
  deliveryId?: string;
  /** The id of the HTTP request that carried it (API Gateway's `requestContext.requestId`): unique per request. */
  requestId: string;
}

/**
 * Turns a CRO-native webhook delivery into a `crm.customer.updated` CloudEvent for `tenantId`. The event id
 * is `cro-` + SHA-256 of the delivery id header when CRO sends one, so a redelivery of the same
 * notification becomes the same event and is deduplicated downstream; without it, of the request id. Never of
 * the body: two changes of one customer can arrive with identical bodies (`{"customer_id": 7}`), and sharing
 * an id would drop the later one as a duplicate. A resent request without a delivery id costs one more sync,
 * which reads CRO's current state and writes nothing that did not change.
 * Throws {@link WebhookPayloadError} (400) when no customer id can be found or the payload names another tenant.
 *
 * @example
 * croDeliveryToEvent(Buffer.from('{"id":7}'), { requestId: 'r-1' }, 42).event.data; // { tenantId: 42, customerId: 7 }
 */
export function croDeliveryToEvent(rawBody: Buffer, ids: CroDeliveryIds, tenantId: number): AcceptedEvent {
  let value: unknown;
  try {
    value = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new WebhookPayloadError('body is not valid JSON', [{ path: '(root)', message: 'not valid JSON' }]);
  }
  const parsed = CroHookPayloadSchema.safeParse(value);
  const customerId = parsed.success ? customerIdOf(parsed.data) : undefined;
  if (!parsed.success || customerId === undefined) {
    throw new WebhookPayloadError('no customer id in the CRO payload', [
      {
        path: 'customer_id',
        message: 'expected a customer id (customer_id, customerId, id, customer.id, data.id)',
      },
    ]);
  }
  const payloadTenant = parsed.data.tenant_id ?? parsed.data.tenantId;
  if (payloadTenant !== undefined && payloadTenant !== tenantId) {
    throw new WebhookPayloadError('invalid CRO payload', [
      { path: 'tenant_id', message: 'is not the tenant this endpoint serves' },
    ]);
  }
  const seed =
    ids.deliveryId !== undefined && ids.deliveryId !== ''
      ? `delivery:${ids.deliveryId}`
      : `request:${ids.requestId}`;
  const time = normaliseSourceTimestamp(parsed.data.last_updated_on ?? parsed.data.updated_on);
  const event: CustomerEvent = {
    specversion: '1.0',
    id: `cro-${createHash('sha256').update(seed).digest('hex')}`,
    source: `cro-software/tenants/${tenantId}`,
    type: 'crm.customer.updated',
    ...(time !== undefined && { time }),
    subject: `customers/${customerId}`,
    datacontenttype: 'application/json',
    data: { tenantId, customerId },
  };
  return { event, body: JSON.stringify(event) };
}
