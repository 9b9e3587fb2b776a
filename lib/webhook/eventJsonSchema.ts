import * as z from '../zod.ts';
import { CustomerEventSchema } from '../events/schemas.ts';
import { MAX_EVENTS_PER_REQUEST } from './parseWebhookEvents.ts';

/** Where the generated schema is committed (relative to the project root). */
export const EVENT_SCHEMA_PATH = 'docs/customer-event.schema.json';

/**
 * The JSON Schema (draft 2020-12) of what the webhook accepts — one customer CloudEvent or an array of
 * 1–10 — generated from the ONE zod schema (`lib/events/schemas.ts`) with `z.toJSONSchema`, as the text
 * committed at {@link EVENT_SCHEMA_PATH} (`npm run gen-schema`; a test fails when it is out of date).
 *
 * @example
 * await writeFile(EVENT_SCHEMA_PATH, customerEventJsonSchemaText());
 */
export function customerEventJsonSchemaText(): string {
  const event = z.toJSONSchema(CustomerEventSchema, { io: 'input', target: 'draft-2020-12' });
  const { $schema, ...eventSchema } = event;
  const schema = {
    $schema,
    $id: 'https://github.com/crm-sync/crm-sync/docs/customer-event.schema.json',
    title: 'crm-sync customer event (webhook body)',
    description:
      'A CloudEvents 1.0 structured-mode "customer changed" event (docs/events.md#event), or a JSON array of ' +
      `1–${MAX_EVENTS_PER_REQUEST} of them. Generated from lib/events/schemas.ts by scripts/gen-schema.ts; do not edit.`,
    $defs: { CustomerEvent: eventSchema },
    anyOf: [
      { $ref: '#/$defs/CustomerEvent' },
      {
        type: 'array',
        minItems: 1,
        maxItems: MAX_EVENTS_PER_REQUEST,
        items: { $ref: '#/$defs/CustomerEvent' },
      },
    ],
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
