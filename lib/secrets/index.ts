export {
  createSecretReader,
  FILE_SCHEME,
  type SecretReader,
  type SecretReaderOptions,
} from './createSecretReader.ts';
export {
  credentialsProvider,
  CredentialsSecretSchema,
  type CredentialsProvider,
} from './credentialsProvider.ts';
export { SecretError } from './errors.ts';
export {
  parseWebhookSecrets,
  webhookSecretProvider,
  type WebhookSecretsProvider,
} from './webhookSecretProvider.ts';
