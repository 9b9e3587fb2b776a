// The bench's service process: both API simulators, dynalite (behind a counting proxy) and fauxqs run here,
// in a child process, so `process.cpuUsage()` in the bench process measures the handler alone.
// Controlled over the IPC channel (see protocol.ts). Started by `forkServices()`.
import type { RecordedCall } from '../../lib/local/simulators/index.ts';
import type { CallCounts, ServiceMethods, ServiceReply, ServiceRequest } from './protocol.ts';
import { onEndpoint, startServices } from './startServices.ts';

const latencyMs = Number(process.argv[2] ?? 0);
const services = await startServices({ latencyMs });

const countBy = (calls: readonly RecordedCall[], key: (call: RecordedCall) => string) => {
  const counts: Record<string, number> = {};
  for (const call of calls) counts[key(call)] = (counts[key(call)] ?? 0) + 1;
  return counts;
};
const countRoutes = (calls: readonly RecordedCall[]) =>
  countBy(calls, (call) => `${call.method} ${call.route}`);

const methods: ServiceMethods = {
  setLatency(ms) {
    services.ic.setLatency(ms);
    services.cro.setLatency(ms);
  },
  setDynamoLatency(ms) {
    services.dynamoProxy.setLatency(ms);
  },
  setDynamoModel(on) {
    services.dynamoProxy.setModel(on);
  },
  setIcRateLimit(perSecond) {
    if (perSecond === null) services.ic.resetFaults();
    else services.ic.setFaults({ rateLimitPerSecond: perSecond });
  },
  seedCro(models) {
    services.cro.seedCustomers(models);
  },
  seedLocations(locations) {
    services.cro.seedLocations(locations);
  },
  queue() {
    return { url: onEndpoint(services.sqs.endpoint, services.sqs.queue.url), arn: services.sqs.queue.arn };
  },
  touch(updates) {
    return updates.map(({ id, changes }) => services.cro.touch(id, changes));
  },
  clearCalls() {
    services.ic.clearCalls();
    services.cro.clearCalls();
    services.dynamoProxy.reset();
  },
  counts(): CallCounts {
    return {
      ic: countRoutes(services.ic.calls),
      cro: countRoutes(services.cro.calls),
      dynamo: services.dynamoProxy.counts(),
      icStatus: countBy(services.ic.calls, (call) => String(call.status)),
    };
  },
};

process.on('message', (message: ServiceRequest) => {
  let reply: ServiceReply;
  try {
    const method = methods[message.method] as (...args: unknown[]) => unknown;
    reply = { id: message.id, result: method(...message.args) ?? null };
  } catch (error) {
    reply = { id: message.id, error: error instanceof Error ? error.message : String(error) };
  }
  process.send!(reply);
});
process.on('disconnect', () => {
  void services.stop().then(() => process.exit(0));
});
process.send!({ ready: { env: services.env } });
