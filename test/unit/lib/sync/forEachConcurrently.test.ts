import { describe, expect, it } from '@jest/globals';
import { forEachConcurrently } from '../../../../lib/sync/forEachConcurrently.ts';

/** A task per item that finishes only when the test releases it, recording how many run at once. */
function gatedTasks() {
  const releases: Array<() => void> = [];
  let running = 0;
  let peak = 0;
  const started: number[] = [];
  const task = async (item: number) => {
    started.push(item);
    running += 1;
    peak = Math.max(peak, running);
    await new Promise<void>((resolve) => releases.push(resolve));
    running -= 1;
  };
  /** Releases tasks one by one, in start order, until every item has run. */
  const drain = async (count: number) => {
    for (let released = 0; released < count; released += 1) {
      while (releases.length === 0) await Promise.resolve();
      releases.shift()!();
      await Promise.resolve();
    }
  };
  return { task, drain, started, peak: () => peak };
}

describe('forEachConcurrently', () => {
  it('runs up to `limit` tasks at once, starting them in item order', async () => {
    const gated = gatedTasks();

    const done = forEachConcurrently([1, 2, 3, 4, 5, 6, 7], 3, gated.task);
    await gated.drain(7);
    await done;

    expect(gated.peak()).toBe(3);
    expect(gated.started).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('runs every item once with fewer items than the limit', async () => {
    const seen: number[] = [];

    await forEachConcurrently([1, 2], 10, async (item) => void seen.push(item));

    expect(seen).toEqual([1, 2]);
  });

  it('surfaces a failed task once the others have finished', async () => {
    const finished: number[] = [];
    const boom = new Error('boom');

    const error = await forEachConcurrently([1, 2, 3], 2, async (item) => {
      if (item === 1) throw boom;
      await Promise.resolve();
      finished.push(item);
    }).catch((e: unknown) => e);

    expect(error).toBe(boom);
    expect(finished).toEqual([2, 3]);
  });
});
