import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { CroClient } from '../crm/CroClient.ts';
import {
  ApiAuthError,
  ApiError,
  ApiNetworkError,
  ApiNotFoundError,
  ApiTimeoutError,
} from '../http/errors.ts';
import type { ApiName } from '../http/errors.ts';
import type { TokenProvider } from '../http/types.ts';
import { InvisibleCollectorClient } from '../invisible-collector/InvisibleCollectorClient.ts';
import type { SecretReader } from '../secrets/createSecretReader.ts';
import { parseCredentials } from '../secrets/credentialsProvider.ts';
import { SecretError } from '../secrets/errors.ts';
import { parseWebhookSecrets } from '../secrets/webhookSecretProvider.ts';
import type { QueueSettings } from '../settings/queueSettings.ts';

/** What a deployment (a stack's outputs, or `npm start`'s `.local/stack.json`) says the parts are. */
export interface DoctorTarget {
  /** `aws`: a deployed stack (fixes name Secrets Manager and `cdk deploy`); `local`: `npm start`. */
  kind: 'aws' | 'local';
  queueUrl: string;
  dlqUrl: string;
  credentialsSecretId: string;
  webhookSecretId: string;
  icApiUrl: string;
  crmApiUrl: string;
  crmTenantId: number;
  /** The attributes the queues must have; unset: an older stack that does not publish them. */
  queueSettings?: QueueSettings;
}

/** How the checks reach things. */
export interface DoctorDeps {
  sqs: SQSClient;
  readSecret: SecretReader;
  /** Per-request timeout of the API probes. @default 5000 */
  timeoutMs?: number;
  /** @default Date.now */
  now?: () => number;
}

/** One line of the report. */
export interface CheckResult {
  check: string;
  ok: boolean;
  /** Not run, and not a failure (e.g. CRO with OAuth and no valid stored access token). */
  skipped?: boolean;
  /** What was found (never a secret value). */
  detail: string;
  /** What to do, when not ok. */
  fix?: string;
}

/** The external id the Invisible Collector probe searches for: no real customer has it. */
export const IC_PROBE_EXTERNAL_ID = 'crm-sync-doctor-probe';
/** The CRO customer id the CRO probe reads: a 404 proves the API, the token and the tenant as well as a 200. */
export const CRO_PROBE_CUSTOMER_ID = Number.MAX_SAFE_INTEGER;

/**
 * Checks a deployment the way its functions will use it, one result per check, failures with their fix: both
 * secrets readable and well-formed; Invisible Collector and CRO reachable and accepting their tokens (a cheap
 * authenticated GET each, never a write: `GET /customers/find?externalId=crm-sync-doctor-probe` answering 200
 * and `GET /customers/<id>` for an id no customer has, 404 counting as reachable and authorized); the event
 * queue redriving to the DLQ with the expected `maxReceiveCount`, visibility timeout and retention; the DLQ's
 * retention. The API probes run from where the command runs, not from the functions' network.
 *
 * @example
 * const results = await runDoctor(target, { sqs, readSecret: createSecretReader() });
 * const healthy = results.every((r) => r.ok);
 */
export async function runDoctor(target: DoctorTarget, deps: DoctorDeps): Promise<CheckResult[]> {
  const [credentials, webhook, queues] = await Promise.all([
    checkCredentials(target, deps),
    checkWebhookSecret(target, deps),
    checkQueues(target, deps.sqs),
  ]);
  const tokens = credentials.tokens;
  const apis =
    tokens === undefined
      ? (['invisible-collector', 'cro'] as const).map((api) => notProbed(api))
      : await Promise.all([
          probeInvisibleCollector(target, tokens.ic, deps),
          tokens.cro === undefined ? oauthNotProbed() : probeCro(target, tokens.cro, deps),
        ]);
  return [credentials.result, webhook, ...apis, ...queues];
}

const API_LABEL: Record<ApiName, string> = {
  'invisible-collector': 'Invisible Collector API',
  cro: 'CRO API',
};

