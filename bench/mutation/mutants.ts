// The mutants `npm run mutation` applies (bench/mutation/run.ts). Each changes one thing a test should notice:
// a removed condition, a flipped operator, a changed limit, a dropped call. `find` must occur exactly once in
// `file`; a mutant whose code is gone is reported stale. `survives` explains a mutant the tests cannot kill
// (an equivalent change) — every other survivor fails the run until a test kills it.

/** The tests run against the mutants of a folder: its unit tests and the integration tests that use it. */
export const TEST_SETS = {
  queue: {
    paths: [
      'test/unit/lib/queue',
      'test/unit/lib/replay',
      'test/integration/replay/replayMessages',
      'test/integration/customer-sync/failures',
      'test/integration/webhook/webhook.test',
      'test/integration/aws',
      'test/integration/queue',
    ],
  },
  mapping: {
    paths: [
      'test/unit/lib/mapping',
      'test/unit/lib/invisible-collector',
      'test/integration/customer-sync/sync',
    ],
  },
  webhook: { paths: ['test/unit/lib/webhook', 'test/integration/webhook'] },
  sync: {
    paths: ['test/unit/lib/sync', 'test/integration/customer-sync', 'test/integration/state'],
    ignore: ['bundle.test.ts'],
  },
  simulators: { paths: ['test/integration/clients', 'test/integration/customer-sync/vendorAnswers'] },
  observability: { paths: ['test/unit/lib/observability'] },
} as const satisfies Record<string, { paths: readonly string[]; ignore?: readonly string[] }>;
export type TestSet = keyof typeof TEST_SETS;

export interface Mutant {
  id: string;
  /** Reported per folder; the target is on `queue`, `mapping`, `webhook`, `sync`. */
  folder: 'queue' | 'mapping' | 'webhook' | 'sync' | 'simulators' | 'observability';
  file: string;
  description: string;
  find: string;
  replace: string;
  tests: TestSet;
  /** Why no test can kill it (equivalent mutant), when that is the case. */
  survives?: string;
}

type Entry = Omit<Mutant, 'folder' | 'tests'>;
const group = (folder: Mutant['folder'], tests: TestSet, entries: Entry[]): Mutant[] =>
  entries.map((entry) => ({ ...entry, folder, tests }));

