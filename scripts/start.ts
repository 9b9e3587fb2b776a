// `npm start`: the whole integration on this machine — see README "Run it locally".
// Environment: PORT (3000), CRM_TENANT_ID (42), IC_API_URL + IC_API_TOKEN and/or CRM_API_URL + CRM_API_TOKEN
// (real APIs instead of the simulators; or CRM_API_URL + CRM_TOKEN_URL [+ CRM_AUTHORIZE_URL] for CRO OAuth with
// the `crm` object `npx crm-sync auth --local` writes), CRM_AUTH=static (the CRO simulator with a static token
// instead of OAuth), CRM_ACCESS_TOKEN_TTL (seconds, the simulator's access tokens: 300),
// STATE_STORE=dynalite, FIFO=true, LOG_LEVEL=debug (every log line),
// DEFAULT_COUNTRY / DEFAULT_LOCALE / VAT_CONFLICT_POLICY / RETRY_BASE_SECONDS / IC_WRITE_SETTLE_MS (passed to customer-sync), LOCAL_DIR (.local),
// DIST_DIR (dist/functions: the bundles `npm run build` wrote), RECONCILE_INTERVAL_SECONDS (60; 0: only on demand),
// CRM_LOCATION_IDS / CRM_VAT_FIELD (passed to reconcile).
import { relative } from 'node:path';
import { createInterface } from 'node:readline';
import { formatActivity } from '../lib/local/activity.ts';
import { exampleEvent, signedCurlExample } from '../lib/local/exampleEvent.ts';
import { startLocalStack } from '../lib/local/startLocalStack.ts';

const env = process.env;
const verbose = (env.LOG_LEVEL ?? '').toLowerCase() === 'debug';
const time = () => new Date().toISOString().slice(11, 19);
const print = (line: string) => console.log(`${time()}  ${line}`);

function requireToken(urlVar: string, tokenVar: string): string | undefined {
  if (env[urlVar] === undefined || env[urlVar] === '') return undefined;
  const token = env[tokenVar];
  if (token === undefined || token === '') {
    console.error(
      `${urlVar} is set, so ${tokenVar} must hold that API's token (it goes to .local/credentials.json).`,
    );
    process.exit(2);
  }
  return token;
}
const icToken = requireToken('IC_API_URL', 'IC_API_TOKEN');
const crmTokenUrl = env.CRM_API_URL && env.CRM_TOKEN_URL ? env.CRM_TOKEN_URL : undefined;
const crmToken = crmTokenUrl === undefined ? requireToken('CRM_API_URL', 'CRM_API_TOKEN') : undefined;
const realCrm = crmToken !== undefined || crmTokenUrl !== undefined;
if (env.CRM_ACCESS_TOKEN_TTL && !/^[1-9]\d*$/.test(env.CRM_ACCESS_TOKEN_TTL)) {
  console.error(
    'CRM_ACCESS_TOKEN_TTL must be a whole number of seconds (the CRO simulator access token lifetime).',
  );
  process.exit(2);
}
const syncEnv = Object.fromEntries(
  [
    'DEFAULT_COUNTRY',
    'DEFAULT_LOCALE',
    'VAT_CONFLICT_POLICY',
    'CRM_API_VERSION',
    'RETRY_BASE_SECONDS',
    'IC_WRITE_SETTLE_MS',
  ]
    .filter((name) => env[name] !== undefined && env[name] !== '')
    .map((name) => [name, env[name]!]),
);

// CRM_API_VERSION too: both functions call CRO, and they must ask for the same version of its API.
const reconcileEnv = Object.fromEntries(
  ['CRM_LOCATION_IDS', 'CRM_VAT_FIELD', 'CRM_API_VERSION']
    .filter((name) => env[name] !== undefined && env[name] !== '')
    .map((name) => [name, env[name]!]),
);
const reconcileSeconds = Number(env.RECONCILE_INTERVAL_SECONDS ?? 60);
if (!Number.isInteger(reconcileSeconds) || reconcileSeconds < 0) {
  console.error('RECONCILE_INTERVAL_SECONDS must be a whole number of seconds (0: reconcile only on demand)');
  process.exit(2);
}