async function checkCredentials(
  target: DoctorTarget,
  deps: DoctorDeps,
): Promise<{ result: CheckResult; tokens?: { ic: TokenProvider; cro?: TokenProvider } }> {
  const id = target.credentialsSecretId;
  const now = deps.now ?? Date.now;
  const { result, value } = await checkSecret('credentials secret', id, target, deps, {
    // The functions' own parser: the same rules.
    parse: async (text) => parseCredentials(id, text),
    describe: (secret) =>
      secret.crm === undefined
        ? 'JSON with invisibleCollectorToken and crmToken'
        : 'JSON with invisibleCollectorToken and the crm OAuth credentials',
    fix: {
      aws: `aws secretsmanager put-secret-value --secret-id ${id} --secret-string '{"invisibleCollectorToken":"<IC token>","crmToken":"<CRO token>"}' (or npx crm-sync auth for CRO OAuth)`,
      local: `write {"invisibleCollectorToken": "...", "crmToken": "..."} to ${localPath(id)}, or delete it and restart npm start`,
    },
  });
  if (value === undefined) return { result };
  const fixed =
    (token: string): TokenProvider =>
    () =>
      Promise.resolve(token);
  // With OAuth, only a stored access token that is still valid is used: refreshing here would rotate the
  // refresh token under the functions' feet.
  const oauthToken =
    value.crm?.accessToken !== undefined &&
    value.crm.accessTokenExpiresAt !== undefined &&
    Date.parse(value.crm.accessTokenExpiresAt) > now() + 30_000
      ? value.crm.accessToken
      : undefined;
  const cro = value.crm === undefined ? value.crmToken : oauthToken;
  return {
    result,
    tokens: {
      ic: fixed(value.invisibleCollectorToken),
      ...(cro !== undefined && { cro: fixed(cro) }),
    },
  };
}

async function checkWebhookSecret(target: DoctorTarget, deps: DoctorDeps): Promise<CheckResult> {
  const id = target.webhookSecretId;
  const { result } = await checkSecret('webhook secret', id, target, deps, {
    parse: async (text) => parseWebhookSecrets(id, text),
    describe: (secrets) => `${secrets.length} whsec_ secret(s)`,
    fix: {
      aws: `aws secretsmanager put-secret-value --secret-id ${id} --secret-string 'whsec_<base64>' (the CRM's signing secret; several, space-separated, while rotating)`,
      local: `write a whsec_<base64> secret to ${localPath(id)}, or delete it and restart npm start`,
    },
  });
  return result;
}

/**
 * Reads a secret (bypassing any cache) and parses it with the functions' own parser: unreadable and malformed
 * are both failures, each with its fix; never the value.
 */
async function checkSecret<T>(
  check: string,
  id: string,
  target: DoctorTarget,
  deps: DoctorDeps,
  how: {
    parse: (text: string) => Promise<T>;
    describe: (value: T) => string;
    fix: Record<DoctorTarget['kind'], string>;
  },
): Promise<{ result: CheckResult; value?: T }> {
  let text: string;
  try {
    text = await deps.readSecret(id, { forceRefresh: true });
  } catch (error) {
    if (error instanceof SecretError) return { result: unreadable(check, id, error, target) };
    throw error;
  }
  try {
    const value = await how.parse(text);
    return { result: { check, ok: true, detail: `${id}: ${how.describe(value)}` }, value };
  } catch (error) {
    if (!(error instanceof SecretError)) throw error;
    return { result: { check, ok: false, detail: error.message, fix: how.fix[target.kind] } };
  }
}

function unreadable(check: string, id: string, error: SecretError, target: DoctorTarget): CheckResult {
  return {
    check,
    ok: false,
    detail: error.message,
    fix:
      target.kind === 'aws'
        ? `check that ${id} exists in this region and that your credentials may read it (secretsmanager:GetSecretValue, kms:Decrypt on its key)`
        : `restart npm start: it writes ${localPath(id)}`,
  };
}

