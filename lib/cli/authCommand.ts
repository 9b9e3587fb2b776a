import { createHash, randomBytes } from 'node:crypto';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { LocalStackFileError } from '../local/errors.ts';
import { localPaths, readStackFile } from '../local/localFiles.ts';
import { requestToken } from '../oauth/tokenEndpoint.ts';
import { CLIENT_AUTH_METHODS, type ClientAuthMethod, type OAuthCredentials } from '../oauth/types.ts';
import { createSecretReader } from '../secrets/createSecretReader.ts';
import { createSecretWriter } from '../secrets/createSecretWriter.ts';
import { parseSecretJson } from '../secrets/credentialsProvider.ts';
import type { CliIo } from './dlqCommands.ts';
import { CliUsageError } from './errors.ts';
import { readStackOutputs, requireOutputs } from './target.ts';

export interface AuthCommandOptions {
  secretId?: string;
  stack?: string;
  local?: boolean;
  authorizeUrl?: string;
  tokenUrl?: string;
  clientId?: string;
  clientAuth?: ClientAuthMethod;
  scope?: string;
  manual?: boolean;
  /** Callback port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  /** The registered landing URL (`--manual`; default `http://127.0.0.1/callback`). */
  redirectUri?: string;
  region?: string;
  endpointUrl?: string;
  /** Seconds to wait for the browser. */
  timeout?: number;
}

/** What `crm-sync auth` needs beyond the other commands: a terminal to read from, Secrets Manager. */
export interface AuthIo extends CliIo {
  /** Where `--manual` reads the pasted code or redirect URL. @default process.stdin */
  stdin?: NodeJS.ReadableStream;
  /** @default a client with `--region` / `--endpoint-url` */
  secretsManager?: (config: { region?: string; endpoint?: string }) => SecretsManagerClient;
}

/**
 * `crm-sync auth`: obtains CRO's first refresh token (docs/cro-oauth.md) — OAuth 2.0 Authorization Code with PKCE
 * (S256, RFC 7636) and a random `state`, the code caught by a one-shot callback server on 127.0.0.1 (or,
 * with `--manual`, pasted: the code or the whole redirect URL) — then writes the `crm` object into the
 * credentials secret (`--secret-id`, `--stack`, or `--local`'s `file:` secret), keeping its other keys.
 * The client id and secret come from the flags / `CRM_CLIENT_ID`, `CRM_CLIENT_SECRET` or the secret itself;
 * the endpoints from the flags / `CRM_AUTHORIZE_URL`, `CRM_TOKEN_URL` or the stack. No token is printed.
 *
 * @example
 * process.exitCode = await authCommand({ local: true }, { stdout, stderr, cwd });
 */
export async function authCommand(options: AuthCommandOptions, io: AuthIo): Promise<number> {
  const env = io.env ?? process.env;
  const target = await resolveSecret(options, io);
  const sm = (io.secretsManager ?? ((config) => new SecretsManagerClient(config)))({
    ...(options.region && { region: options.region }),
    ...(options.endpointUrl && { endpoint: options.endpointUrl }),
  });
  const read = createSecretReader({ client: sm, ttlMs: 0, minRefreshIntervalMs: 0 });
  const write = createSecretWriter({ client: sm });
  const loadSecret = async () =>
    parseSecretJson(target.secretId, await read(target.secretId, { forceRefresh: true }));
  try {
    const existing = (await loadSecret()).crm as Partial<OAuthCredentials> | undefined;
    const clientId = options.clientId ?? env.CRM_CLIENT_ID ?? existing?.clientId;
    const clientSecret = env.CRM_CLIENT_SECRET ?? existing?.clientSecret;
    const authorizeUrl = options.authorizeUrl ?? env.CRM_AUTHORIZE_URL ?? target.authorizeUrl;
    const tokenUrl = options.tokenUrl ?? env.CRM_TOKEN_URL ?? target.tokenUrl;
    const clientAuth = options.clientAuth ?? clientAuthFrom(env.CRM_TOKEN_AUTH);
    const missing = [
      [clientId, '--client-id (or CRM_CLIENT_ID)'],
      [clientSecret, 'CRM_CLIENT_SECRET'],
      [authorizeUrl, '--authorize-url (or CRM_AUTHORIZE_URL)'],
      [tokenUrl, '--token-url (or CRM_TOKEN_URL)'],
    ].flatMap(([value, name]) => (value ? [] : [name!]));
    if (missing.length > 0) {
      throw new CliUsageError(
        `missing ${missing.join(', ')}: not in the flags, the environment or the secret`,
      );
    }

    const verifier = randomBytes(32).toString('base64url');
    const state = randomBytes(16).toString('base64url');
    const authorization = (redirectUri: string) => {
      const url = new URL(authorizeUrl!);
      const params = {
        response_type: 'code',
        client_id: clientId!,
        redirect_uri: redirectUri,
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
        state,
        ...(options.scope !== undefined && { scope: options.scope }),
      };
      for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
      return url.toString();
    };
    const timeoutMs = (options.timeout ?? 300) * 1000;
    const { code, redirectUri } = options.manual
      ? await pasteCode(options.redirectUri ?? 'http://127.0.0.1/callback', authorization, state, io)
      : await catchCallback(options.port ?? 0, authorization, state, timeoutMs, io);

    const tokens = await requestToken(
      { url: tokenUrl!, clientAuth },
      { clientId: clientId!, clientSecret: clientSecret! },
      { type: 'authorization_code', code, redirectUri, codeVerifier: verifier },
    );
    if (tokens.refreshToken === undefined) {
      throw new CliUsageError('the authorization server issued no refresh token: check the client and scope');
    }
    const crm: OAuthCredentials = {
      clientId: clientId!,
      clientSecret: clientSecret!,
      refreshToken: tokens.refreshToken,
      accessToken: tokens.accessToken,
      accessTokenExpiresAt: new Date(tokens.expiresAt).toISOString(),
    };
    // Read again: the secret may have changed while the browser was open (a refresh, an edit).
    await write(target.secretId, JSON.stringify({ ...(await loadSecret()), crm }, null, 2));
    io.stdout.write(
      `Authorized: the crm OAuth credentials are in ${target.label} (the other keys kept). ` +
        `crm-sync refreshes the access token from now on.\n`,
    );
    return 0;
  } finally {
    sm.destroy();
  }
}

