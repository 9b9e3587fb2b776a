import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ReplayError } from '../replay/errors.ts';
import { type AuthIo, registerAuthCommand } from './authCommand.ts';
import {
  dlqCommand,
  type DlqCommandOptions,
  replayCommand,
  type ReplayCommandOptions,
} from './dlqCommands.ts';
import { registerDoctorCommand } from './doctorCommand.ts';
import { CliUsageError } from './errors.ts';
import { type BackfillIo, registerBackfillCommand } from './backfillCommand.ts';
import { registerLocalCommands } from './localCommands.ts';

/**
 * Runs the `crm-sync` CLI with `argv` (without `node` and the script) and resolves its exit code:
 * 0 done, 1 some sends failed (or an unexpected error), 2 bad usage or configuration.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
 */
export async function runCli(argv: readonly string[], io: AuthIo & BackfillIo): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2; // --help, --version, bad option
    if (error instanceof CliUsageError || error instanceof ReplayError) {
      io.stderr.write(`crm-sync: ${error.message}\n`);
      return 2;
    }
    // SDK and other failures: name and message only (no stack, no request dump).
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`crm-sync: ${name}: ${message}\n`);
    return 1;
  }
}

function buildProgram(io: AuthIo & BackfillIo, setExitCode: (code: number) => void): Command {
  const program = new Command('crm-sync')
    .description(
      'Operator tools for crm-sync: inspect and replay the dead-letter queue, backfill from CRO, check a deployment (doctor); authorize at CRO; steer the local stack.',
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });

  const withTarget = (command: Command) =>
    command
      .option('--from <dlq-url>', 'dead-letter queue URL')
      .option('--stack <name>', 'read QueueUrl / DlqUrl from this CloudFormation stack')
      .option('--local', 'use the local stack of `npm start` (.local/stack.json)')
      .option('--endpoint-url <url>', 'SQS endpoint (an emulator)')
      .option('--region <region>', 'AWS region (default: AWS_REGION / your profile)')
      .option('--customer <id>', 'only this CRO customer id')
      .option('--type <type>', 'only this event type, e.g. crm.customer.updated')
      .option('--reason <reason>', "only this failure-reason ('redriven': retries exhausted)")
      .option(
        '--event-id <id>',
        'only the event with this CloudEvent id (as npm start and the logs print it)',
      )
      .option('--json', 'machine-readable output');

  withTarget(
    program
      .command('replay')
      .description('move dead-lettered events back to the event queue (docs/events.md#replay)')
      .option('--to <queue-url>', 'event queue URL'),
  )
    .option('--dry-run', 'list what would be replayed (and summarise the DLQ); move nothing')
    .option('--max <n>', 'replay at most n messages', positiveInteger)
    .option('--rate <n>', 'at most n messages per second', positiveRate)
    .option('--copy', 'copy: leave the DLQ intact')
    .action(async (options: ReplayCommandOptions) => setExitCode(await replayCommand(options, io)));

  withTarget(
    program
      .command('dlq')
      .description('summarise the dead-letter queue by failure reason and event type; nothing moves'),
  )
    .addOption(new Option('--list', 'also list every message (event id, customer, reason, age, detail)'))
    .action(async (options: DlqCommandOptions) => setExitCode(await dlqCommand(options, io)));

  registerBackfillCommand(program, io, setExitCode);
  registerDoctorCommand(program, io, setExitCode);
  registerAuthCommand(program, io, setExitCode);
  registerLocalCommands(program, io);
  return program;
}

/** Commander parser for `--max`: a positive integer. */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('must be a positive integer');
  }
  return n;
}

/** Commander parser for `--rate`: a positive number of messages per second (fractions allowed). */
export function positiveRate(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError('must be a positive number of messages per second');
  }
  return n;
}
