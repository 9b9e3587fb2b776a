export * from './errors.ts';
export * from './parseEnv.ts';
export * from './customerSync.ts';
export * from './observability.ts';
export * from './crmOAuth.ts';