function notProbed(api: ApiName): CheckResult {
  return {
    check: API_LABEL[api],
    ok: false,
    detail: 'not probed: no usable credentials secret',
    fix: 'fix the credentials secret first',
  };
}

function oauthNotProbed(): CheckResult {
  return {
    check: API_LABEL.cro,
    ok: true,
    skipped: true,
    detail:
      'not probed: CRO OAuth without a valid stored access token (getting one would rotate the refresh token the functions use); the CrmAuthorizationLost alarm watches it',
  };
}

async function probeInvisibleCollector(
  target: DoctorTarget,
  tokenProvider: TokenProvider,
  deps: DoctorDeps,
): Promise<CheckResult> {
  const client = new InvisibleCollectorClient({
    baseUrl: target.icApiUrl,
    tokenProvider,
    maxAttempts: 1,
    timeoutMs: deps.timeoutMs ?? 5_000,
  });
  return probe('invisible-collector', target, async () => {
    await client.searchCustomers({ externalId: IC_PROBE_EXTERNAL_ID });
    return `${target.icApiUrl}: GET /customers/find answered 200 with the token`;
  });
}

async function probeCro(
  target: DoctorTarget,
  tokenProvider: TokenProvider,
  deps: DoctorDeps,
): Promise<CheckResult> {
  const client = new CroClient({
    baseUrl: target.crmApiUrl,
    tenantId: target.crmTenantId,
    tokenProvider,
    maxAttempts: 1,
    timeoutMs: deps.timeoutMs ?? 5_000,
  });
  return probe('cro', target, async () => {
    try {
      await client.getCustomer(CRO_PROBE_CUSTOMER_ID);
      return `${target.crmApiUrl}: GET /customers/:id answered 200 for tenant ${target.crmTenantId}`;
    } catch (error) {
      if (!(error instanceof ApiNotFoundError)) throw error;
      return `${target.crmApiUrl}: GET /customers/:id answered 404 (no such customer) for tenant ${target.crmTenantId}: reachable and authorized`;
    }
  });
}

async function probe(api: ApiName, target: DoctorTarget, call: () => Promise<string>): Promise<CheckResult> {
  const check = API_LABEL[api];
  const url = api === 'cro' ? target.crmApiUrl : target.icApiUrl;
  const tokenKey = api === 'cro' ? 'crmToken' : 'invisibleCollectorToken';
  const urlKey = api === 'cro' ? 'crmApiUrl' : 'icApiUrl';
  try {
    return { check, ok: true, detail: await call() };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error instanceof ApiAuthError) {
      const refused = error.status === 401 ? 'refused the token (401)' : 'denied access (403)';
      return {
        check,
        ok: false,
        detail: `${url} ${refused}`,
        fix: `put a valid ${tokenKey}${api === 'cro' ? ` for tenant ${target.crmTenantId}` : ''} in ${target.credentialsSecretId}`,
      };
    }
    if (error instanceof ApiNetworkError || error instanceof ApiTimeoutError) {
      const cause = (error.cause as { code?: string } | undefined)?.code ?? error.name;
      return {
        check,
        ok: false,
        detail: `${url} is unreachable (${cause})`,
        fix:
          target.kind === 'aws'
            ? `check ${urlKey} (the ${urlKey === 'crmApiUrl' ? 'CrmApiUrl' : 'IcApiUrl'} output; set it in the stack's environment and redeploy) and that the API is up`
            : `check ${urlKey} in .local/stack.json and that the API (or npm start's simulator) is running`,
      };
    }
    return {
      check,
      ok: false,
      detail: `${url} answered ${error.status ?? 'nothing usable'} (${error.reason})`,
      fix:
        error.status !== undefined && error.status >= 500
          ? 'the API is failing: retry later, and check its status page'
          : `check ${urlKey} points at the API's base URL`,
    };
  }
}

