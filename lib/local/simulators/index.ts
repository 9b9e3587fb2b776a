export * from './types.ts';
export {
  startIcSimulator,
  DEFAULT_IC_TOKEN,
  type IcSimulator,
  type IcSimulatorOptions,
} from './icSimulator.ts';
export type { SimIcCustomer as IcSimCustomer, SimIcCustomerInput as IcSimCustomerInput } from './icStore.ts';
export {
  startCroSimulator,
  DEFAULT_CRO_TENANT,
  DEFAULT_CRO_TOKEN,
  type CroSimulator,
  type CroSimulatorOptions,
} from './croSimulator.ts';
export { seededRandom } from './prng.ts';
export {
  startCroOAuthSimulator,
  authorizedClient,
  DEFAULT_CRO_CLIENT,
  type CroOAuthClient,
  type CroOAuthSimulator,
  type CroOAuthSimulatorOptions,
  type CroOAuthStats,
} from './croOAuth.ts';
