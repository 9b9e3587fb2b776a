import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import {
  createSecretReader,
  credentialsProvider,
  parseWebhookSecrets,
  SecretError,
} from '../../../../lib/secrets/index.ts';

// Secrets Manager has no local emulator here: a thin SDK mock stands in for the service only.
const secretsManager = mockClient(SecretsManagerClient);
const client = new SecretsManagerClient({ region: 'eu-west-1' });
const SECRET_ID = 'crm-sync/credentials';
const credentials = (ic: string, crm: string) =>
  JSON.stringify({ invisibleCollectorToken: ic, crmToken: crm });

describe('credentialsProvider', () => {
  beforeEach(() => {
    secretsManager.reset();
  });

  it('fetches the secret once and serves both tokens from the cache', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: SECRET_ID })
      .resolves({ SecretString: credentials('ic-1', 'crm-1') });
    const provider = credentialsProvider(SECRET_ID, { reader: createSecretReader({ client }) });

    const tokens = [
      await provider.invisibleCollectorToken(),
      await provider.crmToken(),
      await provider.crmToken(),
    ];

    expect(tokens).toEqual(['ic-1', 'crm-1', 'crm-1']);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('refetches on a forced refresh (rotation) and coalesces concurrent refreshes into one call', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: credentials('old', 'crm') })
      .resolves({ SecretString: credentials('new', 'crm') });
    const provider = credentialsProvider(SECRET_ID, { reader: createSecretReader({ client }) });
    expect(await provider.invisibleCollectorToken()).toBe('old');

    const refreshed = await Promise.all(
      Array.from({ length: 5 }, () => provider.invisibleCollectorToken({ forceRefresh: true })),
    );

    expect(refreshed).toEqual(['new', 'new', 'new', 'new', 'new']);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('names the secret and the missing key when the JSON is malformed, without printing the value', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ crmToken: 'super-secret-value' }) });
    const provider = credentialsProvider(SECRET_ID, { reader: createSecretReader({ client }) });

    const error = await provider.crmToken().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SecretError);
    expect((error as SecretError).message).toContain(SECRET_ID);
    expect((error as SecretError).message).toContain('invisibleCollectorToken');
    expect((error as SecretError).message).not.toContain('super-secret-value');
  });

  it('reports a missing secret as a transient SecretError naming it', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
    const provider = credentialsProvider(SECRET_ID, { reader: createSecretReader({ client }) });

    const error = (await provider.crmToken().catch((e: unknown) => e)) as SecretError;

    expect(error).toBeInstanceOf(SecretError);
    expect(error.transient).toBe(true);
    expect(error.message).toMatch(/crm-sync\/credentials.*ResourceNotFoundException/);
  });
});

describe('file: secrets (local stack)', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'crm-sync-secrets-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('caches a local file like a secret, and a forced refresh reads the edited file (rotation)', async () => {
    const path = join(dir, 'credentials.json');
    await writeFile(path, credentials('ic-a', 'crm-a'));
    const provider = credentialsProvider(`file:${path}`);
    expect(await provider.invisibleCollectorToken()).toBe('ic-a');

    await writeFile(path, credentials('ic-b', 'crm-a'));

    expect(await provider.invisibleCollectorToken()).toBe('ic-a');
    expect(await provider.invisibleCollectorToken({ forceRefresh: true })).toBe('ic-b');
    expect(await provider.crmToken()).toBe('crm-a');
  });

  it('reads a local file again once its TTL has passed', async () => {
    const path = join(dir, 'credentials.json');
    await writeFile(path, credentials('ic-a', 'crm-a'));
    const provider = credentialsProvider(`file:${path}`, { ttlMs: 0 });
    expect(await provider.invisibleCollectorToken()).toBe('ic-a');

    await writeFile(path, credentials('ic-b', 'crm-a'));

    expect(await provider.invisibleCollectorToken()).toBe('ic-b');
  });

  it('does not cache a failed read: the file is tried again on the next call', async () => {
    const path = join(dir, 'late.json');
    const provider = credentialsProvider(`file:${path}`);
    await expect(provider.crmToken()).rejects.toThrow(/cannot be read/);

    await writeFile(path, credentials('ic-a', 'crm-a'));

    expect(await provider.crmToken()).toBe('crm-a');
  });

  it('reads a local file on every call by default (the webhook secret: an edit takes effect at once)', async () => {
    const path = join(dir, 'webhook-secret');
    await writeFile(path, 'a');
    const read = createSecretReader();
    expect(await read(`file:${path}`)).toBe('a');

    await writeFile(path, 'b');

    expect(await read(`file:${path}`)).toBe('b');
  });

  it('fails clearly when the file is missing', async () => {
    const provider = credentialsProvider(`file:${join(dir, 'absent.json')}`);
    await expect(provider.crmToken()).rejects.toThrow(/absent\.json.*cannot be read/);
  });
});

describe('parseWebhookSecrets', () => {
  const a = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const b = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';

  it('accepts one secret, several separated by spaces or commas, or a JSON array', () => {
    expect(parseWebhookSecrets('id', a)).toEqual([a]);
    expect(parseWebhookSecrets('id', `${a} ${b}`)).toEqual([a, b]);
    expect(parseWebhookSecrets('id', `${a},${b}\n`)).toEqual([a, b]);
    expect(parseWebhookSecrets('id', JSON.stringify([a, b]))).toEqual([a, b]);
  });

  it('rejects values that are not whsec_ secrets without echoing them', () => {
    expect(() => parseWebhookSecrets('hook', 'plain-password')).toThrow(SecretError);
    expect(() => parseWebhookSecrets('hook', 'plain-password')).not.toThrow(/plain-password/);
  });
});
