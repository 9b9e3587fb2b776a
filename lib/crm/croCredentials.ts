import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CrmOAuthConfig } from '../config/crmOAuth.ts';
import type { ApiError } from '../http/errors.ts';
import { DynamoRefreshLease, MemoryRefreshLease, type RefreshLease } from '../oauth/refreshLease.ts';
import type { SharedTokenProviderOptions } from '../oauth/SharedTokenProvider.ts';
import type { TokenLogger } from '../oauth/types.ts';
import {
  credentialsProvider,
  type CredentialsProvider,
  type CrmOAuthSettings,
} from '../secrets/credentialsProvider.ts';
import { FILE_SCHEME, type SecretReader } from '../secrets/createSecretReader.ts';
import type { SecretWriter } from '../secrets/createSecretWriter.ts';

/** What every function reading CRO with the credentials secret has in its configuration. */
export interface CroCredentialsConfig {
  credentialsSecretId: string;
  crmTenantId: number;
  crmOAuth: CrmOAuthConfig;
  /** The state table, which also holds the refresh lease; unset → a lease in this process only. */
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
  /** @default a client following the SDK's standard variables, built on first use */
  dynamo?: DynamoDBClient;
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
  const crmOAuth =
    tokenUrl === undefined
      ? undefined
      : (): CrmOAuthSettings => ({
          api: 'cro',
          endpoint: { url: tokenUrl, clientAuth },
          lease: parts.lease ?? createLease(config, parts.dynamo),
          reauthorizeCommand: secretId.startsWith(FILE_SCHEME)
            ? 'npx crm-sync auth --local'
            : `npx crm-sync auth --secret-id ${secretId}`,
          ...(parts.logger !== undefined && { logger: parts.logger }),
          ...(parts.onRefresh !== undefined && { onRefresh: parts.onRefresh }),
          ...(parts.onAuthorizationLost !== undefined && { onAuthorizationLost: parts.onAuthorizationLost }),
          ...(parts.oauthReader !== undefined && { reader: parts.oauthReader }),
          ...(parts.writer !== undefined && { writer: parts.writer }),
          ...(config.retryBaseSeconds !== undefined && {
            operatorRetryMs: config.retryBaseSeconds * OPERATOR_RETRY_BASES * 1000,
          }),
          ...parts.timings,
        });
  return credentialsProvider(secretId, {
    ...(parts.reader !== undefined && { reader: parts.reader }),
    ...(crmOAuth !== undefined && { crmOAuth }),
  });
}

function createLease(config: CroCredentialsConfig, dynamo: DynamoDBClient | undefined): RefreshLease {
  if (config.stateTableName === undefined) return new MemoryRefreshLease();
  return new DynamoRefreshLease({
    client: dynamo ?? new DynamoDBClient({}),
    tableName: config.stateTableName,
    key: croRefreshLeaseKey(config.crmTenantId),
  });
}
