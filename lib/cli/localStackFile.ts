import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as z from '../zod.ts';
import { CliUsageError } from './errors.ts';

/** Where `npm start` writes the local stack's addresses, relative to the project root. */
export const LOCAL_STACK_FILE = '.local/stack.json';

const LocalStackSchema = z.object({
  queueUrl: z.string().check(z.minLength(1)),
  dlqUrl: z.string().check(z.minLength(1)),
  sqsEndpoint: z.url(),
});

/** The part of `.local/stack.json` the CLI uses. */
export type LocalStack = z.infer<typeof LocalStackSchema>;

/**
 * Reads the queue URLs and SQS endpoint of the stack `npm start` runs (it writes `.local/stack.json`).
 *
 * @example
 * const { queueUrl, dlqUrl, sqsEndpoint } = await readLocalStack(process.cwd());
 */
export async function readLocalStack(cwd: string): Promise<LocalStack> {
  const path = resolve(cwd, LOCAL_STACK_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new CliUsageError(`${LOCAL_STACK_FILE} not found in ${cwd}: is \`npm start\` running here?`, {
      cause,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliUsageError(`${LOCAL_STACK_FILE} is not valid JSON`);
  }
  const parsed = LocalStackSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new CliUsageError(`${LOCAL_STACK_FILE} is missing queue details (${problems})`);
  }
  return parsed.data;
}
