import { SecretError } from '../secrets/errors.ts';
import { WebhookSignatureError, WebhookUnavailableError } from './errors.ts';
import type { WebhookDeps, WebhookRequest } from './types.ts';
import { verifyCroSignature } from './verifyCroSignature.ts';
import { verifyStandardSignature } from './verifyStandardSignature.ts';

/** How a request was authenticated: which scheme, and the delivery id to log and dedupe on. */
export type Verified =
  { scheme: 'standard-webhooks'; webhookId: string } | { scheme: 'cro'; deliveryId: string | undefined };

/**
 * Authenticates a request: Standard Webhooks when `webhook-signature` is present, else CRO's own signature
 * header, else 401. A signature that matches no cached secret is checked once more against freshly read
 * secrets (the secret may have just been rotated). An unreadable secret is a 503 (the sender retries), not a 401.
 *
 * @example
 * const verified = await verifyRequest(request, deps); // { scheme: 'standard-webhooks', webhookId: 'msg_1' }
 */
export async function verifyRequest(
  request: WebhookRequest,
  deps: Pick<WebhookDeps, 'secrets' | 'cro'>,
): Promise<Verified> {
  const { headers } = request;
  const croSignature = headers[deps.cro.signatureHeader];
  let check: (secrets: readonly string[]) => Verified;
  if (headers['webhook-signature'] !== undefined || croSignature === undefined) {
    const text = request.body.toString('utf8');
    check = (secrets) => ({
      scheme: 'standard-webhooks',
      webhookId: verifyStandardSignature(text, headers, secrets),
    });
  } else {
    check = (secrets) => {
      verifyCroSignature(request.body, croSignature, secrets, deps.cro.encoding);
      return { scheme: 'cro', deliveryId: headers[deps.cro.deliveryIdHeader] };
    };
  }
  try {
    return check(await readSecrets(deps, false));
  } catch (error) {
    if (!(error instanceof WebhookSignatureError && error.mismatch)) throw error;
    return check(await readSecrets(deps, true));
  }
}

async function readSecrets(deps: Pick<WebhookDeps, 'secrets'>, forceRefresh: boolean): Promise<string[]> {
  try {
    return await deps.secrets({ forceRefresh });
  } catch (error) {
    const detail = error instanceof SecretError ? error.message : 'webhook secret cannot be read';
    throw new WebhookUnavailableError(detail, error);
  }
}
