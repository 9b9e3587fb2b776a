export * from './schemas.ts';
export type * from './types.ts';
export {
  IC_DEFAULT_BASE_URL,
  InvisibleCollectorClient,
  type InvisibleCollectorClientOptions,
} from './InvisibleCollectorClient.ts';
