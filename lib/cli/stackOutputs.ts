import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CliUsageError } from './errors.ts';

/** The deployed stack's queue URLs (its `QueueUrl` and `DlqUrl` outputs). */
export interface StackQueues {
  queueUrl: string;
  dlqUrl: string;
}

/**
 * Reads the `QueueUrl` and `DlqUrl` outputs of a deployed crm-sync stack (CloudFormation `DescribeStacks`).
 *
 * @example
 * const { queueUrl, dlqUrl } = await readStackQueues(new CloudFormationClient({}), 'CrmSync');
 */
export async function readStackQueues(
  cloudFormation: CloudFormationClient,
  stackName: string,
): Promise<StackQueues> {
  let outputs: Record<string, string>;
  try {
    const { Stacks = [] } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = Object.fromEntries(
      (Stacks[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
    );
  } catch (cause) {
    const name = cause instanceof Error ? cause.name : 'error';
    throw new CliUsageError(`cannot read the outputs of stack ${stackName} (${name})`, { cause });
  }
  const missing = ['QueueUrl', 'DlqUrl'].filter((key) => !outputs[key]);
  if (missing.length > 0) {
    throw new CliUsageError(
      `stack ${stackName} has no ${missing.join(' / ')} output: is it a crm-sync stack?`,
    );
  }
  return { queueUrl: outputs['QueueUrl']!, dlqUrl: outputs['DlqUrl']! };
}
