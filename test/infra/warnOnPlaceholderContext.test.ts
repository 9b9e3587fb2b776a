import { describe, it, expect } from '@jest/globals';
import { type App, CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { stackPropsFromContext } from '../../infra/stackPropsFromContext.ts';
import { warnOnPlaceholderContext } from '../../infra/warnOnPlaceholderContext.ts';
import { REQUIRED_PROPS, testApps } from './templateHelpers.ts';

const testApp = testApps();

const cdkJsonContext = (JSON.parse(readFileSync('cdk.json', 'utf8')) as { context: Record<string, unknown> })
  .context;

// A plain Stack is enough: the warning is an annotation on whatever stack the app builds (no bundling here).
// It holds one resource, as a deployable template must (synth reports an empty one on the console).
function plainStack(app: App, id: string): Stack {
  const stack = new Stack(app, id);
  new CfnWaitConditionHandle(stack, 'AnyResource');
  return stack;
}

describe('warnOnPlaceholderContext', () => {
  it("warns that cdk.json's own CRO URL is a placeholder to override at deploy", () => {
    const app = testApp({ context: cdkJsonContext });
    const props = stackPropsFromContext(app.node);
    const stack = plainStack(app, 'FromCdkJson');

    const warnings = warnOnPlaceholderContext(stack, props);

    expect(warnings).toEqual([expect.stringContaining('deploy with -c crmApiUrl=')]);
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('crmApiUrl is .*placeholder'));
  });

  it('flags an Invisible Collector URL on a reserved domain too', () => {
    const props = { ...REQUIRED_PROPS, icApiUrl: 'https://ic.invalid' };
    const stack = plainStack(testApp(), 'IcPlaceholder');

    expect(warnOnPlaceholderContext(stack, props)).toEqual([expect.stringMatching(/^icApiUrl is /)]);
  });

  it('stays quiet for real API hosts', () => {
    const stack = plainStack(testApp(), 'Real');

    expect(warnOnPlaceholderContext(stack, REQUIRED_PROPS)).toEqual([]);
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('placeholder'));
  });
});
