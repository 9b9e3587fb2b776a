import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { OAuthCredentials } from '../oauth/types.ts';
import * as z from '../zod.ts';
import { formatIssues, toIssues } from '../zodIssues.ts';
import type { QueueSettings } from '../settings/queueSettings.ts';
import { LocalStackFileError } from './errors.ts';

/** What `.local/stack.json` holds: how tools (the replay CLI, `npm run send-example`) reach the local stack. */
export interface StackFile {
  webhookUrl: string;
  /** The local console and its control API (`<consoleUrl>api/...`). */
  consoleUrl: string;
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
  /** CRO's OAuth endpoints (the simulator's, or `CRM_TOKEN_URL`): what `crm-sync auth --local` uses. */
  crmTokenUrl?: string;
  crmAuthorizeUrl?: string;
  /** Set when the state store is dynalite. */
  dynamoEndpoint?: string;
  /** The state table on dynalite (checkpoints, CRO OAuth refresh lease), with `dynamoEndpoint`. */
  stateTableName?: string;
  /** `CRM_VAT_FIELD` of the local reconciliation (the backfill CLI uses the same). */
  crmVatField?: string;
  /** The attributes the queues were created with (lib/settings/queueSettings.ts), for `crm-sync doctor`. */
  queueSettings?: QueueSettings;
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

/** The local credentials secret's content; `crm: 'keep'` keeps the file's OAuth credentials (`crm-sync auth --local`). */
export interface LocalCredentials {
  invisibleCollectorToken: string;
  crmToken?: string;
  crm?: OAuthCredentials | 'keep';
}

/**
 * Writes the local `file:` secrets: the API credentials JSON (the same shape as the Secrets Manager secret:
 * a static `crmToken`, or the `crm` OAuth object — the one already in the file when `crm` is `'keep'`) and
 * the webhook secret — kept across runs (so a configured sender keeps working), created as a fresh
 * `whsec_` value the first time. Both files are mode 0600.
 *
 * @example
 * const { webhookSecret } = await writeLocalSecrets('.local', { invisibleCollectorToken, crmToken });
 */
export async function writeLocalSecrets(
  dir: string,
  credentials: LocalCredentials,
): Promise<{ webhookSecret: string; paths: ReturnType<typeof localPaths> }> {
  const paths = localPaths(dir);
  await mkdir(paths.root, { recursive: true });
  const { crm, ...rest } = credentials;
  const kept = crm === 'keep' ? await existingCrm(paths.credentials) : crm;
  const secret = { ...rest, ...(kept !== undefined && { crm: kept }) };
  await writeFile(paths.credentials, `${JSON.stringify(secret, null, 2)}\n`, { mode: 0o600 });
  let webhookSecret =
    (await readFile(paths.webhookSecret, 'utf8').catch(() => '')).trim().split(/\s+/)[0] ?? '';
  if (!/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(webhookSecret)) {
    webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
    await writeFile(paths.webhookSecret, `${webhookSecret}\n`, { mode: 0o600 });
  }
  return { webhookSecret, paths };
}

async function existingCrm(path: string): Promise<unknown> {
  try {
    return (JSON.parse(await readFile(path, 'utf8')) as { crm?: unknown }).crm;
  } catch {
    return undefined;
  }
}

/** Writes `.local/stack.json`. */
export async function writeStackFile(dir: string, stack: StackFile): Promise<string> {
  const { stack: path } = localPaths(dir);
  await writeFile(path, `${JSON.stringify(stack, null, 2)}\n`);
  return path;
}

// Only what tools need is checked; extra keys are kept (a newer `npm start` may add some).
const StackFileSchema = z.looseObject({
  webhookUrl: z.url(),
  // Not z.url(): the emulator's host-style queue URLs (`http://sqs.<region>.127.0.0.1:port/...`) fail WHATWG parsing.
  queueUrl: z.string().check(z.minLength(1)),
  dlqUrl: z.string().check(z.minLength(1)),
  sqsEndpoint: z.url(),
  tenantId: z.number(),
  webhookSecretId: z.string().check(z.minLength(1)),
});

/**
 * Reads `.local/stack.json` (written by `npm start`) under `dir`. Throws a {@link LocalStackFileError} that says
 * what to do when no local stack runs there or the file is unreadable.
 *
 * @example
 * const { webhookUrl } = await readStackFile();
 */
export async function readStackFile(dir = '.local'): Promise<StackFile> {
  const { stack: path } = localPaths(dir);
  const shown = relative(process.cwd(), path) || path;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new LocalStackFileError(`${shown} not found: is \`npm start\` running in this folder?`, path, {
      cause,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new LocalStackFileError(`${shown} is not valid JSON`, path);
  }
  const parsed = StackFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new LocalStackFileError(
      `${shown} is missing stack details (${formatIssues(toIssues(parsed.error.issues))})`,
      path,
    );
  }
  return parsed.data as unknown as StackFile;
}

/** Removes `.local/stack.json` (the stack stopped); the secrets stay. */
export async function removeStackFile(dir: string): Promise<void> {
  await rm(localPaths(dir).stack, { force: true });
}
