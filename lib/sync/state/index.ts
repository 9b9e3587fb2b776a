export * from './types.ts';
export * from './keys.ts';
export * from './errors.ts';
export * from './MemorySyncStateStore.ts';
export * from './DynamoSyncStateStore.ts';
export * from './createSyncStateStore.ts';
