/**
 * Runs `task` for every item with at most `limit` running at once, in item order, and resolves when all
 * have finished. `task` must not reject (the sync turns every failure into a result); a rejection still
 * surfaces, after the others finish.
 *
 * Hand-written (a dozen lines) rather than adding p-limit: the pool also has to decide, at the moment
 * each item starts, whether time is left — which the task itself does.
 *
 * @example
 * await forEachConcurrently(units, 10, (unit) => runUnit(unit));
 */
export async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      await task(items[index]!, index);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  const settled = await Promise.allSettled(workers);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
}
