// A webhook test bench on real parts: fauxqs (queue + DLQ), the real `handleWebhook` behind the API Gateway
// event adapter (the same conversion the Lambda handler does), and a `file:` webhook secret.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { GetQueueAttributesCommand, type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { loadWebhookConfig } from '../../../lib/config/webhook.ts';
import { apiGatewayV2Event } from '../../../lib/local/apiGatewayEvent.ts';
import { type LocalSqs, startLocalSqs } from '../../../lib/local/localSqs.ts';
import { CapturingFormatter } from '../../helpers/CapturingFormatter.ts';
import { fromApiGatewayEvent, toApiGatewayResult } from '../../../lib/webhook/apiGateway.ts';
import { createWebhookDeps } from '../../../lib/webhook/createWebhookDeps.ts';
import { handleWebhook } from '../../../lib/webhook/handleWebhook.ts';
import type { WebhookDeps } from '../../../lib/webhook/types.ts';
import { newWebhookSecret } from '../../helpers/signWebhook.ts';
import { TENANT } from '../../unit/lib/webhook/events.ts';

export interface WebhookBench {
  local: LocalSqs;
  secret: string;
  /** Rewrites the secret file (rotation: `file:` secrets are read on every cold fetch). */
  setSecrets(secrets: string[]): void;
  deps: WebhookDeps;
  logs: Array<Record<string, unknown>>;
  /** Posts a request through the API Gateway adapter; the parsed response. */
  post(
    body: string | Buffer,
    headers: Record<string, string>,
    options?: { method?: string; queueUrl?: string; contentType?: string },
  ): Promise<{ status: number; headers: Record<string, string>; body: Record<string, unknown> }>;
  /** Receives (and deletes nothing) everything visible on a queue. */
  receiveAll(queueUrl?: string): Promise<Message[]>;
  messageCount(queueUrl?: string): Promise<number>;
  stop(): Promise<void>;
}

/** `http://127.0.0.1:PORT/000000000000/<name>`: a queue URL the emulator accepts and `new URL()` parses. */
export function pathStyleUrl(local: LocalSqs, name: string): string {
  return `${local.endpoint}/000000000000/${name}`;
}

export async function startWebhookBench(): Promise<WebhookBench> {
  const local = await startLocalSqs({ visibilityTimeoutSeconds: 30 });
  try {
    return await buildBench(local);
  } catch (error) {
    await local.stop();
    throw error;
  }
}

async function buildBench(local: LocalSqs): Promise<WebhookBench> {
  const dir = mkdtempSync(join(tmpdir(), 'crm-sync-webhook-'));
  const secretFile = join(dir, 'webhook-secret');
  const secret = newWebhookSecret();
  const setSecrets = (secrets: string[]) => writeFileSync(secretFile, secrets.join(' '));
  setSecrets([secret]);
  const formatter = new CapturingFormatter();
  const logger = new Logger({ serviceName: 'webhook', logFormatter: formatter });
  // Powertools prints through its own Console on process.stdout: silenced, the formatter keeps the lines.
  (logger as unknown as { console: unknown }).console = new Proxy({}, { get: () => () => undefined });
  const config = loadWebhookConfig({
    // fauxqs's own URLs (sqs.<region>.127.0.0.1) are not valid URLs; it also accepts path-style ones.
    QUEUE_URL: pathStyleUrl(local, local.queue.name),
    WEBHOOK_SECRET_ID: `file:${secretFile}`,
    CRM_TENANT_ID: String(TENANT),
  });
  const deps = createWebhookDeps(config, {
    logger,
    metrics: { accepted: () => undefined, rejected: () => undefined },
    sqs: local.sqs,
  });
  return {
    local,
    secret,
    setSecrets,
    deps,
    logs: formatter.lines,
    async post(body, headers, options = {}) {
      const event = apiGatewayV2Event({
        method: options.method ?? 'POST',
        path: '/webhook',
        headers: { 'content-type': options.contentType ?? 'application/json', ...headers },
        body: Buffer.isBuffer(body) ? body : Buffer.from(body),
      });
      const result: APIGatewayProxyStructuredResultV2 = toApiGatewayResult(
        await handleWebhook(fromApiGatewayEvent(event), {
          ...deps,
          queueUrl: options.queueUrl ?? deps.queueUrl,
        }),
      );
      return {
        status: result.statusCode!,
        headers: result.headers as Record<string, string>,
        body: JSON.parse(result.body!) as Record<string, unknown>,
      };
    },
    async receiveAll(queueUrl = local.queue.url) {
      const all: Message[] = [];
      for (;;) {
        const { Messages = [] } = await local.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            MessageSystemAttributeNames: ['All'],
          }),
        );
        if (Messages.length === 0) return all;
        all.push(...Messages);
      }
    },
    async messageCount(queueUrl = local.queue.url) {
      const { Attributes } = await local.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return (
        Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
        Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
      );
    },
    async stop() {
      await local.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
