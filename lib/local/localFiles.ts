import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** What `.local/stack.json` holds: how tools (the replay CLI, `npm run send-example`) reach the local stack. */
export interface StackFile {
  webhookUrl: string;
  queueUrl: string;
  dlqUrl: string;
  sqsEndpoint: string;
  region: string;
  tenantId: number;
  icApiUrl: string;
  crmApiUrl: string;
  /** `file:` secret ids, as the functions get them. */
  webhookSecretId: string;
  credentialsSecretId: string;
  /** Set when the state store is dynalite. */
  dynamoEndpoint?: string;
  pid: number;
}

/** The files of a local stack under `dir` (`.local/` by default). */
export function localPaths(dir = '.local') {
  const root = resolve(dir);
  return {
    root,
    stack: join(root, 'stack.json'),
    credentials: join(root, 'credentials.json'),
    webhookSecret: join(root, 'webhook-secret'),
  };
}

/**
 * Writes the local `file:` secrets: the API credentials JSON (the same shape as the Secrets Manager secret)
 * and the webhook secret — kept across runs (so a configured sender keeps working), created as a fresh
 * `whsec_` value the first time. Both files are mode 0600.
 *
 * @example
 * const { webhookSecret } = await writeLocalSecrets('.local', { invisibleCollectorToken, crmToken });
 */
export async function writeLocalSecrets(
  dir: string,
  credentials: { invisibleCollectorToken: string; crmToken: string },
): Promise<{ webhookSecret: string; paths: ReturnType<typeof localPaths> }> {
  const paths = localPaths(dir);
  await mkdir(paths.root, { recursive: true });
  await writeFile(paths.credentials, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  let webhookSecret =
    (await readFile(paths.webhookSecret, 'utf8').catch(() => '')).trim().split(/\s+/)[0] ?? '';
  if (!/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(webhookSecret)) {
    webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
    await writeFile(paths.webhookSecret, `${webhookSecret}\n`, { mode: 0o600 });
  }
  return { webhookSecret, paths };
}

/** Writes `.local/stack.json`. */
export async function writeStackFile(dir: string, stack: StackFile): Promise<string> {
  const { stack: path } = localPaths(dir);
  await writeFile(path, `${JSON.stringify(stack, null, 2)}\n`);
  return path;
}

/**
 * Reads `.local/stack.json` (written by `npm start`); a clear error when no local stack is running.
 *
 * @example
 * const { webhookUrl } = await readStackFile();
 */
export async function readStackFile(dir = '.local'): Promise<StackFile> {
  const { stack: path } = localPaths(dir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new Error(`no local stack found (${path} missing): run \`npm start\` first`);
  }
  return JSON.parse(text) as StackFile;
}

/** Removes `.local/stack.json` (the stack stopped); the secrets stay. */
export async function removeStackFile(dir: string): Promise<void> {
  await rm(localPaths(dir).stack, { force: true });
}
