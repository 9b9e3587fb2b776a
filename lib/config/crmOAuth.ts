import { CLIENT_AUTH_METHODS, type ClientAuthMethod } from '../oauth/types.ts';
import * as z from '../zod.ts';
import { envVar } from './parseEnv.ts';

/**
 * The variables of every function that reads CRO with the credentials secret (docs/cro-oauth.md): spread
 * into its environment schema.
 */
export const CRM_OAUTH_ENV = {
  CRM_TOKEN_URL: z
    .optional(envVar.url())
    .check(
      z.describe(
        "CRO's OAuth 2.0 token endpoint; required when the credentials secret holds the `crm` OAuth object (docs/cro-oauth.md)",
      ),
    ),
  CRM_TOKEN_AUTH: z
    ._default(
      z.enum(CLIENT_AUTH_METHODS, { error: `must be one of ${CLIENT_AUTH_METHODS.join(', ')}` }),
      'client_secret_basic',
    )
    .check(
      z.describe(
        'client authentication at the token endpoint (RFC 6749 §2.3.1): HTTP Basic (`client_secret_basic`) or `client_id`/`client_secret` in the body (`client_secret_post`)',
      ),
    ),
};

/** CRO OAuth settings from the environment. */
export interface CrmOAuthConfig {
  /** Unset: only a static `crmToken` works (a secret with `crm` fails, naming `CRM_TOKEN_URL`). */
  tokenUrl?: string;
  /** @default 'client_secret_basic' */
  clientAuth: ClientAuthMethod;
}

/**
 * The {@link CrmOAuthConfig} from variables parsed with {@link CRM_OAUTH_ENV}.
 *
 * @example
 * const e = parseEnv(z.object({ ...CRM_OAUTH_ENV }), process.env);
 * crmOAuthConfig(e); // { tokenUrl: 'https://auth.cro.example/token', clientAuth: 'client_secret_basic' }
 */
export function crmOAuthConfig(e: {
  CRM_TOKEN_URL?: string;
  CRM_TOKEN_AUTH: ClientAuthMethod;
}): CrmOAuthConfig {
  return {
    ...(e.CRM_TOKEN_URL !== undefined && { tokenUrl: e.CRM_TOKEN_URL }),
    clientAuth: e.CRM_TOKEN_AUTH,
  };
}
