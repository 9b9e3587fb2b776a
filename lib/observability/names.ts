/**
 * Names shared by the code that emits metrics (Powertools Metrics, EMF) and the CDK dashboard and
 * alarms that read them. Change them in one place only.
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
  /** Record returned as a batch item failure (transient), to be retried by SQS. */
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
} as const;

export const DIMENSION = { why: 'why', reason: 'reason', api: 'api', status: 'status' } as const;
