import type { VatConflictPolicy } from '../config/customerSync.ts';
import { ApiConflictError, ApiNotFoundError } from '../http/errors.ts';
import type { IcRegisterCustomer } from '../invisible-collector/schemas.ts';
import type { CallOptions } from '../http/types.ts';
import type { InvisibleCollectorApi } from '../invisible-collector/types.ts';
import type { MappedCustomer } from '../mapping/mapCustomer.ts';
import { IcNotFoundError, MissingVatError, VatConflictError } from './errors.ts';
import type { WritePlan } from './planWrites.ts';

export interface ApplyContext {
  ic: InvisibleCollectorApi;
  vatConflictPolicy: VatConflictPolicy;
  /** Passed to every call (the invocation's deadline). */
  call: CallOptions;
}

/**
 * Executes a {@link WritePlan} against Invisible Collector with the shortest chain of dependent calls and
 * returns the customer's gid (undefined for `none`).
 *
 * - `update`: PUT by gid and POST attributes in parallel; a 404 (customer deleted in IC) falls back to
 *   the externalId path.
 * - `update-by-external-id`: PUT by externalId and POST attributes by externalId in parallel; a 404 means
 *   the customer is new: register (needs the VAT number), then attributes by the new gid.
 * - `register`: POST first; a 409 is either our own earlier registration (PUT by externalId succeeds) or
 *   a VAT conflict, resolved by `vatConflictPolicy` (`dead-letter` → {@link VatConflictError}; `adopt` →
 *   PUT by the existing gid, found by VAT search when the 409 gives none).
 *
 * @example
 * const gid = await applyWrites({ kind: 'register' }, mapped, { ic, vatConflictPolicy: 'dead-letter', call: { deadline } });
 */
export async function applyWrites(
  plan: WritePlan,
  mapped: MappedCustomer,
  context: ApplyContext,
): Promise<string | undefined> {
  const writer = new Writer(mapped, context);
  switch (plan.kind) {
    case 'none':
      return undefined;
    case 'update':
      return writer.updateKnown(plan.gid, plan.document, plan.attributes);
    case 'update-by-external-id':
      return writer.upsertByExternalId();
    case 'register':
      return writer.registerFirst();
  }
}

type Settled<T> = PromiseSettledResult<T>;

class Writer {
  private readonly mapped: MappedCustomer;
  private readonly context: ApplyContext;

  constructor(mapped: MappedCustomer, context: ApplyContext) {
    this.mapped = mapped;
    this.context = context;
  }

  async updateKnown(gid: string, document: boolean, attributes: boolean): Promise<string> {
    const { ic, call } = this.context;
    const results = await Promise.allSettled([
      document ? ic.updateCustomer(gid, this.mapped.document, call) : undefined,
      attributes ? ic.setAttributes(gid, this.mapped.attributes, call) : undefined,
    ]);
    const error = firstError(results);
    if (error === undefined) return gid;
    // The stored gid no longer exists in IC (deleted there): find or create the customer again.
    if (error instanceof ApiNotFoundError) return this.upsertByExternalId();
    throw error;
  }

  async upsertByExternalId(): Promise<string> {
    const { ic, call } = this.context;
    const { externalId, document, attributes } = this.mapped;
    const [put, attrs] = await Promise.allSettled([
      ic.updateCustomer(externalId, document, call),
      ic.setAttributes(externalId, attributes, call),
    ]);
    if (put.status === 'fulfilled') {
      const gid = put.value.gid;
      if (attrs.status === 'rejected') {
        // Registered by someone else between the two calls: set the attributes by gid.
        if (!(attrs.reason instanceof ApiNotFoundError)) throw attrs.reason;
        await this.attributesOfNew(gid);
      }
      return gid;
    }
    if (!(put.reason instanceof ApiNotFoundError)) throw put.reason;
    return this.register({ ownCheckDone: true });
  }

  registerFirst(): Promise<string> {
    return this.register({ ownCheckDone: false });
  }

  private async register({ ownCheckDone }: { ownCheckDone: boolean }): Promise<string> {
    const { ic, call } = this.context;
    const { externalId, vatNumber, document } = this.mapped;
    if (vatNumber === undefined) throw new MissingVatError(externalId);
    let gid: string;
    try {
      gid = (await ic.registerCustomer({ ...document, vatNumber } as IcRegisterCustomer, call)).gid;
    } catch (error) {
      if (!(error instanceof ApiConflictError)) throw error;
      gid = await this.resolveConflict(error, ownCheckDone);
    }
    await this.attributesOfNew(gid);
    return gid;
  }

  // The 409 names the IC customer holding the VAT number. If it is ours (registered by an earlier attempt
  // whose state was not committed), PUT by externalId succeeds; otherwise apply the policy.
  private async resolveConflict(conflict: ApiConflictError, ownCheckDone: boolean): Promise<string> {
    const { ic, call, vatConflictPolicy } = this.context;
    const { externalId, document } = this.mapped;
    if (!ownCheckDone) {
      try {
        return (await ic.updateCustomer(externalId, document, call)).gid;
      } catch (error) {
        if (!(error instanceof ApiNotFoundError)) throw error;
      }
    }
    if (vatConflictPolicy !== 'adopt') throw new VatConflictError(externalId, conflict.gid, conflict);
    const existing = conflict.gid ?? (await this.findByVat());
    if (existing === undefined) throw new VatConflictError(externalId, undefined, conflict);
    try {
      // The document carries our externalId: this links the existing IC customer to the CRO customer.
      return (await ic.updateCustomer(existing, document, call)).gid;
    } catch (error) {
      throw error instanceof ApiNotFoundError ? new IcNotFoundError(existing, error) : error;
    }
  }

  private async findByVat(): Promise<string | undefined> {
    const { ic, call } = this.context;
    const found = await ic.searchCustomers({ vat: this.mapped.vatNumber! }, call);
    // Several customers with one VAT number: ambiguous, leave it to an operator.
    return found.length === 1 ? found[0]!.gid : undefined;
  }

  private async attributesOfNew(gid: string): Promise<void> {
    try {
      await this.context.ic.setAttributes(gid, this.mapped.attributes, this.context.call);
    } catch (error) {
      throw error instanceof ApiNotFoundError ? new IcNotFoundError(gid, error) : error;
    }
  }
}

// Of parallel calls' failures, a 404 comes first (it changes the path), then permanent ones.
function firstError(results: ReadonlyArray<Settled<unknown>>): unknown {
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  return (
    errors.find((e) => e instanceof ApiNotFoundError) ??
    errors.find((e) => (e as { transient?: boolean }).transient === false) ??
    errors[0]
  );
}
