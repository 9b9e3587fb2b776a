export * from './lambdaContext.ts';
export * from './SqsLambdaPoller.ts';
export * from './sqsEvent.ts';
export * from './localSqs.ts';
