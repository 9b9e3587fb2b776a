export * from './schemas.ts';
export * from './errors.ts';
export * from './parseEventBody.ts';
export * from './customerEvent.ts';
