import { describe, expect, it } from '@jest/globals';
import { fc, test } from '@fast-check/jest';
import { queueUrlFromArn, visibilityBackoffSeconds } from '../../../../lib/queue/visibility.ts';

describe('visibilityBackoffSeconds', () => {
  it('doubles with each receive up to the cap', () => {
    const top = () => 1;
    expect([1, 2, 3, 4, 5, 6].map((n) => visibilityBackoffSeconds(n, { random: top }))).toEqual([
      30, 60, 120, 240, 480, 900,
    ]);
  });

  it('never goes below a requested minimum such as Retry-After', () => {
    expect(visibilityBackoffSeconds(1, { baseSeconds: 2, minSeconds: 20, random: () => 0 })).toBe(20);
  });

  test.prop([
    fc.integer({ min: -5, max: 1_000 }),
    fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  ])('stays between half the ceiling and the cap whatever the receive count', (receiveCount, r) => {
    const seconds = visibilityBackoffSeconds(receiveCount, {
      baseSeconds: 30,
      capSeconds: 900,
      random: () => r,
    });
    expect(seconds).toBeGreaterThanOrEqual(15);
    expect(seconds).toBeLessThanOrEqual(900);
  });
});

describe('queueUrlFromArn', () => {
  it('builds the queue URL Lambda records do not carry', () => {
    expect(queueUrlFromArn('arn:aws:sqs:eu-west-1:123456789012:crm-sync-events.fifo')).toBe(
      'https://sqs.eu-west-1.amazonaws.com/123456789012/crm-sync-events.fifo',
    );
  });

  it('uses the China partition domain for an aws-cn ARN', () => {
    expect(queueUrlFromArn('arn:aws-cn:sqs:cn-north-1:123456789012:crm-sync-events')).toBe(
      'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/crm-sync-events',
    );
  });

  it('refuses an ARN that is not an SQS queue', () => {
    expect(() => queueUrlFromArn('arn:aws:sns:eu-west-1:1:topic')).toThrow('not an SQS queue ARN');
  });
});
