// `npm run send-example [-- <customerId> ...]`: signs an example `crm.customer.updated` event with the local
// stack's webhook secret and posts it to the running `npm start` (found through .local/stack.json).
import { readFile } from 'node:fs/promises';
import { exampleEvent, postSigned } from '../lib/local/exampleEvent.ts';
import { readStackFile } from '../lib/local/localFiles.ts';

try {
  const stack = await readStackFile(process.env.LOCAL_DIR ?? '.local');
  const ids = process.argv.slice(2).map(Number);
  const customerIds = ids.length > 0 ? ids : [1];
  if (customerIds.some((id) => !Number.isInteger(id) || id < 1))
    throw new Error('customer ids must be positive integers');
  const secret = (await readFile(stack.webhookSecretId.replace(/^file:/, ''), 'utf8'))
    .trim()
    .split(/\s+/)[0]!;
  const events = customerIds.map((id) => exampleEvent(stack.tenantId, id));
  const body = JSON.stringify(events.length === 1 ? events[0] : events);
  const response = await postSigned(stack.webhookUrl, secret, body);
  console.log(
    `POST ${stack.webhookUrl} (customer ${customerIds.join(', ')}) → ${response.status} ${response.text}`,
  );
  console.log(`The sync result appears in the npm start window and in the console: ${stack.consoleUrl}`);
  process.exitCode = response.status === 202 ? 0 : 1;
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
