import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { join } from 'node:path';
import { LocalStackFileError } from '../local/errors.ts';
import { readStackFile, type StackFile } from '../local/localFiles.ts';
import { CliUsageError } from './errors.ts';

// The emulator accepts any credentials (lib/local/localSqs.ts uses the same): not imported from there, as
// that module loads the emulator itself.
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const LOCAL_REGION = 'us-east-1';

/** Where the queues are: the options shared by every command. */
export interface TargetOptions {
  from?: string;
  to?: string;
  stack?: string;
  local?: boolean;
  endpointUrl?: string;
  region?: string;
}

/** The resolved queue URLs and how to reach SQS. */
export interface Target {
  from: string;
  to?: string;
  sqsConfig: SQSClientConfig;
}

export interface ResolveDeps {
  cwd: string;
  /** Environment (for `AWS_ENDPOINT_URL_SQS`). @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** Builds the CloudFormation client for `--stack` (injectable for tests). */
  cloudFormation?: (config: { region?: string; endpoint?: string }) => CloudFormationClient;
}

/**
 * Works out the queue URLs and SQS client settings: `--from`/`--to` win; otherwise `--stack <name>` (the
 * deployed stack's outputs) or `--local` (`.local/stack.json` of `npm start`, which also sets the endpoint and
 * dummy credentials). `--endpoint-url` and `--region` apply to SQS (and CloudFormation); the SDK's own
 * variables (`AWS_REGION`, `AWS_PROFILE`, `AWS_ENDPOINT_URL_SQS`) work as usual.
 *
 * @example
 * const target = await resolveTarget({ stack: 'CrmSync', region: 'eu-west-1' }, { cwd: process.cwd() });
 */
export async function resolveTarget(options: TargetOptions, deps: ResolveDeps): Promise<Target> {
  if (options.stack && options.local) throw new CliUsageError('give either --stack or --local, not both');
  let from = options.from;
  let to = options.to;
  let endpoint = options.endpointUrl;
  let region = options.region;
  let local = false;
  if (options.local) {
    const stack = await readLocalStack(deps.cwd);
    from ??= stack.dlqUrl;
    to ??= stack.queueUrl;
    endpoint ??= stack.sqsEndpoint;
    region ??= LOCAL_REGION;
    local = true;
  } else if (options.stack && (from === undefined || to === undefined)) {
    const makeClient = deps.cloudFormation ?? ((config) => new CloudFormationClient(config));
    const client = makeClient({ ...(region && { region }) });
    try {
      const queues = await readStackQueues(client, options.stack);
      from ??= queues.dlqUrl;
      to ??= queues.queueUrl;
    } finally {
      client.destroy();
    }
  }
  if (!from)
    throw new CliUsageError('no dead-letter queue: give --from <dlq-url>, --stack <name> or --local');
  const sqsConfig = sqsConfigFor({ region, endpoint, local }, deps.env);
  return { from, ...(to && { to }), sqsConfig };
}

/**
 * SQS client settings: the region and endpoint given, `useQueueUrlAsEndpoint: false` when an endpoint (an
 * emulator, also via `AWS_ENDPOINT_URL_SQS`) serves every queue whatever host its URL names, and the
 * emulator's dummy credentials for the local stack.
 */
export function sqsConfigFor(
  target: { region?: string; endpoint?: string; local?: boolean },
  env: Readonly<Record<string, string | undefined>> = process.env,
): SQSClientConfig {
  const { region, endpoint, local } = target;
  return {
    ...(region && { region }),
    ...(endpoint && { endpoint }),
    ...((endpoint || env.AWS_ENDPOINT_URL_SQS) && { useQueueUrlAsEndpoint: false }),
    ...(local && { credentials: LOCAL_CREDENTIALS }),
  };
}

/** The local stack's region and credentials (the emulators accept any). */
export { LOCAL_CREDENTIALS, LOCAL_REGION };

/** The SQS client for a resolved target. */
export function createSqsClient(target: Target): SQSClient {
  return new SQSClient(target.sqsConfig);
}

/** The local stack `npm start` runs in `cwd`; a missing or unreadable file is a usage error (exit 2). */
export async function readLocalStack(cwd: string): Promise<StackFile> {
  try {
    return await readStackFile(join(cwd, '.local'));
  } catch (error) {
    if (error instanceof LocalStackFileError) throw new CliUsageError(error.message, { cause: error });
    throw error;
  }
}

