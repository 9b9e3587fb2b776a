import { AwsJsonClient, type AwsCredentials, type AwsJsonProtocol } from './AwsJsonClient.ts';
import type { AwsCallLimits, InvocationDeadline } from './boundedCalls.ts';

/** How a function's AWS calls are bounded, and where its settings come from. */
export interface AwsCallSettings {
  limits: AwsCallLimits;
  /** The invocation's end (during an invocation). */
  deadline?: InvocationDeadline | undefined;
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
}

/** The SDK's per-service endpoint variable (`AWS_ENDPOINT_URL_<SERVICE ID>`). */
const ENDPOINT_VARIABLES: Record<string, string> = {
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  secretsmanager: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
};

/** Regions of the `aws` partition (and GovCloud) and of `aws-cn`: the endpoints a lean client can name. */
const AWS_REGION = /^(?:[a-z]{2}|us-gov)-[a-z]+-\d+$/;
const CHINA_REGION = /^cn-[a-z]+-\d+$/;

/**
 * An {@link AwsJsonClient} for `protocol` when the environment says everything it needs, as it always does in
 * Lambda: the region (`AWS_REGION`), static credentials (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
 * `AWS_SESSION_TOKEN`: the function role's) and an endpoint — `AWS_ENDPOINT_URL_<SERVICE>` or
 * `AWS_ENDPOINT_URL` (a local emulator), else the region's standard one. `undefined` otherwise — profiles,
 * SSO, FIPS or dual-stack endpoints, other partitions — and the caller uses the AWS SDK, which knows them all.
 *
 * @example
 * const client = leanAwsClient(DYNAMODB, { limits: config.awsLimits, deadline });
 */
export function leanAwsClient(
  protocol: AwsJsonProtocol,
  settings: AwsCallSettings,
): AwsJsonClient | undefined {
  const env = settings.env ?? process.env;
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region === undefined || credentialsIn(env) === undefined) return undefined;
  if (isTrue(env.AWS_USE_FIPS_ENDPOINT) || isTrue(env.AWS_USE_DUALSTACK_ENDPOINT)) return undefined;
  const endpoint = endpointOf(protocol.service, region, env);
  if (endpoint === undefined) return undefined;
  return new AwsJsonClient({
    protocol,
    region,
    endpoint,
    credentials: () => {
      const credentials = credentialsIn(env);
      if (credentials === undefined) throw new Error('AWS credentials are no longer in the environment');
      return credentials;
    },
    limits: settings.limits,
    ...(settings.deadline !== undefined && { deadline: settings.deadline }),
  });
}

function credentialsIn(env: NodeJS.ProcessEnv): AwsCredentials | undefined {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = env.AWS_SESSION_TOKEN;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

function endpointOf(service: string, region: string, env: NodeJS.ProcessEnv): URL | undefined {
  const configured = env[ENDPOINT_VARIABLES[service] ?? ''] || env.AWS_ENDPOINT_URL;
  if (configured) {
    const url = new URL(configured);
    return url.pathname === '/' || url.pathname === '' ? url : undefined;
  }
  if (CHINA_REGION.test(region)) return new URL(`https://${service}.${region}.amazonaws.com.cn/`);
  if (AWS_REGION.test(region)) return new URL(`https://${service}.${region}.amazonaws.com/`);
  return undefined;
}

function isTrue(value: string | undefined): boolean {
  return value?.toLowerCase() === 'true';
}
