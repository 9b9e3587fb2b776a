export {
  createSecretReader,
  FILE_SCHEME,
  type SecretReader,
  type SecretReaderOptions,
} from './createSecretReader.ts';
export { createSecretWriter, type SecretWriter } from './createSecretWriter.ts';
export {
  credentialsProvider,
  CredentialsSecretSchema,
  parseSecretJson,
  secretCredentialStore,
  type CredentialsProvider,
  type CredentialsProviderOptions,
  type CrmOAuthSettings,
} from './credentialsProvider.ts';
export { SecretError } from './errors.ts';
export {
  parseWebhookSecrets,
  webhookSecretProvider,
  type WebhookSecretsProvider,
} from './webhookSecretProvider.ts';
