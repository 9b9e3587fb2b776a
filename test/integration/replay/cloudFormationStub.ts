import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A DescribeStacks answer: outputs of the named stack; any other stack does not exist. */
export interface StubStack {
  name: string;
  outputs: Record<string, string>;
}

/**
 * A real HTTP server speaking CloudFormation's query protocol for `DescribeStacks` only (the one call the CLI
 * makes), so `--stack` is tested through the real SDK client. Records the requested stack names.
 */
export async function startCloudFormationStub(
  stack: StubStack,
  /** Answer every request with this AWS error instead (e.g. refused credentials). */
  failWith?: { status: number; code: string; message: string },
): Promise<{ endpoint: string; requests: string[]; stop(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const params = new URLSearchParams(body);
      const name = params.get('StackName') ?? '';
      requests.push(`${params.get('Action')} ${name}`);
      res.setHeader('content-type', 'text/xml');
      if (failWith !== undefined) {
        res.statusCode = failWith.status;
        res.end(
          `<ErrorResponse><Error><Type>Sender</Type><Code>${failWith.code}</Code>` +
            `<Message>${failWith.message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
        );
        return;
      }
      if (name !== stack.name) {
        res.statusCode = 400;
        res.end(
          `<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code>` +
            `<Message>Stack with id ${name} does not exist</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
        );
        return;
      }
      const outputs = Object.entries(stack.outputs)
        .map(([k, v]) => `<member><OutputKey>${k}</OutputKey><OutputValue>${v}</OutputValue></member>`)
        .join('');
      res.end(
        `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult>` +
          `<Stacks><member><StackName>${stack.name}</StackName><StackStatus>CREATE_COMPLETE</StackStatus>` +
          `<CreationTime>2026-11-23T10:00:00Z</CreationTime><Outputs>${outputs}</Outputs></member></Stacks>` +
          `</DescribeStacksResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeStacksResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
