export * from './schemas.ts';
export type * from './types.ts';
export { CRO_DEFAULT_API_VERSION, CroClient, type CroClientOptions } from './CroClient.ts';
export {
  croCredentialsProvider,
  croRefreshLeaseKey,
  type CroCredentialsConfig,
  type CroCredentialsParts,
} from './croCredentials.ts';
