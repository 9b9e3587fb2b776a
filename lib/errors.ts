/**
 * The root of every error crm-sync raises on purpose.
 *
 * Each error is classified exactly once, where it is created:
 * - `transient: true`  → retry (inside the invocation while time allows, then as a batch item failure);
 * - `transient: false` → permanent: dead-letter with `reason` as the `failure-reason` attribute.
 *
 * `message` must never contain a token, an Authorization header or personal data (emails, phones,
 * VAT numbers): it is logged and copied into the DLQ's `failure-detail`.
 *
 * @example
 * class WrongTenantError extends CrmSyncError {
 *   constructor(tenant: number) {
 *     super(`event for tenant ${tenant}`, { transient: false, reason: 'wrong-tenant' });
 *     this.name = 'WrongTenantError';
 *   }
 * }
 */
export class CrmSyncError extends Error {
  /** Retrying may succeed (network, timeout, 429, 5xx); false means dead-letter at once. */
  readonly transient: boolean;
  /** Short kebab-case code, used as the DLQ `failure-reason` and as a metric dimension. */
  readonly reason: string;

  constructor(message: string, options: { transient: boolean; reason: string; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CrmSyncError';
    this.transient = options.transient;
    this.reason = options.reason;
  }
}
