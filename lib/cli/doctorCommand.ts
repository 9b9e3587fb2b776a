import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Command } from 'commander';
import { join } from 'node:path';
import { type CheckResult, type DoctorTarget, runDoctor } from '../doctor/doctorChecks.ts';
import { LocalStackFileError } from '../local/errors.ts';
import { readStackFile } from '../local/localFiles.ts';
import { createSecretReader } from '../secrets/createSecretReader.ts';
import { type QueueSettings, QueueSettingsSchema } from '../settings/queueSettings.ts';
import type { CliIo } from './dlqCommands.ts';
import { CliUsageError } from './errors.ts';
import { createSqsClient, readStackOutputs, requireOutputs, resolveTarget, type Target } from './target.ts';

/** `crm-sync doctor`'s options. */
export interface DoctorCommandOptions {
  stack?: string;
  local?: boolean;
  region?: string;
  endpointUrl?: string;
  json?: boolean;
}

/** The CLI's streams and clients, plus the Secrets Manager client (injectable for tests). */
export interface DoctorIo extends CliIo {
  /** @default a new SecretsManagerClient (the same shape as `crm-sync auth`'s) */
  secretsManager?: (config: { region?: string; endpoint?: string }) => SecretsManagerClient;
}

/** The stack outputs the doctor reads (QueueSettings is optional: older stacks lack it). */
const STACK_OUTPUTS = [
  'QueueUrl',
  'DlqUrl',
  'CredentialsSecretId',
  'WebhookSecretId',
  'IcApiUrl',
  'CrmApiUrl',
  'CrmTenantId',
] as const;

/**
 * Registers `crm-sync doctor` on the program: the post-deploy smoke check of a stack (`--stack <name>`) or of
 * `npm start` (`--local`). Prints one line per check, `✓` or `✗` with the fix, and exits 1 when any check
 * fails (2 on bad usage).
 *
 * @example
 * registerDoctorCommand(program, io, setExitCode); // npx crm-sync doctor --stack CrmSync-prod
 */
export function registerDoctorCommand(
  program: Command,
  io: DoctorIo,
  setExitCode: (code: number) => void,
): void {
  program
    .command('doctor')
    .description(
      'check a deployment: secrets readable and well-formed, both APIs reachable with their tokens, queue and DLQ attributes',
    )
    .option('--stack <name>', 'the deployed stack (reads its outputs)')
    .option('--local', 'the local stack of `npm start` (.local/stack.json)')
    .option('--region <region>', 'AWS region (default: AWS_REGION / your profile)')
    .option('--endpoint-url <url>', 'SQS endpoint (an emulator)')
    .option('--json', 'machine-readable output')
    .action(async (options: DoctorCommandOptions) => setExitCode(await doctorCommand(options, io)));
}

/**
 * Runs the checks and prints the report; resolves the exit code (0 healthy, 1 a check failed).
 *
 * @example
 * const code = await doctorCommand({ local: true }, io);
 */
export async function doctorCommand(options: DoctorCommandOptions, io: DoctorIo): Promise<number> {
  const { target, queues, label } = await resolveDoctorTarget(options, io);
  const sqs = (io.sqsClient ?? createSqsClient)(queues);
  const secretsManager = io.secretsManager ?? ((config) => new SecretsManagerClient(config));
  const secretsClient =
    target.kind === 'aws' ? secretsManager({ ...(options.region && { region: options.region }) }) : undefined;
  try {
    const results = await runDoctor(target, {
      sqs,
      readSecret: createSecretReader({ ...(secretsClient !== undefined && { client: secretsClient }) }),
    });
    io.stdout.write(
      options.json
        ? `${JSON.stringify({ target: label, results }, null, 2)}\n`
        : renderReport(label, results),
    );
    return results.every((result) => result.ok) ? 0 : 1;
  } finally {
    sqs.destroy();
    secretsClient?.destroy();
  }
}

