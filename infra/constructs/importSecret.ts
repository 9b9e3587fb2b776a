import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

/** An existing Secrets Manager secret, referenced by name or complete ARN (never by value). */
export interface ImportedSecret {
  readonly secret: secretsmanager.ISecret;
  /** What the function gets in its environment (`SecretId` for GetSecretValue): the name or the ARN given. */
  readonly secretId: string;
  /**
   * The IAM resource that matches exactly this secret: the complete ARN, or for a name the ARN with
   * Secrets Manager's random 6-character suffix as `-??????` (the narrowest form AWS allows for a name).
   */
  readonly policyResource: string;
}

/**
 * References an existing secret by name (`Secret.fromSecretNameV2`) or by complete ARN
 * (`Secret.fromSecretCompleteArn`, when the value starts with `arn:`).
 *
 * @example
 * const credentials = importSecret(this, 'Credentials', 'crm-sync/credentials');
 * fn.bindSecret('CREDENTIALS_SECRET_ID', credentials);
 */
export function importSecret(scope: Construct, id: string, nameOrArn: string): ImportedSecret {
  if (nameOrArn.startsWith('arn:')) {
    const secret = secretsmanager.Secret.fromSecretCompleteArn(scope, id, nameOrArn);
    return { secret, secretId: nameOrArn, policyResource: nameOrArn };
  }
  const secret = secretsmanager.Secret.fromSecretNameV2(scope, id, nameOrArn);
  const policyResource = Arn.format(
    {
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${nameOrArn}-??????`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    },
    Stack.of(scope),
  );
  return { secret, secretId: nameOrArn, policyResource };
}