interface SecretTarget {
  secretId: string;
  label: string;
  authorizeUrl?: string;
  tokenUrl?: string;
}

async function resolveSecret(options: AuthCommandOptions, io: AuthIo): Promise<SecretTarget> {
  const given = [options.secretId !== undefined, options.stack !== undefined, options.local === true];
  if (given.filter(Boolean).length !== 1) {
    throw new CliUsageError('give one of --secret-id <id>, --stack <name> or --local');
  }
  if (options.secretId !== undefined)
    return { secretId: options.secretId, label: `secret ${options.secretId}` };
  if (options.local) {
    const dir = join(io.cwd, '.local');
    try {
      const stack = await readStackFile(dir);
      return {
        secretId: stack.credentialsSecretId,
        label: '.local/credentials.json',
        ...(stack.crmAuthorizeUrl !== undefined && { authorizeUrl: stack.crmAuthorizeUrl }),
        ...(stack.crmTokenUrl !== undefined && { tokenUrl: stack.crmTokenUrl }),
      };
    } catch (error) {
      // No running stack: the file the next `npm start` reads (the endpoints must then be given).
      if (!(error instanceof LocalStackFileError)) throw error;
      return { secretId: `file:${localPaths(dir).credentials}`, label: '.local/credentials.json' };
    }
  }
  const makeClient = io.cloudFormation ?? ((config) => new CloudFormationClient(config));
  const client = makeClient({ ...(options.region && { region: options.region }) });
  try {
    const outputs = await readStackOutputs(client, options.stack!);
    const { CredentialsSecretId: secretId } = requireOutputs(outputs, options.stack!, [
      'CredentialsSecretId',
    ]);
    return {
      secretId,
      label: `secret ${secretId} (stack ${options.stack})`,
      ...(outputs.CrmTokenUrl && { tokenUrl: outputs.CrmTokenUrl }),
    };
  } finally {
    client.destroy();
  }
}

