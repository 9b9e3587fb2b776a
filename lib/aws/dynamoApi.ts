import type * as DynamoSdk from '@aws-sdk/client-dynamodb';
import type {
  AttributeValue,
  DynamoDBClient,
  GetItemCommandInput,
  UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { TraceClient } from '../observability/createTracer.ts';
import { DYNAMODB } from './AwsJsonClient.ts';
import { awsClientConfig } from './boundedCalls.ts';
import { leanAwsClient, type AwsCallSettings } from './leanAwsClient.ts';
import { onFirstUse } from './onFirstUse.ts';

export type DynamoItem = Record<string, AttributeValue>;

/** The DynamoDB operations crm-sync's stores use (the state, the refresh lease, the reconcile checkpoints). */
export interface DynamoApi {
  updateItem(input: UpdateItemCommandInput): Promise<{ Attributes?: DynamoItem }>;
  getItem(input: GetItemCommandInput): Promise<{ Item?: DynamoItem }>;
}

/**
 * Whether a write failed on its condition. Then the item as it was is on the error when the write asked for it
 * (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`): {@link conditionFailedItem}.
 */
export function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

export function conditionFailedItem(error: unknown): DynamoItem | undefined {
  return (error as { Item?: DynamoItem }).Item;
}

/**
 * The DynamoDB calls of a function: the lean signed client when the environment has what it needs (Lambda:
 * {@link leanAwsClient}) and no tracing wraps the calls, else an AWS SDK client built on first use (the SDK is
 * then loaded, not before), with the same limits.
 *
 * @example
 * const dynamo = createDynamoApi({ limits: config.awsLimits, deadline });
 */
export function createDynamoApi(
  settings: AwsCallSettings & { traceClient?: TraceClient | undefined },
): DynamoApi {
  const lean = settings.traceClient === undefined ? leanAwsClient(DYNAMODB, settings) : undefined;
  if (lean !== undefined)
    return {
      updateItem: (input) => lean.call('UpdateItem', input),
      getItem: (input) => lean.call('GetItem', input),
    };
  const config = awsClientConfig(settings.limits, settings.deadline);
  const trace = settings.traceClient ?? ((client) => client);
  return sdkDynamoApi((sdk) => trace(new sdk.DynamoDBClient(config)));
}

/**
 * {@link DynamoApi} over an AWS SDK client — the one given, or the one `build` makes on first use. The SDK's
 * module loads with the first call: a function on the lean path never loads it.
 *
 * @example
 * const dynamo = sdkDynamoApi(new DynamoDBClient({ endpoint }));
 */
export function sdkDynamoApi(
  client: DynamoDBClient | ((sdk: typeof DynamoSdk) => DynamoDBClient),
): DynamoApi {
  const load = onFirstUse(
    () => import('@aws-sdk/client-dynamodb'),
    (sdk) => (typeof client === 'function' ? client(sdk) : client),
  );
  return {
    async updateItem(input) {
      const { sdk, client: c } = await load();
      return c.send(new sdk.UpdateItemCommand(input));
    },
    async getItem(input) {
      const { sdk, client: c } = await load();
      return c.send(new sdk.GetItemCommand(input));
    },
  };
}

/** A store's `client` option: a {@link DynamoApi}, or an AWS SDK client (tests, the CLI). */
export type DynamoClientOption = DynamoApi | DynamoDBClient;

export function toDynamoApi(client: DynamoClientOption): DynamoApi {
  return 'send' in client ? sdkDynamoApi(client) : client;
}
