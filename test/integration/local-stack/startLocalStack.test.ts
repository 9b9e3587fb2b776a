// The whole round trip through the local stack's own start function: signed HTTP request → bundled webhook
// (worker thread, API Gateway v2 event) → fauxqs → poller → bundled customer-sync → simulators / DLQ.
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Activity } from '../../../lib/local/activity.ts';
import { exampleEvent } from '../../../lib/local/exampleEvent.ts';
import { type LocalStack, startLocalStack } from '../../../lib/local/startLocalStack.ts';
import { newWebhookSecret, signWebhook } from '../../helpers/signWebhook.ts';
import { buildBundles } from './buildBundles.ts';

const LOCAL_DIR = resolve('.local/test-start-local-stack');

describe('startLocalStack', () => {
  let stack: LocalStack;
  const activities: Activity[] = [];

  beforeAll(async () => {
    const distDir = await buildBundles('test-start-local-stack');
    stack = await startLocalStack({
      port: 0,
      localDir: LOCAL_DIR,
      distDir,
      visibilityTimeoutSeconds: 2,
      maxReceiveCount: 2,
      onActivity: (activity) => activities.push(activity),
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    await rm(LOCAL_DIR, { recursive: true, force: true });
  });

  const post = (body: string, headers: Record<string, string>) =>
    fetch(stack.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  async function waitForActivity(matches: (a: Activity) => boolean, from = 0): Promise<Activity> {
    for (let waited = 0; waited < 15_000; waited += 25) {
      const found = activities.slice(from).find(matches);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`activity not seen; got ${JSON.stringify(activities)}`);
  }
  const activityFor = (eventId: string, kinds: Activity['kind'][], from = 0) =>
    waitForActivity((a) => kinds.includes(a.kind) && 'eventId' in a && a.eventId === eventId, from);

  it('writes .local/stack.json with the URLs the replay CLI and send-example need', () => {
    const file = JSON.parse(readFileSync(stack.stackFile, 'utf8'));

    expect(file).toMatchObject({
      webhookUrl: stack.webhookUrl,
      queueUrl: expect.stringMatching(/\/crm-sync-events$/),
      dlqUrl: expect.stringMatching(/\/crm-sync-events-dlq$/),
      sqsEndpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    });
    expect(readFileSync(`${LOCAL_DIR}/webhook-secret`, 'utf8')).toMatch(/^whsec_/);
  });

  it('applies a signed event to Invisible Collector, reading the customer from CRO', async () => {
    const event = exampleEvent(stack.tenantId, 1);
    const body = JSON.stringify(event);

    const response = await post(body, signWebhook(body, stack.webhookSecret));

    expect(response.status).toBe(202);
    expect(await activityFor(event.id, ['applied', 'skipped', 'dead-lettered'])).toMatchObject({
      kind: 'applied',
      customerId: 1,
    });
    expect(stack.ic!.customerByExternalId('cro-42-1')).toMatchObject({
      name: 'Local Customer 1',
      country: 'PT',
    });
    expect(stack.cro!.callsFor('/customers/:id')).toHaveLength(1);
  });

  it('turns a replayed delivery (same webhook-id and body) into a duplicate with no API call', async () => {
    const event = exampleEvent(stack.tenantId, 2);
    const body = JSON.stringify(event);
    const headers = signWebhook(body, stack.webhookSecret, { id: 'msg_replayed_locally' });
    await post(body, headers);
    await activityFor(event.id, ['applied']);
    stack.ic!.clearCalls();
    stack.cro!.clearCalls();
    const before = activities.length;

    const replay = await post(body, signWebhook(body, stack.webhookSecret, { id: 'msg_replayed_locally' }));

    expect(await replay.json()).toEqual({ accepted: [event.id] });
    expect(await activityFor(event.id, ['applied', 'skipped'], before)).toMatchObject({
      kind: 'skipped',
      detail: 'duplicate',
    });
    expect([stack.ic!.calls.length, stack.cro!.calls.length]).toEqual([0, 0]);
  });

  it('dead-letters an event for a customer CRO does not have, with the reason on the DLQ message', async () => {
    const event = exampleEvent(stack.tenantId, 999);
    const body = JSON.stringify(event);

    await post(body, signWebhook(body, stack.webhookSecret));

    const outcome = await activityFor(event.id, ['applied', 'dead-lettered']);
    expect(outcome).toMatchObject({ kind: 'dead-lettered', detail: expect.stringMatching(/^crm-not-found/) });
    const { Messages = [] } = await stack.sqs.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: stack.dlqUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
      }),
    );
    const dead = Messages.find((m) => JSON.parse(m.Body!).id === event.id);
    expect(dead?.MessageAttributes?.['failure-reason']?.StringValue).toBe('crm-not-found');
  });

  it('answers 401 to a request signed with another secret, and nothing reaches the sync', async () => {
    const event = exampleEvent(stack.tenantId, 3);
    const body = JSON.stringify(event);

    const response = await post(body, signWebhook(body, newWebhookSecret()));

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'unauthorized' });
    expect(activities.some((a) => 'eventId' in a && a.eventId === event.id)).toBe(false);
  });

  it('reconciles on demand: lists the active locations and registers the customers no webhook announced', async () => {
    stack.cro!.upsertCustomer({
      ...stack.cro!.getCustomer(2)!,
      name: 'Changed in CRO only',
    });
    stack.ic!.clearCalls();
    stack.cro!.clearCalls();
    const from = activities.length;

    const summary = await stack.reconcileNow();
    // Two workers' log lines: the sync's may come before the reconcile function's own summary line.
    await waitForActivity((a) => a.kind === 'applied' && a.customerId === 2, from);
    await waitForActivity((a) => a.kind === 'reconciled', from);

    expect(summary.inactiveSkipped).toEqual([3]);
    expect(summary.locations.map((l) => [l.locationId, l.status])).toEqual([
      [1, 'complete'],
      [2, 'complete'],
    ]);
    expect(activities.slice(from)).toContainEqual({
      kind: 'reconciled',
      listed: 3,
      enqueued: 3,
      locations: 2,
    });
    expect(stack.ic!.customerByExternalId('cro-42-2')).toMatchObject({
      name: 'Changed in CRO only',
      vatNumber: 'PT500000002',
    });
    expect(stack.cro!.callsFor('/customers/:id')).toEqual([]);
    expect(stack.crmVatField).toBe('locations.0.reference_number');
  });

  it('removes stack.json when stopped', async () => {
    const file = stack.stackFile;

    await stack.stop();

    expect(existsSync(file)).toBe(false);
  });
});
