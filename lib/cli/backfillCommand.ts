import { join } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SQSClientConfig } from '@aws-sdk/client-sqs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError } from '../config/errors.ts';
import { loadReconcileConfig } from '../config/reconcile.ts';
import { CLIENT_AUTH_METHODS, type ClientAuthMethod, type TokenLogger } from '../oauth/types.ts';
import { normaliseSourceTimestamp } from '../mapping/sourceTimestamp.ts';
import { DynamoCheckpointStore, MemoryCheckpointStore } from '../reconcile/checkpointStores.ts';
import { createReconcileDeps } from '../reconcile/createReconcileDeps.ts';
import { countWindows, runReconcile } from '../reconcile/reconcileRun.ts';
import type { RunBudget } from '../reconcile/types.ts';
import { createSecretReader, type SecretReader } from '../secrets/createSecretReader.ts';
import type { CliIo } from './dlqCommands.ts';
import { CliUsageError } from './errors.ts';
import { createBackfillProgress, renderBackfillSummary, renderWindowCounts } from './output.ts';
import {
  createSqsClient,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  readLocalStack,
  readStackOutputs,
  requireOutputs,
  sqsConfigFor,
} from './target.ts';

/** Where the operator's backfill keeps its checkpoint when it does not use the stack's table. */
export const LOCAL_CHECKPOINT_FILE = '.local/backfill-checkpoint.json';
/** Exit code of a run stopped by Ctrl-C (128 + SIGINT): run the same command again to resume. */
const INTERRUPTED = 130;

export interface BackfillCommandOptions {
  local?: boolean;
  stack?: string;
  region?: string;
  endpointUrl?: string;
  crmUrl?: string;
  tenant?: string;
  credentials?: string;
  tokenUrl?: string;
  clientAuth?: ClientAuthMethod;
  to?: string;
  table?: string;
  checkpointFile?: string;
  vatField?: string;
  since?: string;
  location?: number[];
  dryRun?: boolean;
  rate?: number;
  json?: boolean;
}

/** The CLI's streams plus what tests replace. */
export interface BackfillIo extends CliIo {
  /** Stops the run after the page in flight, like Ctrl-C. @default the process's SIGINT */
  interrupt?: AbortSignal;
  /** DynamoDB client for `--stack` / `--table`: checkpoints and the CRO OAuth refresh lease (tests point it at an emulator). */
  dynamo?: (config: { region?: string }) => DynamoDBClient;
  /** Reads the credentials secret (tests). @default Secrets Manager, or the file of a `file:` id */
  secretReader?: SecretReader;
}

/** What a backfill talks to. */
interface BackfillTarget {
  env: Record<string, string>;
  sqsConfig: SQSClientConfig;
  region?: string;
  /** The local stack's dynalite (its state table holds the functions' refresh lease). */
  dynamoEndpoint?: string;
  checkpoints: { table: string } | { file: string };
}

/**
 * Registers `crm-sync backfill` (docs/reconciliation.md) on `program`.
 *
 * @example
 * registerBackfillCommand(program, io, setExitCode);
 */