let stack: Awaited<ReturnType<typeof startLocalStack>>;
try {
  stack = await startLocalStack({
    port: Number(env.PORT ?? 3000),
    tenantId: Number(env.CRM_TENANT_ID ?? 42),
    ...(icToken !== undefined && { icApiUrl: env.IC_API_URL }),
    ...(realCrm && { crmApiUrl: env.CRM_API_URL }),
    ...(crmTokenUrl !== undefined && { crmTokenUrl }),
    ...(env.CRM_AUTHORIZE_URL && { crmAuthorizeUrl: env.CRM_AUTHORIZE_URL }),
    crmAuth: env.CRM_AUTH === 'static' ? 'static' : 'oauth',
    ...(env.CRM_ACCESS_TOKEN_TTL && { crmAccessTokenTtlSeconds: Number(env.CRM_ACCESS_TOKEN_TTL) }),
    credentials: {
      ...(icToken !== undefined && { invisibleCollectorToken: icToken }),
      ...(crmToken !== undefined && { crmToken }),
    },
    state: env.STATE_STORE === 'dynalite' ? 'dynalite' : 'memory',
    fifo: env.FIFO === 'true',
    ...(env.LOCAL_DIR && { localDir: env.LOCAL_DIR }),
    ...(env.DIST_DIR && { distDir: env.DIST_DIR }),
    syncEnv,
    reconcileEnv,
    reconcileIntervalMs: reconcileSeconds * 1000,
    onActivity: (activity) => print(formatActivity(activity)),
    ...(verbose && { onLog: (line: string, name: string) => console.log(`${name}: ${line}`) }),
  });
} catch (error) {
  const code = (error as { code?: string }).code;
  console.error(
    code === 'EADDRINUSE'
      ? `port ${env.PORT ?? 3000} is in use: set PORT to another one (PORT=0 picks a free port)`
      : `the local stack did not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
}

const secretFile = relative(process.cwd(), stack.webhookSecretFile);
const apis = [
  stack.ic ? 'Invisible Collector simulator' : `Invisible Collector at ${stack.icApiUrl}`,
  stack.cro
    ? `CRO simulator (locations 1–3, customers 1, 2, 3${stack.croOAuth ? ', OAuth 2.0 with rotating refresh tokens' : ''})`
    : `CRO at ${stack.crmApiUrl}${stack.crmTokenUrl ? ' (OAuth: npx crm-sync auth --local)' : ''}`,
].join(', ');
console.log(`
crm-sync local stack ready: webhook ${stack.webhookUrl}
  console ${stack.consoleUrl}  (the simulators' data, faults, queues, DLQ and this log, live)
  queue ${stack.queueUrl}
  DLQ   ${stack.dlqUrl}
  APIs  ${apis}
  files ${relative(process.cwd(), stack.stackFile)}, ${secretFile}, ${relative(process.cwd(), stack.credentialsSecretId.slice('file:'.length))}

Send a signed event:  npm run send-example  (customer 1; npm run send-example -- 2 for customer 2)
or with curl:
${signedCurlExample(stack.webhookUrl, secretFile, JSON.stringify(exampleEvent(stack.tenantId, 1)))}

Reconcile (list CRO, enqueue what changed): ${reconcileSeconds > 0 ? `at start and every ${reconcileSeconds} s; ` : ''}type r + Enter to run it now,
or npx crm-sync backfill --local  (progress bar, resumable; --dry-run counts per location)

Ctrl-C stops. Processed events:`);
// Changes made through the console or `crm-sync local` are printed among the events they cause.
stack.log.subscribe((entry) => {
  if (entry.kind === 'control') print(entry.text);
});

// On demand: `r` + Enter runs the reconciliation now (its totals print as a `reconcile` line).
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim().toLowerCase() !== 'r') return;
  print('reconcile      run requested');
  stack
    .reconcileNow()
    .catch((error: unknown) =>
      print(`reconcile ERROR  ${error instanceof Error ? error.message : String(error)}`),
    );
});

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  print(`${signal}: stopping`);
  await stack.stop();
  print('stopped');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
