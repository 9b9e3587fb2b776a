import type { VatConflictPolicy } from '../config/customerSync.ts';
import { CrmSyncError } from '../errors.ts';
import { ApiConflictError, ApiNotFoundError } from '../http/errors.ts';
import type { IcCustomer, IcRegisterCustomer } from '../invisible-collector/schemas.ts';
import type { CallInfo, CallOptions } from '../http/types.ts';
import type { InvisibleCollectorApi } from '../invisible-collector/types.ts';
import type { MappedCustomer } from '../mapping/mapCustomer.ts';
import { AwaitingCreatedError, IcNotFoundError, MissingVatError, VatConflictError } from './errors.ts';
import type { WritePlan } from './planWrites.ts';

/**
 * What the writes of one sync did to Invisible Collector, as far as can be known — filled in while they run, read
 * when they fail too (docs/architecture.md#writes-of-unknown-outcome): whether a write was applied, whether an
 * attempt got no clear answer (no answer, a 5xx: IC may still apply it later), and the customer's gid once
 * learned.
 */
export class WriteLog {
  /** Some write was answered 2xx. */
  applied = false;
  /**
   * A write call that finally succeeded had an attempt of unknown outcome before: that attempt may still land,
   * repeating what the call wrote — harmless unless a newer write lands first.
   */
  mayRepeat = false;
  /** A write call failed after an attempt of unknown outcome: IC may or may not end with what it sent. */
  unknownOutcome = false;
  /** The gid learned by registering or finding the customer. */
  gid: string | undefined;

  /** Runs one write call with `options`, logging what its attempts say about its outcome. */
  async track<T>(options: CallOptions, send: (options: CallOptions) => Promise<T>): Promise<T> {
    let unclear = false;
    const onAttempt = (info: CallInfo): void => {
      // A write may read (the client confirms an unclear PUT refusal with a GET): reads change nothing.
      if (info.method === 'GET') return;
      if (info.status >= 200 && info.status < 300) this.applied = true;
      else if (info.status === 0 || info.status >= 500) unclear = true;
    };
    try {
      const value = await send({ ...options, onAttempt });
      if (unclear) this.mayRepeat = true;
      return value;
    } catch (error) {
      if (unclear) this.unknownOutcome = true;
      throw error;
    }
  }
}

export interface ApplyContext {
  ic: InvisibleCollectorApi;
  vatConflictPolicy: VatConflictPolicy;
  /** Passed to every call (the invocation's deadline); each write also reports its attempts to `log`. */
  call: CallOptions;
  log: WriteLog;
  /**
   * An unknown customer without VAT number may still get its `created` event: {@link AwaitingCreatedError}
   * (transient) instead of {@link MissingVatError} (permanent).
   */
  awaitCreated: boolean;
  /**
   * The customer looked up by externalId (`GET`) alongside the CRO read: when given, `update-by-external-id`
   * follows its answer (register, or update by gid) instead of starting with a `PUT` by externalId.
   */
  lookup?: Promise<IcCustomer | undefined>;
}

