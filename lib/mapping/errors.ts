import { CrmSyncError } from '../errors.ts';

/** Why a CRO customer cannot become an Invisible Collector customer. */
export type MappingFailureReason = 'missing-country' | 'ic-validation';

/**
 * The CRO customer cannot be mapped to a valid Invisible Collector document. Permanent (the same CRO data
 * gives the same result): dead-lettered with `reason` (`missing-country`, or `ic-validation` when a value
 * breaks an IC limit). The message names the IC field and the rule, never the value.
 *
 * @example
 * new MappingError('missing-country', 'country', 'the address has no country and DEFAULT_COUNTRY is unset');
 */
export class MappingError extends CrmSyncError {
  /** The Invisible Collector field that could not be produced. */
  readonly field: string;

  constructor(reason: MappingFailureReason, field: string, problem: string) {
    super(`cannot map customer: ${field}: ${problem}`, { transient: false, reason });
    this.name = 'MappingError';
    this.field = field;
  }
}
