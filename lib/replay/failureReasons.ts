import { REDRIVEN_REASON } from './dlqMessage.ts';

/**
 * Every `failure-reason` a DLQ message can carry, with what it means: the permanent failures of the sync
 * (docs/events.md#failures), each raised by one error class, plus `redriven` (retries exhausted, no attribute).
 * `ic-*` reasons come from Invisible Collector's answers, `crm-*` ones from CRO's. The operator tools list
 * them when a `--reason` matches none; a test keeps the list in step with the error classes.
 */
export const FAILURE_REASONS: Readonly<Record<string, string>> = {
  'invalid-event': 'the body is not a valid customer CloudEvent',
  'wrong-tenant': 'the event names a tenant this deployment does not serve',
  'missing-vat': 'a customer new to Invisible Collector, and no data.vatNumber to register it',
  'missing-country': 'no country in the address and no DEFAULT_COUNTRY',
  'vat-conflict': 'another Invisible Collector customer has the VAT number',
  'ic-validation': 'Invisible Collector refused a value (400/422)',
  'ic-not-found': 'Invisible Collector has no such customer (404)',
  'ic-conflict': 'Invisible Collector reported a conflict (409)',
  'ic-forbidden': 'Invisible Collector refused the token (403)',
  'ic-rejected': 'Invisible Collector answered another 4xx',
  'ic-unexpected-status': 'Invisible Collector answered an unexpected status',
  'ic-invalid-request': 'the request crm-sync built breaks an Invisible Collector rule',
  'ic-invalid-response': 'an Invisible Collector answer did not have the documented shape',
  'crm-validation': 'CRO refused a parameter (400/422)',
  'crm-not-found': 'CRO has no such customer (404)',
  'crm-conflict': 'CRO reported a conflict (409)',
  'crm-forbidden': 'CRO refused the token or tenant (403)',
  'crm-rejected': 'CRO answered another 4xx',
  'crm-unexpected-status': 'CRO answered an unexpected status',
  'crm-invalid-request': 'the request crm-sync built breaks a CRO rule',
  'crm-invalid-response': 'a CRO answer did not have the documented shape',
  [REDRIVEN_REASON]: 'retries exhausted: the queue redrove it after maxReceiveCount receives',
};

/**
 * True when `reason` is a `failure-reason` crm-sync writes (or `redriven`).
 *
 * @example
 * isKnownReason('vat-conflict'); // true
 * isKnownReason('vat'); // false
 */
export function isKnownReason(reason: string): boolean {
  return Object.hasOwn(FAILURE_REASONS, reason);
}
