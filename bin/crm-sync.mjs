#!/usr/bin/env node
// The `crm-sync` command (package.json "bin"). Plain JavaScript so it can refuse an old Node with a clear
// message; then it imports the TypeScript program, which Node ≥ 22.18 runs directly (type stripping).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `crm-sync needs Node.js >= 22.18 (this is ${process.versions.node}). ` +
      'Run it through npm (`npx crm-sync ...`), which uses the Node 24 that `npm install` put in node_modules/.bin.\n',
  );
  process.exit(2);
}
const { runCli } = await import('../lib/cli/program.ts');
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
});
