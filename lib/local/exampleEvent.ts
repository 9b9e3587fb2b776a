import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { customerEvent } from '../events/customerEvent.ts';
import type { CustomerEvent } from '../events/schemas.ts';

/**
 * A `crm.customer.updated` event for one of the local stack's seeded customers. It carries a VAT number so
 * the first sync can register the customer in Invisible Collector (IC requires one for a new customer).
 *
 * @example
 * const body = JSON.stringify(exampleEvent(42, 1));
 */
export function exampleEvent(tenantId: number, customerId: number): CustomerEvent {
  return customerEvent({
    tenantId,
    customerId,
    data: {
      vatNumber: `PT5${String(customerId).padStart(8, '0')}`,
      locale: 'pt-PT',
      attributes: { segment: 'local-example' },
    },
  });
}

/**
 * A shell snippet that signs and posts an event with `curl`, computing a fresh Standard Webhooks signature
 * with `openssl` (so it works whenever it is pasted, not only within the 5-minute tolerance).
 */
export function signedCurlExample(webhookUrl: string, secretFile: string, body: string): string {
  return [
    `BODY='${body.replace(/'/g, `'\\''`)}'`,
    `ID="msg_$(date +%s%N)"; TS="$(date +%s)"`,
    `KEY="$(cut -c7- ${secretFile} | base64 -d | od -An -vtx1 | tr -d ' \\n')"`,
    `SIG="$(printf '%s' "$ID.$TS.$BODY" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$KEY" -binary | base64)"`,
    `curl -sS -i -X POST '${webhookUrl}' -H 'content-type: application/json' \\`,
    `  -H "webhook-id: $ID" -H "webhook-timestamp: $TS" -H "webhook-signature: v1,$SIG" --data-raw "$BODY"`,
  ].join('\n');
}

/**
 * Posts `body` to the webhook as a producer does: Standard Webhooks headers signed with `secret` (a fresh
 * `msg_` id, now as the timestamp). Returns the answer's status and text.
 *
 * @example
 * const { status } = await postSigned(stack.webhookUrl, stack.webhookSecret, JSON.stringify(event));
 */
export async function postSigned(
  webhookUrl: string,
  secret: string,
  body: string,
): Promise<{ status: number; text: string; webhookId: string }> {
  const webhookId = `msg_${randomUUID()}`;
  const now = new Date();
  const response = await fetch(webhookUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': webhookId,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(webhookId, now, body),
    },
    body,
  });
  return { status: response.status, text: await response.text(), webhookId };
}