export function registerBackfillCommand(
  program: Command,
  io: BackfillIo,
  setExitCode: (code: number) => void,
) {
  program
    .command('backfill')
    .description('list CRO customers (changed since --since, or all) and enqueue their events; resumable')
    .option('--since <iso>', 'only customers updated after this time (default: every customer)')
    .option(
      '--location <id...>',
      'only these CRO locations (default: every active one)',
      locationIds,
      undefined,
    )
    .option('--dry-run', 'print how many customers each location would list; enqueue nothing')
    .option('--rate <n>', 'events per second at most (default 100)', rate)
    .option('--json', 'machine-readable output')
    .option(
      '--local',
      'use the local stack of `npm start` (.local/stack.json); checkpoint in ' + LOCAL_CHECKPOINT_FILE,
    )
    .option('--stack <name>', 'read the queue, CRO URL, tenant, secret and state table from this stack')
    .option('--region <region>', 'AWS region (default: AWS_REGION / your profile)')
    .option('--endpoint-url <url>', 'SQS endpoint (an emulator)')
    .option('--crm-url <url>', 'CRO API base URL')
    .option('--tenant <id>', 'CRO tenant id')
    .option('--credentials <secret-id>', 'credentials secret id or ARN (or file:<path>)')
    .option(
      '--token-url <url>',
      "CRO's OAuth token endpoint, for a secret with the crm object (default: CRM_TOKEN_URL, the stack's)",
    )
    .addOption(
      new Option(
        '--client-auth <method>',
        "token endpoint client authentication (default: CRM_TOKEN_AUTH, the stack's, client_secret_basic)",
      ).choices(CLIENT_AUTH_METHODS),
    )
    .option('--to <queue-url>', 'event queue URL')
    .option('--table <name>', 'state table holding the checkpoints (shared with the scheduled function)')
    .option('--checkpoint-file <path>', `checkpoint file (default ${LOCAL_CHECKPOINT_FILE})`)
    .option('--vat-field <path>', 'where CRO customers keep their VAT number (CRM_VAT_FIELD)')
    .action(async (options: BackfillCommandOptions) => setExitCode(await backfillCommand(options, io)));
}

/**
 * `crm-sync backfill`: the reconciliation's listing and enqueueing, run from the operator's machine with a
 * progress bar and ETA. The checkpoint (per location, with the listing in progress) is the stack's table item
 * for `--stack` (so the scheduled function and the CLI never list one location at once) or a local file:
 * Ctrl-C stops after the page in flight, and the same command resumes. Returns the exit code: 0 every
 * location listed, 1 some failed or were busy, 130 interrupted.
 */
