import { sdkDynamoApi, type DynamoClientOption } from '../aws/dynamoApi.ts';
import { toSecretsApi, type SecretsClientOption } from '../aws/secretsApi.ts';
import type { CrmOAuthConfig } from '../config/crmOAuth.ts';
import type { ApiError } from '../http/errors.ts';
import { FileRefreshLease } from '../oauth/fileRefreshLease.ts';
import { DynamoRefreshLease, MemoryRefreshLease, type RefreshLease } from '../oauth/refreshLease.ts';
import type { SharedTokenProviderOptions } from '../oauth/SharedTokenProvider.ts';
import type { TokenLogger } from '../oauth/types.ts';
import {
  credentialsProvider,
  type CredentialsProvider,
  type CrmOAuthSettings,
} from '../secrets/credentialsProvider.ts';
import { createSecretReader, FILE_SCHEME, type SecretReader } from '../secrets/createSecretReader.ts';
import { createSecretWriter, type SecretWriter } from '../secrets/createSecretWriter.ts';

/** What every function reading CRO with the credentials secret has in its configuration. */
export interface CroCredentialsConfig {
  credentialsSecretId: string;
  crmTenantId: number;
  crmOAuth: CrmOAuthConfig;
  /**
   * The state table, which also holds the refresh lease; unset → for a `file:` secret a lease file beside it
   * (every process on this machine sharing the secret), else a lease in this process only.
   */
  stateTableName?: string;
  /**
   * The queue's retry base (`RETRY_BASE_SECONDS`): records refused for lack of authorization wait at least
   * 10 times as long (5 minutes with the default 30 s). Unset → 5 minutes.
   */
  retryBaseSeconds?: number;
}

/** Records refused for lack of authorization wait at least this many retry bases. */
const OPERATOR_RETRY_BASES = 10;

/** Parts built elsewhere or replaced in tests. */
export interface CroCredentialsParts {
  logger?: TokenLogger;
  /** Count it (`CrmAuthorizationLost`): the token endpoint refuses the credentials; an operator must act. */
  onAuthorizationLost?: (error: ApiError) => void;
  /** Count it: this process refreshed the access token. */
  onRefresh?: () => void;
  /** The refresh lease's DynamoDB calls. @default an SDK client following the SDK's variables, built on first use */
  dynamo?: DynamoClientOption;
  /** Secrets Manager (reads, the OAuth write-back). @default an SDK client following the SDK's variables, built on first use */
  secrets?: SecretsClientOption;
  lease?: RefreshLease;
  /** The cached reader of the secret (tokens for both APIs). */
  reader?: SecretReader;
  /** Uncached reader and writer of the OAuth rounds (tests). */
  oauthReader?: SecretReader;
  writer?: SecretWriter;
  /** Timings of the shared token provider (tests use short ones). */
  timings?: Pick<
    SharedTokenProviderOptions,
    'leaseMs' | 'maxMarginMs' | 'waitMs' | 'pollMs' | 'lostRecheckMs' | 'operatorRetryMs' | 'owner'
  >;
}

/**
 * The partition key of a tenant's refresh lease in the state table.
 *
 * @example
 * croRefreshLeaseKey(42); // 'oauth#cro#42'
 */
export function croRefreshLeaseKey(tenantId: number): string {
  return `oauth#cro#${tenantId}`;
}

/**
 * The API credentials of a function that calls CRO (and Invisible Collector): `credentialsProvider` on
 * `CREDENTIALS_SECRET_ID`, with CRO's OAuth wired in — the token endpoint and client authentication of
 * `CRM_TOKEN_URL` / `CRM_TOKEN_AUTH`, the refresh lease in the state table (`oauth#cro#<tenant>`), the
 * secret written back after each refresh. A static `crmToken` keeps working unchanged.
 *
 * @example
 * const credentials = croCredentialsProvider(config, { logger, onAuthorizationLost: () => count() });
 * const cro = new CroClient({ baseUrl: config.crmApiUrl, tenantId: config.crmTenantId, tokenProvider: credentials.crmToken });
 */
export function croCredentialsProvider(
  config: CroCredentialsConfig,
  parts: CroCredentialsParts = {},
): CredentialsProvider {
  const { tokenUrl, clientAuth } = config.crmOAuth;
  const secretId = config.credentialsSecretId;
  const secrets = toSecretsApi(parts.secrets);
  const crmOAuth =
    tokenUrl === undefined
      ? undefined
      : (): CrmOAuthSettings => ({
          api: 'cro',
          endpoint: { url: tokenUrl, clientAuth },
          lease:
            parts.lease ??
            createLease(config, () => parts.dynamo ?? sdkDynamoApi((sdk) => new sdk.DynamoDBClient({}))),
          reauthorizeCommand: secretId.startsWith(FILE_SCHEME)
            ? 'npx crm-sync auth --local'
            : `npx crm-sync auth --secret-id ${secretId}`,
          ...(parts.logger !== undefined && { logger: parts.logger }),
          ...(parts.onRefresh !== undefined && { onRefresh: parts.onRefresh }),
          ...(parts.onAuthorizationLost !== undefined && { onAuthorizationLost: parts.onAuthorizationLost }),
          // Uncached: every OAuth read must see the latest version (a cached one may hold a rotated token).
          reader:
            parts.oauthReader ?? createSecretReader({ ttlMs: 0, minRefreshIntervalMs: 0, client: secrets }),
          writer: parts.writer ?? createSecretWriter({ client: secrets }),
          ...(config.retryBaseSeconds !== undefined && {
            operatorRetryMs: config.retryBaseSeconds * OPERATOR_RETRY_BASES * 1000,
          }),
          ...parts.timings,
        });
  return credentialsProvider(secretId, {
    // `file:` credentials are cached like Secrets Manager values (a 401 forces a reread).
    reader: parts.reader ?? createSecretReader({ cacheFiles: true, client: secrets }),
    ...(crmOAuth !== undefined && { crmOAuth }),
  });
}

/** The suffix of a `file:` secret's lease file (`.local/credentials.json.lease`). */
export const FILE_LEASE_SUFFIX = '.lease';

function createLease(config: CroCredentialsConfig, dynamo: () => DynamoClientOption): RefreshLease {
  if (config.stateTableName === undefined) {
    // The local stack runs customer-sync and reconcile as two workers on one `file:` secret (and the backfill
    // CLI may join): a lease in one process's memory would let two of them send the same refresh token.
    const secretId = config.credentialsSecretId;
    return secretId.startsWith(FILE_SCHEME)
      ? new FileRefreshLease({ path: `${secretId.slice(FILE_SCHEME.length)}${FILE_LEASE_SUFFIX}` })
      : new MemoryRefreshLease();
  }
  return new DynamoRefreshLease({
    client: dynamo(),
    tableName: config.stateTableName,
    key: croRefreshLeaseKey(config.crmTenantId),
  });
}
