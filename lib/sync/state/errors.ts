import { CrmSyncError } from '../../errors.ts';
import type { CustomerKey } from './types.ts';

/**
 * The state store (DynamoDB) failed or answered unexpectedly. Transient: the record is retried later.
 * Carries the AWS request id when there is one; the message names the operation, never item values.
 */
export class StateStoreError extends CrmSyncError {
  readonly operation: string;
  readonly requestId?: string;

  constructor(operation: string, cause: unknown) {
    const requestId = (cause as { $metadata?: { requestId?: string } } | undefined)?.$metadata?.requestId;
    const name = cause instanceof Error ? cause.name : 'unknown error';
    super(`state store ${operation} failed: ${name}`, {
      transient: true,
      reason: 'state-unavailable',
      cause,
    });
    this.name = 'StateStoreError';
    this.operation = operation;
    if (requestId !== undefined) this.requestId = requestId;
  }
}

/**
 * `commit` by a worker that no longer holds the customer's lease (it expired and another worker took it).
 * Transient: the record is retried, and the retry applies the latest CRO state under a fresh lease.
 */
export class LeaseLostError extends CrmSyncError {
  readonly customerId: number;

  constructor(key: CustomerKey) {
    super(`lease on customer ${key.customerId} was lost before commit`, {
      transient: true,
      reason: 'lease-lost',
    });
    this.name = 'LeaseLostError';
    this.customerId = key.customerId;
  }
}
