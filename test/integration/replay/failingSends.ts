import { SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../lib/local/index.ts';

/**
 * A real SQS client on the emulator whose `failRequest`-th `SendMessageBatch` request fails before it leaves
 * (an SDK middleware): every other call reaches fauxqs unchanged.
 */
export function failingSends(endpoint: string, options: { failRequest: number }): SQSClient {
  const sqs = new SQSClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    useQueueUrlAsEndpoint: false,
    maxAttempts: 1,
  });
  let sends = 0;
  sqs.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'SendMessageBatchCommand') {
        sends += 1;
        if (sends === options.failRequest) {
          throw Object.assign(new Error('injected send failure'), { name: 'InjectedSendFailure' });
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'failNthSend' },
  );
  return sqs;
}
