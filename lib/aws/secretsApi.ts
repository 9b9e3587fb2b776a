import { randomUUID } from 'node:crypto';
import type * as SecretsSdk from '@aws-sdk/client-secrets-manager';
import type {
  GetSecretValueCommandInput,
  PutSecretValueCommandInput,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { TraceClient } from '../observability/createTracer.ts';
import { SECRETS_MANAGER } from './AwsJsonClient.ts';
import { awsClientConfig } from './boundedCalls.ts';
import { leanAwsClient, type AwsCallSettings } from './leanAwsClient.ts';
import { onFirstUse } from './onFirstUse.ts';

/** The Secrets Manager operations crm-sync uses: read the credentials, write back rotated OAuth tokens. */
export interface SecretsApi {
  getSecretValue(input: Pick<GetSecretValueCommandInput, 'SecretId'>): Promise<{ SecretString?: string }>;
  /** A new version (`AWSCURRENT`); the idempotency token is filled in, the same for every attempt. */
  putSecretValue(input: Pick<PutSecretValueCommandInput, 'SecretId' | 'SecretString'>): Promise<unknown>;
}

/**
 * The Secrets Manager calls of a function: the lean signed client when the environment has what it needs
 * (Lambda: `leanAwsClient`) and no tracing wraps the calls, else an AWS SDK client built on first use, with the
 * same limits.
 *
 * @example
 * const secrets = createSecretsApi({ limits: config.awsLimits, deadline });
 */
export function createSecretsApi(
  settings: AwsCallSettings & { traceClient?: TraceClient | undefined },
): SecretsApi {
  const lean = settings.traceClient === undefined ? leanAwsClient(SECRETS_MANAGER, settings) : undefined;
  if (lean !== undefined)
    return {
      getSecretValue: (input) => lean.call('GetSecretValue', input),
      // The SDK fills `ClientRequestToken` in (an idempotency token): a retried attempt adds no second version.
      putSecretValue: (input) => lean.call('PutSecretValue', { ...input, ClientRequestToken: randomUUID() }),
    };
  const config = awsClientConfig(settings.limits, settings.deadline);
  const trace = settings.traceClient ?? ((client) => client);
  return sdkSecretsApi((sdk) => trace(new sdk.SecretsManagerClient(config)));
}

/**
 * {@link SecretsApi} over an AWS SDK client — the one given, or the one `build` makes on first use; the SDK's
 * module loads with the first call.
 *
 * @example
 * const secrets = sdkSecretsApi(new SecretsManagerClient({ region: 'eu-west-1' }));
 */
export function sdkSecretsApi(
  client: SecretsManagerClient | ((sdk: typeof SecretsSdk) => SecretsManagerClient),
): SecretsApi {
  const load = onFirstUse(
    () => import('@aws-sdk/client-secrets-manager'),
    (sdk) => (typeof client === 'function' ? client(sdk) : client),
  );
  return {
    async getSecretValue(input) {
      const { sdk, client: c } = await load();
      return c.send(new sdk.GetSecretValueCommand(input));
    },
    async putSecretValue(input) {
      const { sdk, client: c } = await load();
      return c.send(new sdk.PutSecretValueCommand(input));
    },
  };
}

/** A `client` option: a {@link SecretsApi}, or an AWS SDK client (tests, the CLI). */
export type SecretsClientOption = SecretsApi | SecretsManagerClient;

/**
 * The {@link SecretsApi} of a `client` option; none given → an SDK client following the SDK's standard
 * variables and credential chain, built on first use.
 */
export function toSecretsApi(client: SecretsClientOption | undefined): SecretsApi {
  if (client === undefined) return sdkSecretsApi((sdk) => new sdk.SecretsManagerClient({}));
  return 'send' in client ? sdkSecretsApi(client) : client;
}
