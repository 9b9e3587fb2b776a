import type { SyncState } from './state/types.ts';

/** The Invisible Collector writes a sync needs (decided without any call). */
export type WritePlan =
  /** Document and attributes hash like the last write: 0 calls. */
  | { kind: 'none' }
  /** Known gid: `PUT /customers/{gid}` and/or `POST /customers/{gid}/attributes`, in parallel. */
  | { kind: 'update'; gid: string; document: boolean; attributes: boolean }
  /** Unknown gid: `PUT /customers/{externalId}` (+ attributes), register on 404. */
  | { kind: 'update-by-external-id' }
  /** Unknown gid, create event, clean state: `POST /customers` first, then attributes. */
  | { kind: 'register' };

export interface PlanInput {
  state: SyncState;
  /** The document differs from the last one written (`splitHash`). */
  document: boolean;
  /** The attributes differ from the last ones written. */
  attributes: boolean;
  /** A `crm.customer.created` event is among the records. */
  created: boolean;
  /**
   * Invisible Collector may hold writes the state does not describe (a dirty mark, a lease taken over): the
   * hashes prove nothing, so everything is written, and an unknown customer is looked up by externalId before
   * any registration (its registration may have succeeded without its gid being stored).
   */
  repair: boolean;
}

/**
 * Decides the fewest Invisible Collector writes for a mapped customer (pure): nothing when neither the
 * document nor the attributes changed since the last write, only what changed when the gid is known, else the
 * shortest chain by event type — unless a repair is due, which writes everything and never registers before
 * looking the customer up.
 *
 * @example
 * planWrites({ state: { ...state, gid: 'g1' }, document: false, attributes: true, created: false, repair: false });
 * // { kind: 'update', gid: 'g1', document: false, attributes: true }
 */
export function planWrites(input: PlanInput): WritePlan {
  const { state, created, repair } = input;
  const document = repair || input.document;
  const attributes = repair || input.attributes;
  if (state.gid !== undefined) {
    return document || attributes
      ? { kind: 'update', gid: state.gid, document, attributes }
      : { kind: 'none' };
  }
  return created && !repair ? { kind: 'register' } : { kind: 'update-by-external-id' };
}
