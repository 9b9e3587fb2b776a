// Builders for the webhook tests: the shared customer CloudEvent of tenant 42.
export { TENANT, customerEvent as webhookEvent } from '../../../helpers/customerEvent.ts';
