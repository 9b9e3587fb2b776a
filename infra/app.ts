// The CDK app (`cdk.json`: `node infra/app.ts`): one stack for the environment chosen with `-c env=<name>`
// (a block of cdk.json's `environments`), guarded against placeholders and unheard alarms, checked by cdk-nag.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CrmSyncStack } from './CrmSyncStack.ts';
import { deploymentFromContext, refuseDeployment } from './deployGuards.ts';

const app = new App();
const deployment = deploymentFromContext(app.node);
const stack = new CrmSyncStack(app, deployment.stackName, {
  ...deployment.props,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 'crm-sync: CRO Software customers → Invisible Collector (SQS, Lambda, DynamoDB)',
});
if (deployment.example) {
  refuseDeployment(
    stack,
    `environment "${deployment.envName ?? '(none)'}" is an example (placeholder URLs, tenant and e-mail) that only synthesizes: ` +
      'add your own block to cdk.json\'s "environments" and deploy with -c env=<name> (docs/deploy.md)',
  );
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