export async function backfillCommand(options: BackfillCommandOptions, io: BackfillIo): Promise<number> {
  const since = parseSince(options.since);
  const target = await resolveBackfillTarget(options, io);
  let config;
  try {
    config = loadReconcileConfig(target.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliUsageError(error.message, { cause: error });
    throw error;
  }
  const sqs = (io.sqsClient ?? createSqsClient)({
    from: '',
    to: config.queueUrl,
    sqsConfig: target.sqsConfig,
  });
  const region = target.region === undefined ? {} : { region: target.region };
  // The stack's table holds the checkpoints (unless --checkpoint-file) and the CRO OAuth refresh lease; the
  // local stack's dynalite only the lease (local checkpoints stay in the file).
  const dynamo =
    config.stateTableName === undefined
      ? undefined
      : target.dynamoEndpoint !== undefined
        ? new DynamoDBClient({
            ...region,
            endpoint: target.dynamoEndpoint,
            credentials: LOCAL_CREDENTIALS,
          })
        : (io.dynamo ?? ((c) => new DynamoDBClient(c)))(region);
  const store =
    'table' in target.checkpoints
      ? new DynamoCheckpointStore({
          client: dynamo!,
          tableName: target.checkpoints.table,
          tenantId: config.crmTenantId,
        })
      : await MemoryCheckpointStore.open({ tenantId: config.crmTenantId, file: target.checkpoints.file });
  const reader =
    io.secretReader ??
    createSecretReader(target.region === undefined ? {} : { client: new SecretsManagerClient(region) });
  // The same credentials as the deployed functions: with CRO OAuth, a refresh takes the fleet's lease and
  // writes the rotated refresh token back, so this process never sends one the functions have rotated.
  const deps = createReconcileDeps(config, {
    sqs,
    store,
    credentialParts: {
      reader,
      // The stack's region, not only the SDK's variables, for the OAuth rounds' reads and write-back.
      secrets: new SecretsManagerClient(region),
      logger: stderrLogger(io),
      ...(dynamo !== undefined && { dynamo }),
    },
  });
  const interrupt = io.interrupt ?? sigint(io);
  const budget: RunBudget = {
    canStart: () => !interrupt.aborted,
    deadline: () => Date.now() + 60_000,
    leaseMs: () => 120_000,
  };
  const request = { kind: 'backfill' as const, ...(since !== undefined && { since }) };
  try {
    const counts = await countWindows(deps, budget, {
      request,
      ...(options.location && { locationIds: options.location }),
    });
    if (options.dryRun) {
      io.stdout.write(
        options.json ? `${JSON.stringify(counts, null, 2)}\n` : `${renderWindowCounts(counts.locations)}\n`,
      );
      return 0;
    }
    const total = counts.locations.reduce((n, l) => n + l.customers, 0);
    const progress = createBackfillProgress(io.stderr, options.json ? 0 : total);
    const enqueued = new Map<number, number>();
    const summary = await runReconcile(deps, budget, {
      request,
      locationIds: counts.locations.map((l) => l.locationId),
      onPage: (page) => {
        enqueued.set(page.locationId, page.enqueued);
        progress.update([...enqueued.values()].reduce((n, v) => n + v, 0));
      },
    });
    progress.stop();
    const stopped = interrupt.aborted && summary.locations.some((l) => l.status === 'paused');
    io.stdout.write(
      options.json
        ? `${JSON.stringify({ ...summary, interrupted: stopped }, null, 2)}\n`
        : `${renderBackfillSummary(summary.locations)}\n`,
    );
    if (stopped) {
      io.stderr.write('crm-sync: interrupted: run the same command again to resume where it stopped\n');
      return INTERRUPTED;
    }
    const unfinished = summary.locations.filter((l) => l.status !== 'complete');
    for (const l of unfinished.filter((u) => u.status === 'busy'))
      io.stderr.write(`crm-sync: location ${l.locationId} is being listed by another run; try again later\n`);
    return unfinished.length > 0 ? 1 : 0;
  } finally {
    sqs.destroy();
  }
}

/** Works out the reconcile configuration (as environment variables) and where the checkpoints live. */
async function resolveBackfillTarget(
  options: BackfillCommandOptions,
  io: BackfillIo,
): Promise<BackfillTarget> {
  if (options.stack && options.local) throw new CliUsageError('give either --stack or --local, not both');
  const found: Partial<
    Record<
      'crmUrl' | 'tenant' | 'credentials' | 'tokenUrl' | 'clientAuth' | 'to' | 'table' | 'vatField',
      string
    >
  > = {};
  let endpoint = options.endpointUrl;
  let region = options.region;
  let lease: { table: string; endpoint: string } | undefined;
  if (options.local) {
    const stack = await readLocalStack(io.cwd);
    Object.assign(found, {
      crmUrl: stack.crmApiUrl,
      tenant: String(stack.tenantId),
      credentials: stack.credentialsSecretId,
      ...(stack.crmTokenUrl !== undefined && { tokenUrl: stack.crmTokenUrl }),
      to: stack.queueUrl,
      ...(stack.crmVatField !== undefined && { vatField: stack.crmVatField }),
    });
    endpoint ??= stack.sqsEndpoint;
    region ??= LOCAL_REGION;
    // With STATE_STORE=dynalite the local functions keep the CRO refresh lease there: so must this process.
    if (stack.dynamoEndpoint !== undefined && stack.stateTableName !== undefined)
      lease = { table: stack.stateTableName, endpoint: stack.dynamoEndpoint };
  } else if (options.stack) {
    const cloudFormation = (io.cloudFormation ?? ((c) => new CloudFormationClient(c)))(
      region ? { region } : {},
    );
    try {
      const outputs = await readStackOutputs(cloudFormation, options.stack);
      const required = requireOutputs(outputs, options.stack, [
        'QueueUrl',
        'StateTableName',
        'CrmApiUrl',
        'CrmTenantId',
        'CredentialsSecretId',
      ]);
      Object.assign(found, {
        crmUrl: required.CrmApiUrl,
        tenant: required.CrmTenantId,
        credentials: required.CredentialsSecretId,
        to: required.QueueUrl,
        table: required.StateTableName,
        ...(outputs.CrmTokenUrl && { tokenUrl: outputs.CrmTokenUrl }),
        ...(outputs.CrmTokenAuth && { clientAuth: outputs.CrmTokenAuth }),
        ...(outputs.CrmVatField && { vatField: outputs.CrmVatField }),
      });
    } finally {
      cloudFormation.destroy();
    }
  }
  const env = io.env ?? process.env;
  const value = (key: keyof typeof found) => options[key] ?? found[key];
  const missing = (['crmUrl', 'tenant', 'credentials', 'to'] as const).filter((key) => !value(key));
  if (missing.length > 0) {
    const flags = missing.map((key) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    throw new CliUsageError(`give ${flags.join(', ')}, or --stack <name> or --local`);
  }
  const table = value('table');
  const leaseTable = table ?? lease?.table;
  const vatField = value('vatField');
  const tokenUrl = options.tokenUrl ?? (env.CRM_TOKEN_URL || found.tokenUrl);
  const clientAuth = options.clientAuth ?? (env.CRM_TOKEN_AUTH || found.clientAuth);
  return {
    env: {
      CRM_API_URL: value('crmUrl')!,
      CRM_TENANT_ID: value('tenant')!,
      CREDENTIALS_SECRET_ID: value('credentials')!,
      ...(tokenUrl && { CRM_TOKEN_URL: tokenUrl }),
      ...(clientAuth && { CRM_TOKEN_AUTH: clientAuth }),
      ...(leaseTable !== undefined && { STATE_TABLE_NAME: leaseTable }),
      QUEUE_URL: value('to')!,
      ...(vatField !== undefined && { CRM_VAT_FIELD: vatField }),
      ...(options.rate !== undefined && { RECONCILE_ENQUEUE_RATE: String(options.rate) }),
    },
    sqsConfig: sqsConfigFor({ region, endpoint, local: options.local ?? false }, io.env),
    ...(region !== undefined && { region }),
    ...(table === undefined && lease !== undefined && { dynamoEndpoint: lease.endpoint }),
    checkpoints:
      table !== undefined && options.checkpointFile === undefined
        ? { table }
        : { file: join(io.cwd, options.checkpointFile ?? LOCAL_CHECKPOINT_FILE) },
  };
}

/** `--since`: an ISO 8601 time in the past, in canonical form. */
function parseSince(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const canonical = normaliseSourceTimestamp(value);
  if (canonical === undefined) throw new CliUsageError(`--since ${value} is not an ISO 8601 time`);
  if (Date.parse(canonical) > Date.now()) throw new CliUsageError(`--since ${value} is in the future`);
  return canonical;
}

/** Commander parser for `--location`: positive integers, repeatable (`--location 1 2` or `--location 1 --location 2`). */
function locationIds(value: string, previous: number[] | undefined): number[] {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1)
    throw new InvalidArgumentError('must be a location id');
  return [...(previous ?? []), Number(value)];
}

function rate(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 3_000) {
    throw new InvalidArgumentError('must be a whole number of events per second, 1 to 3000');
  }
  return n;
}

/**
 * The CRO OAuth rounds' log lines on stderr: warnings and errors only (a lost authorization names the
 * command that fixes it); the provider's lines never carry a token.
 */
function stderrLogger(io: BackfillIo): TokenLogger {
  const write = (message: string) => io.stderr.write(`crm-sync: ${message}\n`);
  return { info: () => undefined, warn: write, error: write } as TokenLogger;
}

/** Ctrl-C once: stop after the page in flight (progress is saved); twice: quit at once. */
function sigint(io: BackfillIo): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    io.stderr.write('\ncrm-sync: stopping after the current page (Ctrl-C again to quit at once)\n');
    controller.abort();
    process.once('SIGINT', () => process.exit(INTERRUPTED));
  });
  return controller.signal;
}
