import type { CroCustomer } from '../../lib/crm/schemas.ts';
import type { CroSimLocation } from '../../lib/local/simulators/croLocations.ts';

/** Calls per `METHOD route` (e.g. `PUT /customers/:id`), per API, plus DynamoDB operations. */
export interface CallCounts {
  ic: Record<string, number>;
  cro: Record<string, number>;
  dynamo: Record<string, number>;
  /** Invisible Collector answers per status (0: no answer). */
  icStatus: Record<string, number>;
}

/** What the service process can be asked to do (one method per message, answered in order). */
export interface ServiceMethods {
  setLatency(ms: number): void;
  /** Delay added to every DynamoDB operation (the counting proxy's), concurrently. */
  setDynamoLatency(ms: number): void;
  /** DynamoDB answered by the in-memory model (concurrent, as DynamoDB) instead of dynalite. */
  setDynamoModel(on: boolean): void;
  /** Limits Invisible Collector to this many requests per second (429 beyond it); `null` lifts it. */
  setIcRateLimit(perSecond: number | null): void;
  /** Stores CRO customers as given. */
  seedCro(models: CroCustomer[]): void;
  /** Stores CRO locations (the reconciliation lists them). */
  seedLocations(locations: CroSimLocation[]): void;
  /** The main event queue (URL on the emulator's endpoint, ARN). */
  queue(): { url: string; arn: string };
  /** Changes CRO customers (bumping `last_updated_on`); returns the stored models. */
  touch(updates: Array<{ id: number; changes: Partial<CroCustomer> }>): CroCustomer[];
  clearCalls(): void;
  counts(): CallCounts;
}

export type ServiceMethod = keyof ServiceMethods;

export interface ServiceRequest {
  id: number;
  method: ServiceMethod;
  args: unknown[];
}

export type ServiceReply = { id: number; result: unknown } | { id: number; error: string };

/** Sent once by the service process when everything listens. */
export interface ServiceReady {
  ready: { env: Record<string, string> };
}
