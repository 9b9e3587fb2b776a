import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../../../lib/config/errors.ts';
import { loadReplayConfig, parseReplayRequest, ReplayOptionsError } from '../../../../lib/replay/index.ts';

describe('parseReplayRequest', () => {
  it('accepts the CLI options as JSON, a numeric customer becoming text', () => {
    expect(
      parseReplayRequest({
        max: 10,
        rate: 2.5,
        customer: 7,
        type: 't',
        reason: 'r',
        eventId: 'e-1',
        copy: true,
        dryRun: false,
      }),
    ).toEqual({
      max: 10,
      rate: 2.5,
      customer: '7',
      type: 't',
      reason: 'r',
      eventId: 'e-1',
      copy: true,
      dryRun: false,
    });
  });

  it('treats an empty or missing payload as "replay everything"', () => {
    expect(parseReplayRequest({})).toEqual({});
    expect(parseReplayRequest(null)).toEqual({});
  });

  it('refuses unknown keys, so a typo never turns a dry run into a real replay', () => {
    expect(() => parseReplayRequest({ dryrun: true })).toThrow(ReplayOptionsError);
    expect(() => parseReplayRequest({ dryrun: true })).toThrow(/dryrun/);
  });

  it('names each invalid option', () => {
    expect(() => parseReplayRequest({ max: 0, rate: 'fast' })).toThrow(/max: .*; rate: /);
  });
});

describe('loadReplayConfig', () => {
  it('reads the two queue URLs with a default safety margin', () => {
    expect(loadReplayConfig({ DLQ_URL: 'https://sqs/dlq', QUEUE_URL: 'https://sqs/q' })).toEqual({
      dlqUrl: 'https://sqs/dlq',
      queueUrl: 'https://sqs/q',
      safetyMarginMs: 30_000,
      awsLimits: { connectionTimeoutMs: 1_000, requestTimeoutMs: 22_000, maxAttempts: 2 },
    });
  });

  it('fails naming every missing variable', () => {
    expect(() => loadReplayConfig({})).toThrow(ConfigError);
    expect(() => loadReplayConfig({})).toThrow(/DLQ_URL: is required; QUEUE_URL: is required/);
  });
});
