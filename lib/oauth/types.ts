import type { Logger } from '@aws-lambda-powertools/logger';
import * as z from '../zod.ts';

/**
 * How the client authenticates at the token endpoint (RFC 6749 §2.3.1): HTTP Basic with the
 * form-encoded client id and secret (`client_secret_basic`, what every server must support), or both in
 * the request body (`client_secret_post`).
 */
export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post'] as const;
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];

const nonEmpty = z.string().check(z.minLength(1));

/**
 * The OAuth 2.0 credentials kept in a secret (the credentials secret's `crm` object): the client, its
 * current refresh token and, once a refresh has happened, the access token every process shares with its
 * expiry (ISO 8601).
 */
export const OAuthCredentialsSchema = z.object({
  clientId: nonEmpty,
  clientSecret: nonEmpty,
  refreshToken: nonEmpty,
  accessToken: z.optional(nonEmpty),
  accessTokenExpiresAt: z.optional(z.iso.datetime({ offset: true })),
});
export type OAuthCredentials = z.infer<typeof OAuthCredentialsSchema>;

/** A token endpoint and how to authenticate at it. */
export interface TokenEndpoint {
  /** The authorization server's token endpoint (`CRM_TOKEN_URL`). */
  url: string;
  /** @default 'client_secret_basic' */
  clientAuth?: ClientAuthMethod;
  /** Per-request timeout. @default 10000 */
  timeoutMs?: number;
}

/** A successful token answer (RFC 6749 §5.1), normalised. */
export interface TokenSet {
  accessToken: string;
  /** Epoch ms; computed from `expires_in` when the answer arrived. */
  expiresAt: number;
  /** A new refresh token when the server rotated it (the old one must not be sent again). */
  refreshToken?: string;
  scope?: string;
}

/** Where the credentials live (a secret): read from the source every time, written back after a refresh. */
export interface CredentialStore {
  /** The stored credentials, read from the source (never from a cache). */
  read(): Promise<OAuthCredentials>;
  /**
   * Replaces the stored credentials, keeping whatever else the store holds — unless the stored refresh
   * token is no longer `expectedRefreshToken` (someone re-authorized meanwhile): then nothing is written
   * and the answer is `'superseded'`.
   */
  write(next: OAuthCredentials, expectedRefreshToken: string): Promise<'written' | 'superseded'>;
}

/** The log methods the token provider uses (Powertools' Logger; its lines never carry a token). */
export type TokenLogger = Pick<Logger, 'info' | 'warn' | 'error'>;
