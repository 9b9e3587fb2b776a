// The CDK app (`cdk.json`: `node infra/app.ts`): one stack, configured from context, checked by cdk-nag.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CrmSyncStack } from './CrmSyncStack.ts';
import { stackPropsFromContext } from './stackPropsFromContext.ts';
import { warnOnPlaceholderContext } from './warnOnPlaceholderContext.ts';

const app = new App();
const props = stackPropsFromContext(app.node);
const stack = new CrmSyncStack(app, String(app.node.tryGetContext('stackName') ?? 'CrmSync'), {
  ...props,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 'crm-sync: CRO Software customers → Invisible Collector (SQS, Lambda, DynamoDB)',
});
warnOnPlaceholderContext(stack, props);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
