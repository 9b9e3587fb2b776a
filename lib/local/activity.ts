/** One thing the local stack saw happen, read from a function's structured log line. */
export type Activity =
  | {
      kind: 'applied' | 'skipped' | 'dead-lettered' | 'retrying';
      eventId?: string;
      customerId?: number;
      detail?: string;
    }
  | { kind: 'accepted'; eventIds: string[]; webhookId?: string }
  | { kind: 'rejected'; status: number; reason?: string; webhookId?: string }
  | { kind: 'reconciled'; listed: number; enqueued: number; locations: number }
  | { kind: 'problem'; service: string; level: string; message: string };

const SYNC_OUTCOMES: Record<string, 'applied' | 'skipped' | 'dead-lettered' | 'retrying'> = {
  applied: 'applied',
  skipped: 'skipped',
  'dead-lettered': 'dead-lettered',
  'will be retried': 'retrying',
  // A record that waits (customer busy, a write settling) comes back as a new message: a retry to the watcher.
  deferred: 'retrying',
};

/**
 * Reads one line a bundled function printed (Powertools JSON): the per-event outcomes of customer-sync,
 * the webhook's accepted/rejected lines, the reconcile run's totals, and any warning or error. Other lines (info chatter, EMF metric
 * records, non-JSON output) give `undefined`.
 *
 * @example
 * activityOf('{"level":"INFO","message":"applied","eventId":"e-1","customerId":1}'); // { kind: 'applied', ... }
 */
export function activityOf(line: string): Activity | undefined {
  let log: Record<string, unknown>;
  try {
    log = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof log !== 'object' || log === null || '_aws' in log) return undefined;
  const message = String(log.message ?? '');
  const text = (key: string) => (typeof log[key] === 'string' ? (log[key] as string) : undefined);
  const outcome = SYNC_OUTCOMES[message];
  if (outcome !== undefined && 'messageId' in log) {
    const why = text('why') ?? [text('reason'), text('detail')].filter(Boolean).join(': ');
    return {
      kind: outcome,
      ...(text('eventId') !== undefined && { eventId: text('eventId') }),
      ...(typeof log.customerId === 'number' && { customerId: log.customerId }),
      ...(why !== '' && { detail: why }),
    };
  }
  if (message === 'accepted' && Array.isArray(log.eventIds)) {
    return {
      kind: 'accepted',
      eventIds: log.eventIds.map(String),
      ...(text('webhookId') && { webhookId: text('webhookId') }),
    };
  }
  if (message === 'rejected' && typeof log.status === 'number') {
    return {
      kind: 'rejected',
      status: log.status,
      ...(text('reason') && { reason: text('reason') }),
      ...(text('webhookId') && { webhookId: text('webhookId') }),
    };
  }
  if (message === 'reconcile run' && typeof log.enqueued === 'number') {
    return {
      kind: 'reconciled',
      listed: Number(log.listed ?? 0),
      enqueued: log.enqueued,
      locations: Number(log.locations ?? 0),
    };
  }
  const level = String(log.level ?? '');
  if (['WARN', 'ERROR', 'CRITICAL'].includes(level)) {
    return { kind: 'problem', service: String(log.service ?? '?'), level, message };
  }
  return undefined;
}

/**
 * One human line for an activity, as `npm start` prints it.
 *
 * @example
 * formatActivity({ kind: 'applied', eventId: 'e-1', customerId: 1 }); // 'applied        customer 1  event e-1'
 */
export function formatActivity(activity: Activity): string {
  switch (activity.kind) {
    case 'accepted':
      return `webhook 202    ${activity.eventIds.length} event(s) queued${activity.webhookId ? `  webhook-id ${activity.webhookId}` : ''}`;
    case 'rejected':
      return `webhook ${activity.status}    ${activity.reason ?? 'rejected'}`;
    case 'problem':
      return `${activity.service} ${activity.level}  ${activity.message}`;
    case 'reconciled':
      return `reconcile      ${activity.locations} location(s): listed ${activity.listed}, enqueued ${activity.enqueued}`;
    default: {
      const customer = activity.customerId !== undefined ? `customer ${activity.customerId}  ` : '';
      const event = activity.eventId !== undefined ? `event ${activity.eventId}` : '';
      const detail = activity.detail !== undefined ? `  (${activity.detail})` : '';
      return `${activity.kind.padEnd(14)} ${customer}${event}${detail}`;
    }
  }
}
