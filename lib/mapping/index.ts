export * from './errors.ts';
export * from './fieldTable.ts';
export * from './mapAttributes.ts';
export * from './mapCustomer.ts';
export * from './normaliseLocale.ts';
export * from './selectSources.ts';
export * from './sourceTimestamp.ts';