/** The deployed stack's queue URLs (its `QueueUrl` and `DlqUrl` outputs). */
export interface StackQueues {
  queueUrl: string;
  dlqUrl: string;
}

/**
 * Every output of a deployed stack (CloudFormation `DescribeStacks`), by key; an unreadable stack is a
 * usage error naming it.
 *
 * @example
 * const outputs = await readStackOutputs(new CloudFormationClient({}), 'CrmSync');
 */
export async function readStackOutputs(
  cloudFormation: CloudFormationClient,
  stackName: string,
): Promise<Record<string, string>> {
  try {
    const { Stacks = [] } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    return Object.fromEntries(
      (Stacks[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
    );
  } catch (cause) {
    const region = await cloudFormation.config.region().catch(() => undefined);
    throw new CliUsageError(`${stackProblem(cause, stackName, region)}; or use --local for \`npm start\``, {
      cause,
    });
  }
}

/** `keys` of `outputs`, or a usage error naming the missing ones. */
export function requireOutputs<K extends string>(
  outputs: Record<string, string>,
  stackName: string,
  keys: readonly K[],
): Record<K, string> {
  const missing = keys.filter((key) => !outputs[key]);
  if (missing.length > 0) {
    throw new CliUsageError(
      `stack ${stackName} has no ${missing.join(' / ')} output: is it a crm-sync stack? (an older one: deploy it again)`,
    );
  }
  return Object.fromEntries(keys.map((key) => [key, outputs[key]!])) as Record<K, string>;
}

/**
 * Reads the `QueueUrl` and `DlqUrl` outputs of a deployed crm-sync stack (CloudFormation `DescribeStacks`).
 *
 * @example
 * const { queueUrl, dlqUrl } = await readStackQueues(new CloudFormationClient({}), 'CrmSync');
 */
export async function readStackQueues(
  cloudFormation: CloudFormationClient,
  stackName: string,
): Promise<StackQueues> {
  const outputs = requireOutputs(await readStackOutputs(cloudFormation, stackName), stackName, [
    'QueueUrl',
    'DlqUrl',
  ]);
  return { queueUrl: outputs.QueueUrl, dlqUrl: outputs.DlqUrl };
}

const NETWORK_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT']);
const REFUSED_CREDENTIALS = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'ExpiredToken',
  'ExpiredTokenException',
  'SignatureDoesNotMatch',
  'AccessDenied',
]);

/**
 * Why `DescribeStacks` failed, in the operator's terms: no credentials, credentials refused, no AWS region,
 * no such stack in this region (deployed elsewhere?), CloudFormation unreachable in this region (a mistyped
 * region name has no endpoint). Names and codes only: SDK messages can quote the request.
 *
 * @example
 * stackProblem(error, 'CrmSync', 'eu-west-1'); // 'no stack named CrmSync in region eu-west-1: ...'
 */
export function stackProblem(cause: unknown, stackName: string, region: string | undefined): string {
  const error = cause instanceof Error ? cause : new Error(String(cause));
  const code = (error as { code?: string }).code ?? (error.cause as { code?: string } | undefined)?.code;
  const where = region === undefined ? '' : ` in region ${region}`;
  if (error.name === 'CredentialsProviderError' || /could not load credentials/i.test(error.message)) {
    return 'no AWS credentials for --stack: set AWS_PROFILE (after `aws sso login`) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  }
  if (/region is missing/i.test(error.message)) {
    return 'no AWS region for --stack: give --region or set AWS_REGION';
  }
  if (error.name === 'ValidationError' && /does not exist/i.test(error.message)) {
    return `no stack named ${stackName}${where}: check the name, and --region if it was deployed to another region`;
  }
  if (REFUSED_CREDENTIALS.has(error.name)) {
    return `AWS refused the credentials${where} (${error.name}): expired, or for another account?`;
  }
  if ((code !== undefined && NETWORK_CODES.has(code)) || error.name === 'TimeoutError') {
    return `cannot reach CloudFormation${where} (${code ?? error.name}): is the region name right, and is there a network?`;
  }
  return `cannot read the outputs of stack ${stackName}${where} (${error.name})`;
}