/** Serves one callback on 127.0.0.1: the code once `state` matches; another state is refused and waited past. */
async function catchCallback(
  port: number,
  authorization: (redirectUri: string) => string,
  state: string,
  timeoutMs: number,
  io: AuthIo,
): Promise<{ code: string; redirectUri: string }> {
  let settle!: { resolve: (code: string) => void; reject: (error: Error) => void };
  const result = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const page = (status: number, text: string) =>
      res
        .writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
        .end(`<!doctype html><title>crm-sync</title><p>${text}</p>`);
    if (url.pathname !== '/callback') return page(404, 'Not found.');
    if (url.searchParams.get('state') !== state) {
      return page(
        400,
        'This answer does not belong to the running <code>crm-sync auth</code> (state mismatch).',
      );
    }
    const error = url.searchParams.get('error');
    if (error !== null) {
      page(400, 'Authorization was not granted. You can close this tab.');
      return settle.reject(new AuthorizationDeniedError(error, url.searchParams.get('error_description')));
    }
    const code = url.searchParams.get('code');
    if (!code) return page(400, 'The answer has no code.');
    page(200, 'crm-sync is authorized. You can close this tab.');
    settle.resolve(code);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
  const timer = setTimeout(
    () => settle.reject(new CliUsageError(`no answer from the browser within ${timeoutMs / 1000} s`)),
    timeoutMs,
  );
  io.stdout.write(
    `Open this URL in a browser and allow access (waiting on ${redirectUri}):\n\n${authorization(redirectUri)}\n\n`,
  );
  try {
    return { code: await result, redirectUri };
  } finally {
    clearTimeout(timer);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** `--manual`: prints the URL, reads the code or the whole redirect URL from stdin. */
async function pasteCode(
  redirectUri: string,
  authorization: (redirectUri: string) => string,
  state: string,
  io: AuthIo,
): Promise<{ code: string; redirectUri: string }> {
  io.stdout.write(
    `Open this URL in a browser and allow access:\n\n${authorization(redirectUri)}\n\n` +
      'Then paste the address the browser was sent to (or just its code) and press Enter:\n',
  );
  const lines = createInterface({ input: io.stdin ?? process.stdin, terminal: false });
  let line: string | undefined;
  try {
    for await (const next of lines) {
      if (next.trim() !== '') {
        line = next.trim();
        break;
      }
    }
  } finally {
    lines.close();
  }
  if (line === undefined) throw new CliUsageError('no code was pasted');
  if (!/^https?:\/\//i.test(line)) return { code: line, redirectUri };
  const url = new URL(line);
  if (url.searchParams.get('state') !== state) {
    throw new CliUsageError('the pasted address does not belong to this authorization (state mismatch)');
  }
  const error = url.searchParams.get('error');
  if (error !== null) throw new AuthorizationDeniedError(error, url.searchParams.get('error_description'));
  const code = url.searchParams.get('code');
  if (!code) throw new CliUsageError('the pasted address has no code');
  return { code, redirectUri };
}

/** The authorization server (or the user) refused: `error` from the redirect (RFC 6749 §4.1.2.1). */
export class AuthorizationDeniedError extends Error {
  readonly code: string;

  constructor(code: string, description: string | null) {
    const safe = (text: string) => text.replace(/[^\x20-\x7E]/g, '').slice(0, 120);
    super(`authorization refused: ${safe(code)}${description ? ` (${safe(description)})` : ''}`);
    this.name = 'AuthorizationDeniedError';
    this.code = code;
  }
}

function clientAuthFrom(value: string | undefined): ClientAuthMethod {
  if (value === undefined || value === '') return 'client_secret_basic';
  if ((CLIENT_AUTH_METHODS as readonly string[]).includes(value)) return value as ClientAuthMethod;
  throw new CliUsageError(`CRM_TOKEN_AUTH must be one of ${CLIENT_AUTH_METHODS.join(', ')}`);
}

/**
 * Adds `crm-sync auth` to the program.
 *
 * @example
 * registerAuthCommand(program, io, setExitCode);
 */
export function registerAuthCommand(program: Command, io: AuthIo, setExitCode: (code: number) => void): void {
  program
    .command('auth')
    .description(
      'authorize crm-sync at CRO (OAuth 2.0 + PKCE) and store the refresh token in the credentials secret',
    )
    .option('--secret-id <id>', 'Secrets Manager id or ARN of the credentials secret')
    .option('--stack <name>', 'the credentials secret of this deployed crm-sync stack (its outputs)')
    .option('--local', 'the local stack of `npm start` (.local/credentials.json)')
    .option('--authorize-url <url>', "CRO's authorize endpoint (default: CRM_AUTHORIZE_URL)")
    .option('--token-url <url>', "CRO's token endpoint (default: CRM_TOKEN_URL, the stack's)")
    .option(
      '--client-id <id>',
      "the OAuth client id (default: CRM_CLIENT_ID, the secret's); the client secret comes from CRM_CLIENT_SECRET or the secret",
    )
    .addOption(
      new Option(
        '--client-auth <method>',
        'token endpoint client authentication (default: CRM_TOKEN_AUTH, client_secret_basic)',
      ).choices(CLIENT_AUTH_METHODS),
    )
    .option('--scope <scope>', 'scope to request')
    .option('--port <port>', 'callback port on 127.0.0.1 (default: a free one)', nonNegativePort)
    .option('--manual', 'no callback server: print the URL, then paste the code or the redirect URL')
    .option(
      '--redirect-uri <uri>',
      'with --manual: the registered landing URL (default http://127.0.0.1/callback)',
    )
    .option('--timeout <seconds>', 'how long to wait for the browser (default 300)', positiveSeconds)
    .option('--region <region>', 'AWS region (default: AWS_REGION / your profile)')
    .option('--endpoint-url <url>', 'Secrets Manager endpoint')
    .action(async (options: AuthCommandOptions) => setExitCode(await authCommand(options, io)));
}

function positiveSeconds(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1)
    throw new InvalidArgumentError('must be a whole number of seconds');
  return n;
}

function nonNegativePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 65_535)
    throw new InvalidArgumentError('must be a port number (0 for any)');
  return n;
}
