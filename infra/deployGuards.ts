import { Annotations, CfnParameter, CfnRule, Fn, type Stack } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import { InvalidContextError } from './errors.ts';
import { type ContextDeployment, readContextDeployment, whereToSet } from './stackPropsFromContext.ts';

/**
 * Host names reserved for examples and tests (RFC 2606, RFC 6761): a deployment calling one would fail every
 * event on DNS, retry it for the whole retry horizon and dead-letter it.
 */
const RESERVED_HOST = /(^|\.)(example|invalid|test|localhost)$|(^|\.)example\.(com|net|org)$/i;

/** One reason a deployment must not go out as configured. */
export interface GuardProblem {
  key: string;
  message: string;
}

/**
 * What stops a deployment that cannot work or would fail silently: an API URL or alarm e-mail on a reserved
 * example domain (a placeholder), and no `alarmEmail` without `alarmEmailWaived` (the alarm topic would have
 * no subscriber and every alarm would go unseen). An `example` environment is exempt: it never deploys
 * ({@link refuseDeployment}).
 *
 * @example
 * deployGuardProblems({ ...deployment, props: { ...props, crmApiUrl: 'https://api.cro.example' } });
 * // [{ key: 'crmApiUrl', message: 'is https://api.cro.example, a placeholder on a reserved example domain: ...' }]
 */
export function deployGuardProblems(deployment: ContextDeployment): GuardProblem[] {
  if (deployment.example) return [];
  const { props } = deployment;
  const problems: GuardProblem[] = [];
  const urls: Array<[string, string | undefined]> = [
    ['crmApiUrl', props.crmApiUrl],
    ['icApiUrl', props.icApiUrl],
  ];
  for (const [key, url] of urls) {
    if (url !== undefined && RESERVED_HOST.test(new URL(url).hostname)) {
      problems.push({
        key,
        message: `is ${url}, a placeholder on a reserved example domain: give your API's https URL`,
      });
    }
  }
  if (props.alarmEmail !== undefined && RESERVED_HOST.test(props.alarmEmail.split('@').pop() ?? '')) {
    problems.push({ key: 'alarmEmail', message: `is ${props.alarmEmail}, a placeholder address` });
  }
  if (props.alarmEmail === undefined && !deployment.alarmEmailWaived) {
    problems.push({
      key: 'alarmEmail',
      message:
        'is required: nobody would hear the alarms (or set alarmEmailWaived: true when the topic is subscribed elsewhere)',
    });
  }
  return problems;
}

/**
 * The deployment the app builds: the context read and validated ({@link readContextDeployment}), then the
 * {@link deployGuardProblems} checked — any problem stops synth (and so deploy) with one
 * {@link InvalidContextError} naming every key to set.
 *
 * @example
 * const deployment = deploymentFromContext(app.node); // npx cdk deploy -c env=prod
 */
export function deploymentFromContext(node: Node): ContextDeployment {
  const deployment = readContextDeployment(node);
  const problems = deployGuardProblems(deployment);
  if (problems.length > 0) throw new InvalidContextError(problems, whereToSet(deployment.envName));
  return deployment;
}

/** The parameter and rule {@link refuseDeployment} adds (ids in the template). */
export const REFUSAL_IDS = { parameter: 'ExampleEnvironment', rule: 'RefuseExampleEnvironment' } as const;

/**
 * Makes a stack synthesize but never deploy: a CloudFormation rule whose assertion always fails (unless the
 * `ExampleEnvironment` parameter is explicitly overridden), so `cdk deploy` stops at the change set with
 * `message`, before any resource exists; and a synth-time warning saying so. For the `example` environment
 * that CI synthesizes (cdk-nag) with placeholder values.
 *
 * @example
 * if (deployment.example) refuseDeployment(stack, 'the example environment only synthesizes: deploy -c env=<yours>');
 */
export function refuseDeployment(stack: Stack, message: string): void {
  const parameter = new CfnParameter(stack, REFUSAL_IDS.parameter, {
    type: 'String',
    default: 'synth-only',
    description: 'This template comes from an example environment and refuses to deploy.',
  });
  new CfnRule(stack, REFUSAL_IDS.rule, {
    assertions: [
      { assert: Fn.conditionEquals(parameter.valueAsString, 'deploy'), assertDescription: message },
    ],
  });
  Annotations.of(stack).addWarningV2('crm-sync:example-environment', message);
}
