/**
 * Names shared by the code that emits metrics (Powertools Metrics, EMF) and the CDK dashboard and
 * alarms that read them. Change them in one place only.
 *
 * Every metric carries two default dimensions, `service` (the function) and `stack` (the deployment, from
 * `STACK_NAME`), so several stacks in one account and region (dev, prod, one per tenant) never mix on a
 * dashboard or in an alarm; metric-specific dimensions come on top of those two.
 */
export const METRICS_NAMESPACE = 'CrmSync';

/** Default dimension `service` (Powertools' serviceName) per function. */
export const SERVICE_NAMES = {
  customerSync: 'customer-sync',
  webhook: 'webhook',
  replay: 'replay',
  reconcile: 'reconcile',
} as const;

export const METRIC = {
  /** Event applied to Invisible Collector (count). */
  applied: 'Applied',
  /** Event needing no write; dimension `why`: duplicate | unchanged | stale | coalesced. */
  skipped: 'Skipped',
  /** Event sent to the DLQ by the handler; dimension `reason` (the failure-reason attribute). */
  deadLettered: 'DeadLettered',
  /**
   * Record returned as a batch item failure (transient), to be retried by SQS; dimension `reason` (the
   * failure class: `auth`, `ic-unavailable`, `secret-unavailable`, ...).
   */
  retried: 'Retried',
  /**
   * Record that had to wait (customer busy, a write settling, no time left), sent again as a new message;
   * dimension `reason` (customer-busy | write-settling | timeout).
   */
  deferred: 'Deferred',
  /** Third-party API call (each HTTP attempt); dimension `api`: invisible-collector | cro. */
  apiCalls: 'ApiCalls',
  /** Third-party API call latency in milliseconds; dimension `api`. */
  apiLatency: 'ApiLatency',
  /**
   * Third-party API attempt answered with an error status (≥ 400) or not answered (`status` 0: network, timeout);
   * dimensions `api` and `status`.
   */
  apiErrors: 'ApiErrors',
  /** A CRO token request refused for a reason only an operator fixes (`invalid_grant`: run `crm-sync auth`). */
  crmAuthorizationLost: 'CrmAuthorizationLost',
  /** CRO access token refreshes made (by this function; the fleet's rate is the sum). */
  crmTokenRefreshes: 'CrmTokenRefreshes',
  /** Webhook events accepted onto the queue. */
  webhookAccepted: 'WebhookAccepted',
  /** Webhook requests rejected; dimension `status`. */
  webhookRejected: 'WebhookRejected',
  /** Customers the reconciliation read from CRO's lists (count). */
  customersListed: 'CustomersListed',
  /** Events the reconciliation put on the queue (count). */
  eventsEnqueued: 'EventsEnqueued',
  /** Seconds between now and a location's checkpoint, one value per location and run (alarm on Maximum). */
  checkpointLag: 'CheckpointLag',
  /** Locations whose reconciliation failed in a run (count). */
  reconcileFailures: 'ReconcileFailures',
  /**
   * Webhook requests API Gateway throttled (429) before the function ran: counted by a metric filter on the
   * API's access logs (infra/constructs/WebhookApi.ts), not by the code.
   */
  webhookThrottled: 'WebhookThrottled',
} as const;

export const DIMENSION = {
  why: 'why',
  reason: 'reason',
  api: 'api',
  status: 'status',
  /** The deployment (stack name); a default dimension of every metric. */
  stack: 'stack',
} as const;

/**
 * The `reason` of a record retried because an API refused its token (401 after one refresh; `ApiAuthError`
 * carries it): a revoked or rotated token only an operator fixes, so it has an alarm of its own.
 */
export const AUTH_RETRY_REASON = 'auth';
