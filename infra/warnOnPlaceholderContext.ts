import { Annotations, type Stack } from 'aws-cdk-lib';
import type { CrmSyncStackProps } from './CrmSyncStackProps.ts';

/** Top-level domains reserved for examples (RFC 2606); `cdk.json`'s placeholder CRO URL uses one. */
const RESERVED_TLD = /\.(example|invalid)$/i;

/**
 * Warns (at synth and at deploy) when the stack would call an API on a reserved example domain — the
 * `cdk.json` placeholder that only makes an offline `cdk synth` work. Deployed as is, every event would fail
 * on DNS, be retried for the whole retry horizon and end in the DLQ. Returns the warnings it added.
 *
 * @example
 * warnOnPlaceholderContext(stack, props); // npx cdk deploy without -c crmApiUrl=... prints a warning
 */
export function warnOnPlaceholderContext(stack: Stack, props: CrmSyncStackProps): string[] {
  const urls = { crmApiUrl: props.crmApiUrl, icApiUrl: props.icApiUrl };
  const warnings = Object.entries(urls)
    .filter(([, url]) => url !== undefined && RESERVED_TLD.test(new URL(url).hostname))
    .map(
      ([key, url]) =>
        `${key} is ${url}, a placeholder on a reserved example domain: deploy with -c ${key}=https://<your API host>`,
    );
  for (const warning of warnings) Annotations.of(stack).addWarningV2('crm-sync:placeholder-context', warning);
  return warnings;
}