async function checkQueues(target: DoctorTarget, sqs: SQSClient): Promise<CheckResult[]> {
  const redeploy =
    target.kind === 'aws'
      ? 'redeploy the stack (npx cdk deploy -c env=<env>): it sets the attributes back; change settings in its environment, not on the queue'
      : 'restart npm start';
  let queue: Record<string, string>;
  let dlq: Record<string, string>;
  try {
    [queue, dlq] = await Promise.all([attributes(sqs, target.queueUrl), attributes(sqs, target.dlqUrl)]);
  } catch (error) {
    // SDK errors are named (AccessDenied, QueueDoesNotExist); a plain Error (no region) says what it is.
    const name = !(error instanceof Error) ? 'error' : error.name === 'Error' ? error.message : error.name;
    return [
      {
        check: 'queues',
        ok: false,
        detail: `cannot read the attributes of ${target.queueUrl} and ${target.dlqUrl} (${name})`,
        fix:
          target.kind === 'aws'
            ? 'check the region and that your credentials may call sqs:GetQueueAttributes on both queues'
            : 'is npm start running?',
      },
    ];
  }
  const expected = target.queueSettings;
  const problems: string[] = [];
  const redrive = parseRedrive(queue.RedrivePolicy);
  if (redrive?.deadLetterTargetArn !== dlq.QueueArn) {
    problems.push(`redrives to ${redrive?.deadLetterTargetArn ?? 'nothing'}, not to the DLQ ${dlq.QueueArn}`);
  }
  if (expected === undefined) {
    problems.push('the deployment publishes no expected queue settings (QueueSettings): redeploy to compare');
  } else {
    const compare = (what: string, actual: number | undefined, wanted: number, unit = '') => {
      if (actual !== wanted)
        problems.push(`${what} is ${actual ?? 'unset'}${unit}, expected ${wanted}${unit}`);
    };
    compare('maxReceiveCount', redrive?.maxReceiveCount, expected.maxReceiveCount);
    compare('visibility timeout', Number(queue.VisibilityTimeout), expected.visibilityTimeoutSeconds, ' s');
    compare('retention', Number(queue.MessageRetentionPeriod), expected.retentionSeconds, ' s');
  }
  const results: CheckResult[] = [
    problems.length === 0
      ? {
          check: 'event queue',
          ok: true,
          detail: `redrives to the DLQ after ${redrive?.maxReceiveCount} receives; visibility ${queue.VisibilityTimeout} s; retention ${queue.MessageRetentionPeriod} s; ${queue.ApproximateNumberOfMessages ?? '?'} waiting`,
        }
      : { check: 'event queue', ok: false, detail: problems.join('; '), fix: redeploy },
  ];
  const dlqRetention = Number(dlq.MessageRetentionPeriod);
  results.push(
    expected !== undefined && dlqRetention !== expected.dlqRetentionSeconds
      ? {
          check: 'dead-letter queue',
          ok: false,
          detail: `retention is ${dlqRetention} s, expected ${expected.dlqRetentionSeconds} s`,
          fix: redeploy,
        }
      : {
          check: 'dead-letter queue',
          ok: true,
          detail: `retention ${dlqRetention} s; ${dlq.ApproximateNumberOfMessages ?? '?'} dead letter(s) (npx crm-sync dlq ${target.kind === 'aws' ? '--stack <name>' : '--local'} to inspect)`,
        },
  );
  return results;
}

async function attributes(sqs: SQSClient, queueUrl: string): Promise<Record<string, string>> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
  );
  return Attributes;
}

function parseRedrive(
  text: string | undefined,
): { deadLetterTargetArn?: string; maxReceiveCount?: number } | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as { deadLetterTargetArn?: string; maxReceiveCount?: number | string };
    return {
      ...(parsed.deadLetterTargetArn !== undefined && { deadLetterTargetArn: parsed.deadLetterTargetArn }),
      ...(parsed.maxReceiveCount !== undefined && { maxReceiveCount: Number(parsed.maxReceiveCount) }),
    };
  } catch {
    return undefined;
  }
}

function localPath(secretId: string): string {
  return secretId.replace(/^file:/, '');
}