/**
 * Executes a {@link WritePlan} against Invisible Collector with the shortest chain of dependent calls and
 * returns the customer's gid (undefined for `none`).
 *
 * - `update`: PUT by gid and POST attributes in parallel; a 404 (customer deleted in IC) falls back to
 *   the externalId path.
 * - `update-by-external-id`: PUT by externalId, then the attributes by the gid it answers; a 404 means the
 *   customer is new: register (needs the VAT number), then attributes by the new gid (three calls). With a
 *   `lookup` (made alongside the CRO read), its answer decides instead: absent → register, then attributes;
 *   found → PUT by its gid alongside the attributes.
 * - `register`: POST first; a 409 is either our own earlier registration (PUT by externalId succeeds) or
 *   a VAT conflict, resolved by `vatConflictPolicy` (`dead-letter` → {@link VatConflictError}; `adopt` →
 *   PUT by the existing gid, found by VAT search when the 409 gives none).
 *
 * A registration needs the VAT number: without one, {@link MissingVatError} (or {@link AwaitingCreatedError}).
 * Every write's attempts are reported to `context.log`, which the caller reads whatever happens.
 *
 * @example
 * const log = new WriteLog();
 * const gid = await applyWrites({ kind: 'register' }, mapped, { ic, vatConflictPolicy: 'dead-letter', call: { deadline }, log, awaitCreated: false });
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
  /** The early lookup, until used (once: a later fallback to the externalId path starts with a PUT). */
  private lookup: Promise<IcCustomer | undefined> | undefined;

  constructor(mapped: MappedCustomer, context: ApplyContext) {
    this.mapped = mapped;
    this.context = context;
    this.lookup = context.lookup;
  }

  /** One write call, logged. */
  private write<T>(send: (ic: InvisibleCollectorApi, call: CallOptions) => Promise<T>): Promise<T> {
    return this.context.log.track(this.context.call, (call) => send(this.context.ic, call));
  }

  async updateKnown(gid: string, document: boolean, attributes: boolean): Promise<string> {
    const results = await Promise.allSettled([
      document ? this.write((ic, call) => ic.updateCustomer(gid, this.mapped.document, call)) : undefined,
      attributes ? this.write((ic, call) => ic.setAttributes(gid, this.mapped.attributes, call)) : undefined,
    ]);
    const error = firstError(results);
    if (error === undefined) return gid;
    // The stored gid no longer exists in IC (deleted there): find or create the customer again.
    if (error instanceof ApiNotFoundError) return this.upsertByExternalId();
    throw error;
  }

  // PUT by externalId first, the attributes once its answer says where they go: a customer IC does not know
  // costs PUT (404) → POST → attributes, three calls; attributes sent by externalId alongside the PUT would be
  // a fourth (their 404) whenever the customer is new, the common case on this path (the state has no gid).
  async upsertByExternalId(): Promise<string> {
    const { externalId, document } = this.mapped;
    const lookup = this.lookup;
    this.lookup = undefined;
    if (lookup !== undefined) {
      // Looked up while CRO was read: where the writes go is known already.
      const found = await lookup;
      if (found === undefined) return this.register({ ownCheckDone: true });
      return this.updateKnown(this.learned(found.gid), true, true);
    }
    let gid: string;
    try {
      gid = (await this.write((ic, call) => ic.updateCustomer(externalId, document, call))).gid;
    } catch (error) {
      if (!(error instanceof ApiNotFoundError)) throw error;
      return this.register({ ownCheckDone: true });
    }
    this.learned(gid);
    await this.attributesOfNew(gid);
    return gid;
  }

  registerFirst(): Promise<string> {
    return this.register({ ownCheckDone: false });
  }

  private async register({ ownCheckDone }: { ownCheckDone: boolean }): Promise<string> {
    const { externalId, vatNumber, document } = this.mapped;
    if (vatNumber === undefined) {
      throw this.context.awaitCreated
        ? new AwaitingCreatedError(externalId)
        : new MissingVatError(externalId);
    }
    let gid: string;
    try {
      const body = { ...document, vatNumber } as IcRegisterCustomer;
      gid = (await this.write((ic, call) => ic.registerCustomer(body, call))).gid;
    } catch (error) {
      if (!(error instanceof ApiConflictError)) throw error;
      gid = await this.resolveConflict(error, ownCheckDone);
    }
    this.learned(gid);
    await this.attributesOfNew(gid);
    return gid;
  }

  // The 409 names the IC customer holding the VAT number. If it is ours (registered by an earlier attempt
  // whose state was not committed), PUT by externalId succeeds; otherwise apply the policy.
  private async resolveConflict(conflict: ApiConflictError, ownCheckDone: boolean): Promise<string> {
    const { vatConflictPolicy } = this.context;
    const { externalId, document } = this.mapped;
    if (!ownCheckDone) {
      try {
        return (await this.write((ic, call) => ic.updateCustomer(externalId, document, call))).gid;
      } catch (error) {
        if (!(error instanceof ApiNotFoundError)) throw error;
      }
    }
    if (vatConflictPolicy !== 'adopt') throw new VatConflictError(externalId, conflict.gid, conflict);
    const existing = conflict.gid ?? (await this.findByVat());
    if (existing === undefined) throw new VatConflictError(externalId, undefined, conflict);
    try {
      // The document carries our externalId: this links the existing IC customer to the CRO customer.
      return (await this.write((ic, call) => ic.updateCustomer(existing, document, call))).gid;
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

  private learned(gid: string): string {
    this.context.log.gid = gid;
    return gid;
  }

  private async attributesOfNew(gid: string): Promise<void> {
    try {
      await this.write((ic, call) => ic.setAttributes(gid, this.mapped.attributes, call));
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
    errors.find((e) => e instanceof CrmSyncError && !e.transient) ??
    errors[0]
  );
}
