import type { SyncState } from './state/types.ts';

/** The Invisible Collector writes a sync needs (decided without any call). */
export type WritePlan =
  /** Document and attributes hash like the last write: 0 calls. */
  | { kind: 'none' }
  /** Known gid: `PUT /customers/{gid}` and/or `POST /customers/{gid}/attributes`, in parallel. */
  | { kind: 'update'; gid: string; document: boolean; attributes: boolean }
  /** Unknown gid, update event: `PUT /customers/{externalId}` (+ attributes), register on 404. */
  | { kind: 'update-by-external-id' }
  /** Unknown gid, create event: `POST /customers` first, then attributes. */
  | { kind: 'register' };

export interface PlanInput {
  state: SyncState;
  docHash: string;
  attrHash: string;
  /** A `crm.customer.created` event is among the records. */
  created: boolean;
}

/**
 * Decides the fewest Invisible Collector writes for a mapped customer (pure): nothing when both hashes
 * match the last write, only what changed when the gid is known, else the shortest chain by event type.
 *
 * @example
 * planWrites({ state: { gid: 'g1', docHash: 'a', attrHash: 'b', eventIds: [] }, docHash: 'a', attrHash: 'c', created: false });
 * // { kind: 'update', gid: 'g1', document: false, attributes: true }
 */
export function planWrites({ state, docHash, attrHash, created }: PlanInput): WritePlan {
  const document = state.docHash !== docHash;
  const attributes = state.attrHash !== attrHash;
  if (state.gid !== undefined) {
    return document || attributes
      ? { kind: 'update', gid: state.gid, document, attributes }
      : { kind: 'none' };
  }
  return created ? { kind: 'register' } : { kind: 'update-by-external-id' };
}
