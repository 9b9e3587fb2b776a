export * from './dlqMessage.ts';
export * from './errors.ts';
export * from './inspectDlq.ts';
export * from './replayLambda.ts';
export * from './replayMessages.ts';
export * from './types.ts';
export * from './failureReasons.ts';
