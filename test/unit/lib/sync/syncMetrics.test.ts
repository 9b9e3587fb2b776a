import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { createMetrics } from '../../../../lib/observability/createMetrics.ts';
import { powertoolsSyncMetrics } from '../../../../lib/sync/syncMetrics.ts';

type EmfRecord = Record<string, unknown> & {
  _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: unknown[] }> };
};

/** Powertools Metrics prints EMF records on stdout (its own Console): the spy keeps the JSON lines. */
function captureStdout(): { records: () => EmfRecord[]; text: () => string; restore: () => void } {
  const printed: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    }),
  );
  return {
    records: () =>
      printed
        .join('')
        .split('\n')
        .filter((line) => line.startsWith('{"_aws"'))
        .map((line) => JSON.parse(line) as EmfRecord),
    text: () => printed.join(''),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}

/** What a record carries, without its timestamp: dimension names, then the dimension and metric values. */
function shape(record: EmfRecord): Record<string, unknown> {
  const { _aws, ...values } = record;
  const [directive] = _aws.CloudWatchMetrics;
  return { namespace: directive!.Namespace, dimensions: directive!.Dimensions, ...values };
}

describe('powertoolsSyncMetrics', () => {
  let capture: ReturnType<typeof captureStdout>;
  beforeEach(() => {
    delete process.env.POWERTOOLS_DEV;
    capture = captureStdout();
  });
  afterEach(() => capture.restore());

  const build = () => {
    const metrics = createMetrics('customer-sync', 'CrmSync-test');
    return { metrics, sync: powertoolsSyncMetrics(metrics, createMetrics('customer-sync', 'CrmSync-test')) };
  };

  it('prints nothing while the batch runs', () => {
    const { sync } = build();

    sync.apiCall('cro', 12);
    sync.skipped('duplicate');
    sync.applied();
    sync.deadLettered('invalid-event');

    expect(capture.text()).toBe('');
  });

  it('emits one record per dimension value at the flush, counts summed and every latency kept', () => {
    const { metrics, sync } = build();
    sync.apiCall('cro', 12);
    sync.apiCall('invisible-collector', 20);
    sync.apiCall('invisible-collector', 31);
    sync.apiCall('invisible-collector', 25);
    sync.skipped('duplicate');
    sync.skipped('duplicate');
    sync.skipped('coalesced');
    sync.deadLettered('invalid-event');
    sync.deadLettered('invalid-event');
    sync.deferred('customer-busy');
    sync.retried('ic-unavailable');
    sync.retried('auth');
    sync.retried('ic-unavailable', 2);
    sync.applied();
    sync.applied();

    sync.flush();
    metrics.publishStoredMetrics();

    expect(capture.records().map(shape)).toEqual([
      {
        namespace: 'CrmSync',
        dimensions: [['service', 'stack', 'api']],
        service: 'customer-sync',
        stack: 'CrmSync-test',
        api: 'cro',
        ApiCalls: 1,
        ApiLatency: 12,
      },
      {
        namespace: 'CrmSync',
        dimensions: [['service', 'stack', 'api']],
        service: 'customer-sync',
        stack: 'CrmSync-test',
        api: 'invisible-collector',
        ApiCalls: 3,
        ApiLatency: [20, 31, 25],
      },
      {
        namespace: 'CrmSync',
        dimensions: [['service', 'stack', 'why']],
        service: 'customer-sync',
        stack: 'CrmSync-test',
        why: 'duplicate',
        Skipped: 2,
      },
      {
        namespace: 'CrmSync',
        dimensions: [['service', 'stack', 'why']],
        service: 'customer-sync',
        stack: 'CrmSync-test',
        why: 'coalesced',
        Skipped: 1,
      },
      {
        namespace: 'CrmSync',
        dimensions: [['service', 'stack', 'reason']],
        service: 'customer-sync',
        stack: 'CrmSync-test',
        reason: 'invalid-event',
        DeadLettered: 2,
      },
      {
        namespace: 'CrmSync',
        dimensions: [['service', 'stack', 'reason']],
        service: 'customer-sync',
        stack: 'CrmSync-test',
        reason: 'customer-busy',
        Deferred: 1,
      },
      {
        namespace: 'CrmSync',
        dimensions: [['service', 'stack', 'reason']],
        service: 'customer-sync',
        stack: 'CrmSync-test',
        reason: 'ic-unavailable',
        Retried: 3,
      },
      {
        namespace: 'CrmSync',
        dimensions: [['service', 'stack', 'reason']],
        service: 'customer-sync',
        stack: 'CrmSync-test',
        reason: 'auth',
        Retried: 1,
      },
      {
        namespace: 'CrmSync',
        dimensions: [['service', 'stack']],
        service: 'customer-sync',
        stack: 'CrmSync-test',
        Applied: 2,
      },
    ]);
  });

  it('keeps the api dimension on every latency when a batch makes more calls than a record holds', () => {
    const { sync } = build();
    for (let ms = 0; ms < 250; ms += 1) sync.apiCall('invisible-collector', ms);

    sync.flush();

    const records = capture.records();
    expect(records.every((r) => r.api === 'invisible-collector')).toBe(true);
    expect(records.reduce((sum, r) => sum + Number(r.ApiCalls), 0)).toBe(250);
    expect(records.flatMap((r) => r.ApiLatency as number[])).toEqual(
      Array.from({ length: 250 }, (_, i) => i),
    );
  });

  it('starts from zero after a flush, and a batch of duplicates still publishes Applied 0 (no empty buffer)', () => {
    const { metrics, sync } = build();
    sync.applied();
    sync.apiCall('cro', 5);
    sync.flush();
    metrics.publishStoredMetrics();
    const first = capture.records().length;

    sync.skipped('duplicate');
    sync.flush();
    metrics.publishStoredMetrics();

    const second = capture.records().slice(first).map(shape);
    expect(second).toEqual([
      expect.objectContaining({ why: 'duplicate', Skipped: 1 }),
      expect.objectContaining({ dimensions: [['service', 'stack']], Applied: 0 }),
    ]);
    expect(second[1]).not.toHaveProperty('ApiCalls');
    expect(capture.text()).not.toContain('No application metrics');
  });
});