/**
 * The report: a title, one `✓` / `✗` line per check (`–`: not run, not a failure; fixes indented below a failure),
 * and a closing count.
 *
 * @example
 * renderReport('stack CrmSync-prod', [{ check: 'webhook secret', ok: true, detail: 'crm-sync/webhook: 1 whsec_ secret(s)' }]);
 */
export function renderReport(label: string, results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.check.length));
  const lines = results.flatMap((r) => [
    `${r.skipped ? '–' : r.ok ? '✓' : '✗'} ${r.check.padEnd(width)}  ${r.detail}`,
    ...(r.ok || r.fix === undefined ? [] : [`  ${' '.repeat(width)}  fix: ${r.fix}`]),
  ]);
  const failed = results.filter((r) => !r.ok).length;
  const verdict = failed === 0 ? 'All checks passed.' : `${failed} of ${results.length} checks failed.`;
  return `crm-sync doctor: ${label}\n\n${lines.join('\n')}\n\n${verdict}\n`;
}

async function resolveDoctorTarget(
  options: DoctorCommandOptions,
  io: DoctorIo,
): Promise<{ target: DoctorTarget; queues: Target; label: string }> {
  if (options.stack && options.local) throw new CliUsageError('give either --stack or --local, not both');
  if (options.local) {
    const stack = await readLocalStack(io.cwd);
    const queues = await resolveTarget(
      { local: true, ...(options.region && { region: options.region }) },
      io,
    );
    return {
      label: 'the local stack (.local/stack.json)',
      queues,
      target: {
        kind: 'local',
        queueUrl: stack.queueUrl,
        dlqUrl: stack.dlqUrl,
        credentialsSecretId: stack.credentialsSecretId,
        webhookSecretId: stack.webhookSecretId,
        icApiUrl: stack.icApiUrl,
        crmApiUrl: stack.crmApiUrl,
        crmTenantId: stack.tenantId,
        ...optionalSettings(stack.queueSettings, '.local/stack.json'),
      },
    };
  }
  if (!options.stack)
    throw new CliUsageError('give --stack <name> (a deployed stack) or --local (npm start)');
  const makeClient = io.cloudFormation ?? ((config) => new CloudFormationClient(config));
  const client = makeClient({ ...(options.region && { region: options.region }) });
  let outputs: Record<string, string>;
  try {
    outputs = await readStackOutputs(client, options.stack);
    requireOutputs(outputs, options.stack, STACK_OUTPUTS);
  } finally {
    client.destroy();
  }
  const tenant = Number(outputs.CrmTenantId);
  const queues = await resolveTarget(
    {
      from: outputs.DlqUrl!,
      to: outputs.QueueUrl!,
      ...(options.region && { region: options.region }),
      ...(options.endpointUrl && { endpointUrl: options.endpointUrl }),
    },
    io,
  );
  return {
    label: `stack ${options.stack}`,
    queues,
    target: {
      kind: 'aws',
      queueUrl: outputs.QueueUrl!,
      dlqUrl: outputs.DlqUrl!,
      credentialsSecretId: outputs.CredentialsSecretId!,
      webhookSecretId: outputs.WebhookSecretId!,
      icApiUrl: outputs.IcApiUrl!,
      crmApiUrl: outputs.CrmApiUrl!,
      crmTenantId: tenant,
      ...optionalSettings(
        outputs.QueueSettings === undefined ? undefined : safeJson(outputs.QueueSettings),
        'the QueueSettings output',
      ),
    },
  };
}

function optionalSettings(value: unknown, source: string): { queueSettings?: QueueSettings } {
  if (value === undefined) return {};
  const parsed = QueueSettingsSchema.safeParse(value);
  if (!parsed.success) throw new CliUsageError(`${source} does not hold valid queue settings`);
  return { queueSettings: parsed.data };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function readLocalStack(cwd: string) {
  try {
    return await readStackFile(join(cwd, '.local'));
  } catch (error) {
    if (error instanceof LocalStackFileError) throw new CliUsageError(error.message, { cause: error });
    throw error;
  }
}
