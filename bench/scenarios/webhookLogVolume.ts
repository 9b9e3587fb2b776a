import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { Webhook } from 'standardwebhooks';
import { apiGatewayV2Event } from '../../lib/local/apiGatewayEvent.ts';
import { lambdaContext } from '../../lib/local/lambdaContext.ts';
import { customerEvent } from '../support/customerEvent.ts';
import type { StdoutSink } from '../support/stdoutSink.ts';
import { round } from '../support/stats.ts';
import { BenchError } from '../errors.ts';

/** What the webhook writes per accepted request. */
export interface WebhookLogVolume {
  requests: number;
  /** Structured log lines per request. */
  logBytes: number;
  /** EMF metric records per request. */
  emfBytes: number;
}

const BUNDLE = fileURLToPath(new URL('../../dist/functions/webhook/index.mjs', import.meta.url));

type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: ReturnType<typeof lambdaContext>,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * Bytes the bundled webhook writes per accepted request (one event, signed, put on the queue): its log line and
 * its EMF record, as CloudWatch Logs would ingest them. Imports the bundle in this process with its own
 * environment (the event queue of the services, a `file:` secret).
 *
 * @example
 * const volume = await measureWebhookLogVolume(sink, { queueUrl, tenantId: 42, requests: 50 });
 */
export async function measureWebhookLogVolume(
  sink: StdoutSink,
  options: { queueUrl: string; tenantId: number; requests: number },
): Promise<WebhookLogVolume> {
  const dir = mkdtempSync(join(tmpdir(), 'crm-sync-bench-webhook-'));
  try {
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const secretFile = join(dir, 'webhook-secret');
    writeFileSync(secretFile, secret);
    Object.assign(process.env, {
      QUEUE_URL: options.queueUrl,
      WEBHOOK_SECRET_ID: `file:${secretFile}`,
      CRM_TENANT_ID: String(options.tenantId),
      POWERTOOLS_SERVICE_NAME: 'webhook',
    });
    const { handler } = (await import(pathToFileURL(BUNDLE).href)) as { handler: HttpHandler };
    const signer = new Webhook(secret);
    let logBytes = 0;
    let emfBytes = 0;
    for (let i = 0; i < options.requests; i += 1) {
      const body = JSON.stringify(customerEvent({ customerId: 4_001 + i }));
      const id = `msg_${randomUUID()}`;
      const now = new Date();
      const event = apiGatewayV2Event({
        method: 'POST',
        path: '/webhook',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': signer.sign(id, now, body),
        },
        body: Buffer.from(body),
      });
      const before = { all: sink.bytes(), emf: sink.emfBytes() };
      sink.mute();
      let result: APIGatewayProxyStructuredResultV2;
      try {
        result = await handler(event, lambdaContext({ functionName: 'webhook', timeoutMs: 10_000 }));
      } finally {
        sink.unmute();
      }
      if (result.statusCode !== 202) throw new BenchError(`bench: the webhook answered ${result.statusCode}`);
      const emf = sink.emfBytes() - before.emf;
      emfBytes += emf;
      logBytes += sink.bytes() - before.all - emf;
    }
    return {
      requests: options.requests,
      logBytes: round(logBytes / options.requests, 0),
      emfBytes: round(emfBytes / options.requests, 0),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
