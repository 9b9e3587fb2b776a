import * as z from '../../zod.ts';
import type { SimulatorControls } from '../simulators/types.ts';

/** The simulators the console can steer. */
export const SIMULATORS = ['ic', 'cro'] as const;
export type SimulatorName = (typeof SIMULATORS)[number];

/** How the console and the CLI name a simulator. */
export const SIMULATOR_LABELS: Record<SimulatorName, string> = { ic: 'Invisible Collector', cro: 'CRO' };

/** The faults a simulator is running with. */
export const FaultSettingsSchema = z.strictObject({
  /** Share of requests answered 503 (0–1). */
  serverErrorRate: z.number().check(z.gte(0), z.lte(1)),
  /** Share of requests answered 429 with `Retry-After: 1` (0–1). */
  rateLimitRate: z.number().check(z.gte(0), z.lte(1)),
  /** Added to every answer, ms. */
  latencyMs: z.number().check(z.int(), z.gte(0), z.lte(60_000)),
  /** The token crm-sync holds is refused (401) until restored. */
  tokenRevoked: z.boolean(),
});
export type FaultSettings = z.infer<typeof FaultSettingsSchema>;

/** A healthy simulator. */
export const NO_FAULTS: FaultSettings = {
  serverErrorRate: 0,
  rateLimitRate: 0,
  latencyMs: 0,
  tokenRevoked: false,
};

/**
 * How the "revoked token" fault is made. By default the simulator refuses every token (401 `Unauthorized`)
 * until restored ({@link refuseTokens}); a simulator with an OAuth grant can revoke the grant instead
 * (`startLocalStack`'s `tokenRevocation` option).
 */
export interface TokenRevocation {
  revoke(): void;
  restore(): void;
}

/**
 * The default "revoked token": the simulator accepts no token at all until restored, then the same ones.
 *
 * @example
 * const revocation = refuseTokens(ic);
 * revocation.revoke(); // every IC call → 401
 */
export function refuseTokens(controls: SimulatorControls): TokenRevocation {
  let accepted: string[] | undefined;
  return {
    revoke() {
      accepted ??= controls.acceptedTokens();
      controls.setTokens([]);
    },
    restore() {
      if (accepted !== undefined) controls.setTokens(accepted);
      accepted = undefined;
    },
  };
}

/**
 * One line for a simulator's faults.
 *
 * @example
 * describeFaults({ serverErrorRate: 0.25, rateLimitRate: 0, latencyMs: 0, tokenRevoked: false });
 * // '503 25%, 429 0%, latency 0 ms, token ok'
 */
export function describeFaults(faults: FaultSettings): string {
  const percent = (rate: number) => `${Math.round(rate * 100)}%`;
  return [
    `503 ${percent(faults.serverErrorRate)}`,
    `429 ${percent(faults.rateLimitRate)}`,
    `latency ${faults.latencyMs} ms`,
    faults.tokenRevoked ? 'token revoked' : 'token ok',
  ].join(', ');
}
