export { runCli } from './program.ts';
export type { CliIo } from './commands.ts';
export { CliUsageError } from './errors.ts';
