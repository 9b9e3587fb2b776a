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
  const sqsConfig: SQSClientConfig = {
    ...(region && { region }),
    ...(endpoint && { endpoint }),
    // An explicit endpoint (an emulator) serves every queue, whatever host its URL names.
    ...((endpoint || (deps.env ?? process.env).AWS_ENDPOINT_URL_SQS) && { useQueueUrlAsEndpoint: false }),
    ...(local && { credentials: LOCAL_CREDENTIALS }),
  };
  return { from, ...(to && { to }), sqsConfig };
}

/** The SQS client for a resolved target. */
export function createSqsClient(target: Target): SQSClient {
  return new SQSClient(target.sqsConfig);
}

/** The local stack `npm start` runs in `cwd`; a missing or unreadable file is a usage error (exit 2). */
async function readLocalStack(cwd: string): Promise<StackFile> {
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
 * Reads the `QueueUrl` and `DlqUrl` outputs of a deployed crm-sync stack (CloudFormation `DescribeStacks`).
 *
 * @example
 * const { queueUrl, dlqUrl } = await readStackQueues(new CloudFormationClient({}), 'CrmSync');
 */
export async function readStackQueues(
  cloudFormation: CloudFormationClient,
  stackName: string,
): Promise<StackQueues> {
  const outputs = await readStackOutputs(cloudFormation, stackName, ['QueueUrl', 'DlqUrl']);
  return { queueUrl: outputs['QueueUrl']!, dlqUrl: outputs['DlqUrl']! };
}

/**
 * A deployed crm-sync stack's outputs; a missing `required` one is a usage error naming it.
 *
 * @example
 * const outputs = await readStackOutputs(client, 'CrmSync', ['CredentialsSecretId']);
 */
export async function readStackOutputs(
  cloudFormation: CloudFormationClient,
  stackName: string,
  required: readonly string[],
): Promise<Record<string, string>> {
  let outputs: Record<string, string>;
  try {
    const { Stacks = [] } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = Object.fromEntries(
      (Stacks[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
    );
  } catch (cause) {
    const name = cause instanceof Error ? cause.name : 'error';
    throw new CliUsageError(`cannot read the outputs of stack ${stackName} (${name})`, { cause });
  }
  const missing = required.filter((key) => !outputs[key]);
  if (missing.length > 0) {
    throw new CliUsageError(
      `stack ${stackName} has no ${missing.join(' / ')} output: is it a crm-sync stack (deployed with this version)?`,
    );
  }
  return outputs;
}
