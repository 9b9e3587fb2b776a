import { z } from 'zod';
import { ReplayOptionsError } from './errors.ts';
import type { ReplayFilter } from './types.ts';

const ReplayRequestSchema = z.strictObject({
  max: z.number().int().positive().optional(),
  rate: z.number().positive().optional(),
  customer: z
    .union([z.string().min(1), z.number().int().positive()])
    .transform(String)
    .optional(),
  type: z.string().min(1).optional(),
  reason: z.string().min(1).optional(),
  copy: z.boolean().optional(),
  dryRun: z.boolean().optional(),
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
  const issues = result.error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return `${path === '' ? '(payload)' : path}: ${issue.message}`;
    })
    .join('; ');
  throw new ReplayOptionsError(`invalid replay request: ${issues}`);
}
