// Entry point of the `crm-sync` CLI (bin/crm-sync.mjs imports it after checking the Node version).
import { runCli } from './program.ts';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
});
