/**
 * An AWS SDK client module and a client of it, imported and built on the first call, once: a function whose
 * success path does not use the SDK never loads it (each client costs ~100 ms of cold start when imported).
 *
 * @example
 * const dynamo = onFirstUse(() => import('@aws-sdk/client-dynamodb'), (sdk) => new sdk.DynamoDBClient({}));
 * const { sdk, client } = await dynamo();
 * await client.send(new sdk.GetItemCommand(input));
 */
export function onFirstUse<Sdk, Client>(
  importSdk: () => Promise<Sdk>,
  build: (sdk: Sdk) => Client,
): () => Promise<{ sdk: Sdk; client: Client }> {
  let loading: Promise<{ sdk: Sdk; client: Client }> | undefined;
  return () => (loading ??= importSdk().then((sdk) => ({ sdk, client: build(sdk) })));
}
