import * as z from '../zod.ts';
import { formatIssues, toIssues } from '../zodIssues.ts';
import { ReplayOptionsError } from './errors.ts';
import type { ReplayFilter } from './types.ts';

const positiveInt = z.number().check(z.int(), z.positive());
const nonEmpty = z.string().check(z.minLength(1));

const ReplayRequestSchema = z.strictObject({
  max: z.optional(positiveInt),
  rate: z.optional(z.number().check(z.positive())),
  customer: z.optional(z.pipe(z.union([nonEmpty, positiveInt]), z.transform(String))),
  type: z.optional(nonEmpty),
  reason: z.optional(nonEmpty),
  copy: z.optional(z.boolean()),
  dryRun: z.optional(z.boolean()),
});

/** What an operator may ask the replay Lambda (the CLI's options as JSON). */
export interface ReplayRequest extends ReplayFilter {
  max?: number;
  rate?: number;
  copy?: boolean;
  dryRun?: boolean;
}

/**
 * Validates the replay Lambda's payload, e.g. `{"max":100,"reason":"vat-conflict","dryRun":true}`; an empty
 * payload replays everything. Unknown keys are refused (a typo like `"dryrun"` must not replay for real).
 *
 * @example
 * parseReplayRequest({ customer: 1, max: 10 }); // { customer: '1', max: 10 }
 */
export function parseReplayRequest(payload: unknown): ReplayRequest {
  const result = ReplayRequestSchema.safeParse(payload ?? {});
  if (result.success) {
    return Object.fromEntries(
      Object.entries(result.data).filter(([, value]) => value !== undefined),
    ) as ReplayRequest;
  }
  throw new ReplayOptionsError(
    `invalid replay request: ${formatIssues(toIssues(result.error.issues, '(payload)'))}`,
  );
}