export const MUTANTS: readonly Mutant[] = [
  ...group('queue', 'queue', [
    {
      id: 'queue-attribute-limit',
      file: 'lib/queue/messageAttributes.ts',
      description: "SQS's 10 message attributes become 11",
      find: 'export const MAX_MESSAGE_ATTRIBUTES = 10;',
      replace: 'export const MAX_MESSAGE_ATTRIBUTES = 11;',
    },
    {
      id: 'queue-ours-last',
      file: 'lib/queue/messageAttributes.ts',
      description: "the producer's attributes are kept before crm-sync's own (replay-count lost first)",
      find: 'Number(ours(b)) - Number(ours(a))',
      replace: 'Number(ours(a)) - Number(ours(b))',
    },
    {
      id: 'queue-set-counted-twice',
      file: 'lib/queue/messageAttributes.ts',
      description: 'a carried attribute that is also set takes a place of its own',
      find: '.filter((name) => !(name in set))',
      replace: '',
    },
    {
      id: 'queue-binary-attribute',
      file: 'lib/queue/messageAttributes.ts',
      description: "a record's binary attribute is not base64-decoded",
      find: "Buffer.from(value.binaryValue, 'base64')",
      replace: "Buffer.from(value.binaryValue, 'utf8')",
    },
    {
      id: 'queue-detail-unredacted',
      file: 'lib/queue/deadLetter.ts',
      description: 'failure-detail is not redacted',
      find: 'const clean = redactText(detail).trim();',
      replace: 'const clean = detail.trim();',
    },
    {
      id: 'queue-detail-uncut',
      file: 'lib/queue/deadLetter.ts',
      description: 'failure-detail is not cut at 1,000 characters',
      find: 'const MAX_DETAIL_LENGTH = 1_000;',
      replace: 'const MAX_DETAIL_LENGTH = 100_000;',
    },
    {
      id: 'queue-dlq-fifo-group',
      file: 'lib/queue/deadLetter.ts',
      description: 'a FIFO DLQ send has no message group',
      find: "if (dlqUrl.endsWith('.fifo')) {",
      replace: "if (dlqUrl.endsWith('.fifo-never')) {",
    },
    {
      id: 'queue-dlq-dedup-id',
      file: 'lib/queue/deadLetter.ts',
      description: "the DLQ deduplication id is the source message id itself (a replay's retry is dropped)",
      find: 'return `${safe}-dlq`;',
      replace: 'return safe;',
    },
    {
      id: 'queue-dlq-error-unwrapped',
      file: 'lib/queue/deadLetter.ts',
      description: 'a failed DLQ send is not our transient DeadLetterSendError',
      find: 'throw new DeadLetterSendError(error);',
      replace: 'throw error;',
    },
    {
      id: 'queue-batch-entries',
      file: 'lib/queue/enqueueEvents.ts',
      description: 'SendMessageBatch gets 11 entries',
      find: 'const MAX_BATCH_ENTRIES = 10;',
      replace: 'const MAX_BATCH_ENTRIES = 11;',
    },
    {
      id: 'queue-batch-bytes',
      file: 'lib/queue/enqueueEvents.ts',
      description: 'a SendMessageBatch request may exceed 256 KiB',
      find: 'const MAX_BATCH_BYTES = 256 * 1024;',
      replace: 'const MAX_BATCH_BYTES = 1024 * 1024;',
    },
    {
      id: 'queue-enqueue-no-retry',
      file: 'lib/queue/enqueueEvents.ts',
      description: 'entries SQS reported as failed are not sent again',
      find: 'round <= (options.retries ?? 1)',
      replace: 'round < (options.retries ?? 1)',
    },
    {
      id: 'queue-enqueue-wrong-failures',
      file: 'lib/queue/enqueueEvents.ts',
      description: 'the entries that succeeded are taken for the failed ones',
      find: 'chunk.filter((entry) => failedIds.has(entry.Id))',
      replace: 'chunk.filter((entry) => !failedIds.has(entry.Id))',
    },
    {
      id: 'queue-fifo-group-per-tenant',
      file: 'lib/queue/enqueueEvents.ts',
      description: 'one FIFO message group per tenant instead of per customer',
      find: 'MessageGroupId: `${event.tenantId}-${event.customerId}`',
      replace: 'MessageGroupId: `${event.tenantId}`',
    },
    {
      id: 'queue-dedup-id-length',
      file: 'lib/queue/enqueueEvents.ts',
      description: 'event ids over 128 characters become deduplication ids as they are',
      find: '/^[!-~]{1,128}$/.test(eventId)',
      replace: '/^[!-~]{1,512}$/.test(eventId)',
    },
    {
      id: 'queue-visibility-clamp',
      file: 'lib/queue/visibility.ts',
      description: 'a visibility timeout is sent unclamped',
      find: 'VisibilityTimeout: Math.max(0, Math.min(MAX_VISIBILITY_SECONDS, Math.round(seconds))),',
      replace: 'VisibilityTimeout: Math.round(seconds),',
    },
    {
      id: 'queue-arn-china',
      file: 'lib/queue/visibility.ts',
      description: 'a China-partition queue ARN gets the global domain',
      find: "partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com'",
      replace: "'amazonaws.com'",
    },
    {
      id: 'queue-token-bucket-refill',
      file: 'lib/queue/TokenBucket.ts',
      description: 'the token bucket never refills',
      find: 'this.tokens + ((now - this.updatedAt) / 1000) * this.rate',
      replace: 'this.tokens',
    },
  ]),

  ...group('mapping', 'mapping', [
    {
      id: 'mapping-billing-address',
      file: 'lib/mapping/selectSources.ts',
      description: 'the first active address is taken even when another is the billing one',
      find: 'active.find((address) => address.is_billing) ?? active[0]',
      replace: 'active[0]',
    },
    {
      id: 'mapping-inactive-address',
      file: 'lib/mapping/selectSources.ts',
      description: 'inactive addresses are used',
      find: 'addresses.filter((address) => address.is_active)',
      replace: '[...addresses]',
    },
    {
      id: 'mapping-email-semicolon',
      file: 'lib/mapping/selectSources.ts',
      description: 'an e-mail list separated by semicolons is one address',
      find: '.split(/[,;]/)',
      replace: '.split(/,/)',
    },
    {
      id: 'mapping-email-shape',
      file: 'lib/mapping/selectSources.ts',
      description: 'any text is taken as an e-mail address',
      find: '/^[^\\s@]+@[^\\s@]+$/.test(entry) && ',
      replace: "entry !== '' && ",
    },
    {
      id: 'mapping-phone-of-email-contact',
      file: 'lib/mapping/selectSources.ts',
      description: "the phone is not taken from the e-mail's contact first",
      find: 'usablePhone(emailContact?.number) ??',
      replace: '',
    },
    {
      id: 'mapping-address-blank-lines',
      file: 'lib/mapping/fieldTable.ts',
      description: 'blank address lines are joined in',
      find: ".filter((line) => line !== undefined && line !== '')",
      replace: '.filter((line) => line !== undefined)',
    },
    {
      id: 'mapping-address-separator',
      file: 'lib/mapping/fieldTable.ts',
      description: 'address lines are joined with a space',
      find: ".join(', ')",
      replace: ".join(' ')",
    },
    {
      id: 'mapping-country-case',
      file: 'lib/mapping/fieldTable.ts',
      description: "the address's country is not upper-cased",
      find: 'const fromAddress = text(sources.address?.country)?.toUpperCase();',
      replace: 'const fromAddress = text(sources.address?.country);',
    },
    {
      id: 'mapping-country-regex',
      file: 'lib/mapping/fieldTable.ts',
      description: 'any two capital letters pass as a country (UK, XX)',
      find: 'if (!isIsoCountryCode(fromAddress)) {',
      replace: 'if (!/^[A-Z]{2}$/.test(fromAddress)) {',
    },
    {
      id: 'mapping-default-country',
      file: 'lib/mapping/fieldTable.ts',
      description: 'DEFAULT_COUNTRY is ignored',
      find: 'if (fallback !== undefined) return fallback;',
      replace: '',
    },
    {
      id: 'mapping-locale-precedence',
      file: 'lib/mapping/fieldTable.ts',
      description: "DEFAULT_LOCALE wins over the event's locale",
      find: 'normaliseLocale(locale) ?? normaliseLocale(defaultLocale) ?? FALLBACK_LOCALE',
      replace: 'normaliseLocale(defaultLocale) ?? normaliseLocale(locale) ?? FALLBACK_LOCALE',
    },
    {
      id: 'mapping-locale-underscore',
      file: 'lib/mapping/normaliseLocale.ts',
      description: 'pt_PT is not read as pt-PT',
      find: ".replace(/_/g, '-')",
      replace: '',
    },
    {
      id: 'mapping-locale-french',
      file: 'lib/mapping/normaliseLocale.ts',
      description: 'fr maps to a locale IC refuses',
      find: "fr: 'fr-fr',",
      replace: "fr: 'fr' as IcLocale,",
    },
    {
      id: 'mapping-attribute-empty-key',
      file: 'lib/mapping/mapAttributes.ts',
      description: 'an attribute with a blank key is sent',
      find: "if (key !== '' && value !== undefined) out[key] = value;",
      replace: 'if (value !== undefined) out[key] = value;',
    },
    {
      id: 'mapping-attribute-cro-id',
      file: 'lib/mapping/mapAttributes.ts',
      description: 'cro_customer_id is not set',
      find: 'out[CRO_ATTRIBUTE_KEYS.customerId] = String(cro.customerId);',
      replace: '',
    },
    {
      id: 'mapping-attribute-boolean',
      file: 'lib/mapping/mapAttributes.ts',
      description: 'boolean attributes are dropped',
      find: "if (typeof value === 'boolean') return String(value);",
      replace: '',
    },
    {
      id: 'mapping-timestamp-offset',
      file: 'lib/mapping/sourceTimestamp.ts',
      description: 'a UTC offset is applied the wrong way',
      find: 'wholeMs - offsetMinutes(zone) * 60_000',
      replace: 'wholeMs + offsetMinutes(zone) * 60_000',
    },
    {
      id: 'mapping-timestamp-second-60',
      file: 'lib/mapping/sourceTimestamp.ts',
      description: 'second 60 is accepted',
      find: '+second > 59',
      replace: '+second > 60',
      survives:
        'Equivalent: a second of 60 or more rolls the minute over in Date.UTC, which the calendar check on ' +
        'the same line refuses already; the explicit bound only says so.',
    },
    {
      id: 'mapping-timestamp-precision',
      file: 'lib/mapping/sourceTimestamp.ts',
      description: 'fractions beyond microseconds are kept (watermarks stop comparing as strings)',
      find: "fraction.padEnd(6, '0').slice(0, 6)",
      replace: "fraction.padEnd(6, '0')",
    },
    {
      id: 'mapping-timestamp-compare',
      file: 'lib/mapping/sourceTimestamp.ts',
      description: 'timestamps compare the wrong way round',
      find: 'left < right ? -1 : left > right ? 1 : 0',
      replace: 'left < right ? 1 : left > right ? -1 : 0',
    },
    {
      id: 'mapping-no-validation',
      file: 'lib/mapping/mapCustomer.ts',
      description: 'a document IC would refuse is not caught by the mapping',
      find: 'if (result.success) return result.data;',
      replace: 'return draft as IcUpdateCustomer;',
    },
  ]),

  ...group('webhook', 'webhook', [
    {
      id: 'webhook-body-limit-16k',
      file: 'lib/webhook/handleWebhook.ts',
      description: 'the body limit shrinks from 256 KiB to 16 KiB (issue 19)',
      find: 'export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;',
      replace: 'export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;',
    },
    {
      id: 'webhook-body-limit-ignored',
      file: 'lib/webhook/handleWebhook.ts',
      description: 'a body over the limit is accepted',
      find: 'if (request.body.length > limit)',
      replace: 'if (request.body.length > 2 * limit)',
    },
    {
      id: 'webhook-any-method',
      file: 'lib/webhook/handleWebhook.ts',
      description: 'methods other than POST are accepted',
      find: "if (request.method !== 'POST')",
      replace: "if (request.method === 'DELETE')",
    },
    {
      id: 'webhook-enqueue-500',
      file: 'lib/webhook/handleWebhook.ts',
      description: 'an unreachable queue is a 500, not a 503 the sender retries',
      find: 'if (error instanceof EnqueueError) throw new WebhookUnavailableError(error.message, error);',
      replace: '',
    },
    {
      id: 'webhook-no-retry-after',
      file: 'lib/webhook/handleWebhook.ts',
      description: 'a 503 has no Retry-After',
      find: "if (error.status === 503) headers['retry-after'] = '5';",
      replace: '',
    },
    {
      id: 'webhook-no-issues',
      file: 'lib/webhook/handleWebhook.ts',
      description: 'a 400 does not list the zod issues',
      find: 'if (error instanceof WebhookPayloadError && error.issues.length > 0) body.issues = error.issues;',
      replace: '',
    },
    {
      id: 'webhook-max-events',
      file: 'lib/webhook/parseWebhookEvents.ts',
      description: 'an array of 11 events is accepted (one SendMessageBatch takes 10)',
      find: 'export const MAX_EVENTS_PER_REQUEST = 10;',
      replace: 'export const MAX_EVENTS_PER_REQUEST = 11;',
    },
    {
      id: 'webhook-empty-array',
      file: 'lib/webhook/parseWebhookEvents.ts',
      description: 'an empty array is a 202 with nothing enqueued',
      find: "if (elements.length === 0) throw new WebhookPayloadError('empty event array');",
      replace: '',
    },
    {
      id: 'webhook-other-tenant',
      file: 'lib/webhook/parseWebhookEvents.ts',
      description: 'an event for another tenant is accepted',
      find: 'if (event.data.tenantId !== tenantId) {',
      replace: 'if (false) {',
    },
    {
      id: 'webhook-event-reserialised',
      file: 'lib/webhook/parseWebhookEvents.ts',
      description: 'the parsed event is enqueued instead of the event as sent (unknown fields lost)',
      find: 'accepted.push({ event, body: JSON.stringify(element) });',
      replace: 'accepted.push({ event, body: JSON.stringify(event) });',
    },
    {
      id: 'webhook-no-rotation-refresh',
      file: 'lib/webhook/verifyStandardSignature.ts',
      description: 'a signature mismatch never re-reads the secret (rotation)',
      find: 'mismatch: /no matching/i.test(lastProblem),',
      replace: 'mismatch: false,',
    },
    {
      id: 'webhook-cro-any-signature',
      file: 'lib/webhook/verifyCroSignature.ts',
      description: 'any CRO signature of the right length is accepted',
      find: 'expected.length === given.length && timingSafeEqual(expected, given)',
      replace: 'expected.length === given.length',
    },
    {
      id: 'webhook-cro-text-key',
      file: 'lib/webhook/verifyCroSignature.ts',
      description: "the secret's base64 text is not tried as a key",
      find: "decoded.length > 0 ? [decoded, Buffer.from(text, 'utf8')]",
      replace: 'decoded.length > 0 ? [decoded]',
    },
    {
      id: 'webhook-cro-prefix',
      file: 'lib/webhook/verifyCroSignature.ts',
      description: 'a sha256= prefix is not tolerated',
      find: ".replace(/^sha256=/i, '')",
      replace: '',
    },
    {
      id: 'webhook-cro-delivery-seed',
      file: 'lib/webhook/croDelivery.ts',
      description: 'a CRO redelivery (same delivery id) becomes a new event',
      find: '? `delivery:${ids.deliveryId}`',
      replace: '? `request:${ids.requestId}`',
    },
    {
      id: 'webhook-cro-body-seed',
      file: 'lib/webhook/croDelivery.ts',
      description: 'deliveries without a delivery id share an id when their bodies match (issue 12 item 8)',
      find: ': `request:${ids.requestId}`;',
      replace: ": `body:${rawBody.toString('base64')}`;",
    },
    {
      id: 'webhook-cro-other-tenant',
      file: 'lib/webhook/croDelivery.ts',
      description: 'a CRO payload naming another tenant is accepted',
      find: 'if (payloadTenant !== undefined && payloadTenant !== tenantId) {',
      replace: 'if (false) {',
    },
    {
      id: 'webhook-cro-id-precedence',
      file: 'lib/webhook/croDelivery.ts',
      description: 'a top-level id wins over customer_id',
      find: 'payload.customer_id ?? payload.customerId ?? fromNested ?? payload.id',
      replace: 'payload.id ?? payload.customer_id ?? payload.customerId ?? fromNested',
    },
    {
      id: 'webhook-refresh-once',
      file: 'lib/webhook/verifyRequest.ts',
      description: 'a mismatch is not re-checked against freshly read secrets',
      find: 'return check(await readSecrets(deps, true));',
      replace: 'throw error;',
    },
    {
      id: 'webhook-base64-body',
      file: 'lib/webhook/apiGateway.ts',
      description: 'a base64-encoded API Gateway body is not decoded',
      find: "event.isBase64Encoded ? 'base64' : 'utf8'",
      replace: "'utf8'",
    },
    {
      id: 'webhook-request-id',
      file: 'lib/webhook/apiGateway.ts',
      description: "API Gateway's request id is not used",
      find: 'requestId: event.requestContext?.requestId || randomUUID(),',
      replace: 'requestId: randomUUID(),',
    },
  ]),

  ...group('sync', 'sync', [
    {
      id: 'sync-stale-watermark',
      file: 'lib/sync/syncCustomer.ts',
      description: 'a CRO read older than the watermark is applied (issue 19)',
      find: 'state.watermark !== undefined && isOlder(customer.last_updated_on, state.watermark)',
      replace: 'false',
    },
    {
      id: 'sync-budget-margin',
      file: 'lib/sync/TimeBudget.ts',
      description: 'the time margin is not kept',
      find: 'this.context.getRemainingTimeInMillis() - this.marginMs',
      replace: 'this.context.getRemainingTimeInMillis()',
    },
    {
      id: 'sync-budget-always-start',
      file: 'lib/sync/TimeBudget.ts',
      description: 'a customer starts with no time left',
      find: 'return this.usableMs() > 0;',
      replace: 'return true;',
    },
    {
      id: 'sync-lease-floor',
      file: 'lib/sync/TimeBudget.ts',
      description: 'a lease can be shorter than a second',
      find: 'Math.max(1_000, this.context.getRemainingTimeInMillis())',
      replace: 'this.context.getRemainingTimeInMillis()',
    },
    {
      id: 'sync-serial',
      file: 'lib/sync/forEachConcurrently.ts',
      description: 'customers are synced one at a time',
      find: 'Math.max(1, Math.min(limit, items.length))',
      replace: '1',
    },
    {
      id: 'sync-concurrency-swallow',
      file: 'lib/sync/forEachConcurrently.ts',
      description: 'a failed task is swallowed',
      find: 'if (failed) throw failed.reason;',
      replace: '',
    },
    {
      id: 'sync-other-tenant',
      file: 'lib/sync/parseRecord.ts',
      description: 'an event for another tenant is synced',
      find: 'if (event.data.tenantId !== tenantId) throw new WrongTenantError(event.data.tenantId, tenantId);',
      replace: '',
    },
    {
      id: 'sync-coalesce-lost',
      file: 'lib/sync/planUnits.ts',
      description: "a customer's earlier records of the batch are dropped from its unit",
      find: 'if (group) group.push(entry);\n    else byCustomer.set(key, [entry]);',
      replace: 'byCustomer.set(key, [entry]);',
    },
    {
      id: 'sync-fifo-undetected',
      file: 'lib/sync/planUnits.ts',
      description: 'a FIFO batch is planned like a standard one (group order lost)',
      find: 'entries.some((entry) => entry.record.attributes.MessageGroupId !== undefined)',
      replace: 'false',
    },
    {
      id: 'sync-fifo-customers-merged',
      file: 'lib/sync/planUnits.ts',
      description: 'consecutive records of different customers in one FIFO group are one step',
      find: "last?.kind === 'customer' && customerOf(last.entries[0]!) === customerOf(entry)",
      replace: "last?.kind === 'customer'",
    },
    {
      id: 'sync-unexpected-permanent',
      file: 'lib/sync/classifyFailure.ts',
      description: 'an unknown error is dead-lettered instead of retried',
      find: "return { transient: true, reason: 'unexpected'",
      replace: "return { transient: false, reason: 'unexpected'",
    },
    {
      id: 'sync-hash-key-order',
      file: 'lib/sync/hash.ts',
      description: 'the hashed form depends on key order (an unchanged document is written again)',
      find: 'Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))',
      replace: 'Object.entries(item)',
    },
  ]),

  // The simulators must follow the vendor documents, not the code's assumptions (issue 19).
  ...group('simulators', 'simulators', [
    {
      id: 'simulator-ic-country-regex',
      file: 'lib/local/simulators/icSimulator.ts',
      description: 'the IC simulator accepts any two capital letters as a country',
      find: '!isIsoCountryCode(fields.country)',
      replace: '!/^[A-Z]{2}$/.test(fields.country)',
    },
    {
      id: 'simulator-ic-409-external-id',
      file: 'lib/local/simulators/icSimulator.ts',
      description: 'the IC simulator answers 409 on an externalId clash by default (IC documents VAT only)',
      find: 'const uniqueExternalIds = options.uniqueExternalIds ?? false;',
      replace: 'const uniqueExternalIds = options.uniqueExternalIds ?? true;',
    },
    {
      id: 'simulator-cro-error-body',
      file: 'lib/local/simulators/croSimulator.ts',
      description: 'the CRO simulator answers {detail, explanation, title} instead of the documented body',
      find: 'body: { field, detail, explanation },',
      replace: 'body: { detail, explanation, title: detail },',
    },
    {
      id: 'simulator-cro-any-bearer',
      file: 'lib/local/simulators/croSimulator.ts',
      description: 'the CRO simulator accepts any bearer token on its list, JWT-shaped or not',
      find: 'if (authorization.length > MAX_AUTHORIZATION_LENGTH || !AUTHORIZATION.test(authorization)) {',
      replace: 'if (false) {',
    },
  ]),

  ...group('observability', 'observability', [
    {
      id: 'observability-error-dropped',
      // Logged errors reach the formatter as attributes, where redact() turns them into {name, message}.
      file: 'lib/observability/redact.ts',
      description: "the logger drops every error's content (issue 19)",
      find: 'return { name: value.name, message: redactText(value.message) };',
      replace: 'return { name: value.name };',
    },
  ]),
];
