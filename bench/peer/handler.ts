// The bench's peer: the customer-sync consumer a user writes on Powertools' BatchProcessor, bundled and run
// like crm-sync's own (bench/peer/buildPeer.ts). Records run in parallel (`processPartialResponse` with an
// async handler); each one reads the customer from CRO, looks it up in Invisible Collector by externalId, then
// PUTs it (known) or POSTs it (404), then sets its attributes. A failing record is a batch item failure.
// It has none of crm-sync's guarantees (no ordering, no dedup, a write for every event): it is the baseline the
// bench compares against, written the way the Powertools documentation shows, with global `fetch`.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { readFile } from 'node:fs/promises';

const processor = new BatchProcessor(EventType.SQS);
const logger = new Logger({ serviceName: 'peer-customer-sync' });

const IC = process.env.IC_API_URL!;
const CRO = process.env.CRM_API_URL!;
const TENANT = process.env.CRM_TENANT_ID!;
const SECRET_ID = process.env.CREDENTIALS_SECRET_ID!;
const LOCALES = new Set(['pt', 'es', 'en', 'fr-fr', 'de', 'zh-CN']);

interface Tokens {
  invisibleCollectorToken: string;
  crmToken: string;
}

let cached: { tokens: Tokens; at: number } | undefined;

/** The API tokens, cached 5 minutes (a `file:` secret locally, as crm-sync's bench runs it). */
async function tokens(): Promise<Tokens> {
  if (cached !== undefined && Date.now() - cached.at < 300_000) return cached.tokens;
  const value = SECRET_ID.startsWith('file:')
    ? (JSON.parse(await readFile(SECRET_ID.slice(5), 'utf8')) as Tokens)
    : ((await getSecret(SECRET_ID, { transform: 'json', maxAge: 300 })) as unknown as Tokens);
  cached = { tokens: value, at: Date.now() };
  return value;
}

class HttpError extends Error {
  readonly status: number;
  constructor(method: string, url: string, status: number) {
    super(`${method} ${new URL(url).pathname} answered ${status}`);
    this.name = 'HttpError';
    this.status = status;
  }
}

async function call<T>(method: string, url: string, token: string, body?: unknown, headers = {}): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok) {
    await response.body?.cancel();
    throw new HttpError(method, url, response.status);
  }
  return (await response.json()) as T;
}

interface CroCustomer {
  id: number;
  name: string;
  last_updated_on?: string | null;
  addresses?: Array<{
    country?: string | null;
    is_active?: boolean;
    is_billing?: boolean;
    line_1?: string | null;
    line_2?: string | null;
    locality?: string | null;
    postcode?: string | null;
  }>;
  contacts?: Array<{ email?: string | null; number?: string | null }>;
}

interface CustomerChange {
  id: string;
  type: string;
  data: {
    tenantId: number;
    customerId: number;
    vatNumber?: string;
    locale?: string;
    attributes?: Record<string, string>;
  };
}

function mapCustomer(change: CustomerChange, customer: CroCustomer) {
  const address =
    customer.addresses?.find((a) => a.is_active !== false && a.is_billing) ??
    customer.addresses?.find((a) => a.is_active !== false);
  const contact = customer.contacts?.[0];
  const locale = change.data.locale?.split('-')[0]?.toLowerCase();
  const document: Record<string, string> = {
    name: customer.name,
    externalId: `cro-${change.data.tenantId}-${customer.id}`,
  };
  const set = (field: string, value: string | null | undefined) => {
    if (value) document[field] = value.trim();
  };
  set('vatNumber', change.data.vatNumber);
  set('address', [address?.line_1, address?.line_2].filter(Boolean).join(', '));
  set('zipCode', address?.postcode);
  set('city', address?.locality);
  set('country', address?.country?.toUpperCase());
  set('email', contact?.email?.split(',')[0]);
  set('phone', contact?.number);
  if (locale !== undefined && LOCALES.has(locale)) document.locale = locale;
  const attributes = {
    ...change.data.attributes,
    ...(customer.last_updated_on && { cro_last_updated_on: customer.last_updated_on }),
  };
  return { document, attributes };
}

async function recordHandler(record: SQSRecord): Promise<void> {
  const change = JSON.parse(record.body) as CustomerChange;
  const { invisibleCollectorToken: icToken, crmToken } = await tokens();
  const customer = await call<CroCustomer>(
    'GET',
    `${CRO}/customers/${change.data.customerId}`,
    crmToken,
    undefined,
    {
      'x-tenant-id': TENANT,
      'x-api-version': '2019/02/08',
    },
  );
  const { document, attributes } = mapCustomer(change, customer);
  const externalId = encodeURIComponent(document.externalId!);
  let gid: string;
  try {
    const existing = await call<{ gid: string }>('GET', `${IC}/customers/${externalId}`, icToken);
    gid = (await call<{ gid: string }>('PUT', `${IC}/customers/${existing.gid}`, icToken, document)).gid;
  } catch (error) {
    if (!(error instanceof HttpError && error.status === 404)) throw error;
    gid = (await call<{ gid: string }>('POST', `${IC}/customers`, icToken, document)).gid;
  }
  await call('POST', `${IC}/customers/${gid}/attributes`, icToken, attributes);
}

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  try {
    return await processPartialResponse(event, recordHandler, processor, { context });
  } catch (error) {
    // processPartialResponse throws when every record failed: report them all for a retry.
    logger.error('batch failed', { error });
    return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
  }
};
