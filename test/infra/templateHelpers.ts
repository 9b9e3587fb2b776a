import { afterAll, jest } from '@jest/globals';
import { App, Stack, type AppProps, type CfnElement } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CrmSyncStack } from '../../infra/CrmSyncStack.ts';
import type { CrmSyncStackProps } from '../../infra/CrmSyncStackProps.ts';

/** The props every deployment must give, with test values. */
export const REQUIRED_PROPS: CrmSyncStackProps = {
  crmApiUrl: 'https://api.cro.test',
  crmTenantId: 42,
  credentialsSecretName: 'crm-sync/credentials',
  webhookSecretName: 'crm-sync/webhook-secret',
};

/** A stack in `app` with the required props plus `overrides`, in a fixed region (readable ARNs). */
export function crmSyncStack(app: App, id: string, overrides: Partial<CrmSyncStackProps> = {}): CrmSyncStack {
  return new CrmSyncStack(app, id, {
    ...REQUIRED_PROPS,
    env: { account: '123456789012', region: 'eu-west-1' },
    ...overrides,
  });
}

/**
 * CDK apps that leave nothing behind and print nothing. A plain `new App()` creates a `cdk.outXXXXXX` folder in
 * the temp directory that CDK never removes, and asset bundling writes `Bundling asset <path>...` straight to
 * stderr. Call it once at the top level of a test file: each app synthesizes into its own temporary directory,
 * and after the file's tests those directories are removed and stderr is restored.
 *
 * @example
 * const testApp = testApps();
 * const stack = crmSyncStack(testApp(), 'Default');
 */
export function testApps(): (props?: AppProps) => App {
  const outdirs: string[] = [];
  const write = process.stderr.write.bind(process.stderr) as (...args: unknown[]) => boolean;
  const stderr = jest
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk: unknown, ...rest: unknown[]) =>
      typeof chunk === 'string' && /^Bundling asset \S+\.\.\.\n$/.test(chunk) ? true : write(chunk, ...rest),
    );
  afterAll(() => {
    stderr.mockRestore();
    for (const outdir of outdirs) rmSync(outdir, { recursive: true, force: true });
  });
  return (props = {}) => {
    const outdir = mkdtempSync(join(tmpdir(), 'crm-sync-cdk-'));
    outdirs.push(outdir);
    return new App({ ...props, outdir });
  };
}

/** `{ "Fn::GetAtt": [<logical id>, 'Arn'] }` of a construct's CloudFormation resource. */
export function arnOf(construct: IConstruct): { 'Fn::GetAtt': [string, string] } {
  return { 'Fn::GetAtt': [logicalId(construct), 'Arn'] };
}

/** `{ Ref: <logical id> }` of a construct's CloudFormation resource. */
export function refOf(construct: IConstruct): { Ref: string } {
  return { Ref: logicalId(construct) };
}

export function logicalId(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
}

/** One allowed action on one resource, from an IAM policy statement. */
export interface Permission {
  action: string;
  resource: unknown;
}

/**
 * Every (action, resource) pair the role's inline policies allow, sorted — the exact IAM surface of a
 * function (statements in any grouping give the same list).
 */
export function permissionsOfRole(template: Template, role: IConstruct): Permission[] {
  const roleRef = refOf(role);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Array<{
    Properties: { Roles: unknown[]; PolicyDocument: { Statement: Array<Record<string, unknown>> } };
  }>;
  const pairs: Permission[] = [];
  for (const policy of policies) {
    if (!policy.Properties.Roles.some((r) => JSON.stringify(r) === JSON.stringify(roleRef))) continue;
    for (const statement of policy.Properties.PolicyDocument.Statement) {
      if (statement.Effect !== 'Allow') continue;
      for (const action of asArray(statement.Action)) {
        for (const resource of asArray(statement.Resource)) pairs.push({ action: String(action), resource });
      }
    }
  }
  return sortPermissions(pairs);
}

export function sortPermissions(pairs: Permission[]): Permission[] {
  const key = (p: Permission) => `${p.action} ${JSON.stringify(p.resource)}`;
  return [...new Map(pairs.map((p) => [key(p), p])).values()].sort((a, b) => key(a).localeCompare(key(b)));
}

/** `actions` × `resources` as permissions. */
export function allow(actions: string[], ...resources: unknown[]): Permission[] {
  return actions.flatMap((action) => resources.map((resource) => ({ action, resource })));
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/**
 * The dashboard's widgets as CloudWatch reads them: the `DashboardBody` join with every CloudFormation reference
 * replaced by `<Ref:logicalId>` / `<GetAtt:logicalId.attr>` / `<Pseudo>` text, then parsed.
 *
 * @example
 * const widgets = dashboardWidgets(template); // [{ type: 'metric', properties: { title, metrics } }, ...]
 */
export function dashboardWidgets(
  template: Template,
): Array<{ type: string; properties: Record<string, unknown> }> {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const body = dashboards[0]?.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  const text = body['Fn::Join'][1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = (part as { Ref?: string }).Ref;
      if (ref !== undefined) return `<Ref:${ref}>`;
      const getAtt = (part as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt'];
      if (getAtt !== undefined) return `<GetAtt:${getAtt.join('.')}>`;
      return '<Token>';
    })
    .join('');
  return (JSON.parse(text) as { widgets: Array<{ type: string; properties: Record<string, unknown> }> })
    .widgets;
}
