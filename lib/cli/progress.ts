import { Presets, SingleBar } from 'cli-progress';
import type { ReplayProgress } from '../replay/replayMessages.ts';

/** A progress reporter: `tick` per message looked at, `stop` at the end. */
export interface Progress {
  tick(progress: ReplayProgress): void;
  stop(): void;
}

const silent: Progress = { tick: () => undefined, stop: () => undefined };

/**
 * A cli-progress bar on `stream` when it is a terminal (never when output is piped or `--json`), counting
 * the messages looked at against the DLQ's approximate size.
 *
 * @example
 * const progress = createProgress(process.stderr, 120);
 * await replayMessages({ ...options, onProgress: progress.tick });
 * progress.stop();
 */
export function createProgress(stream: NodeJS.WritableStream & { isTTY?: boolean }, total: number): Progress {
  if (!stream.isTTY || total <= 0) return silent;
  const bar = new SingleBar(
    {
      stream,
      format: ' {bar} {value}/{total} messages | replayed {replayed} | skipped {skipped} | failed {failed}',
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
  const counts = { replayed: 0, skipped: 0, failed: 0 };
  let value = 0;
  bar.start(total, 0, counts);
  return {
    tick({ outcome }) {
      if (outcome === 'replayed' || outcome === 'skipped' || outcome === 'failed') counts[outcome] += 1;
      value += 1;
      // The queue may hold more than its approximate count said.
      if (value > total) bar.setTotal(value);
      bar.update(value, counts);
    },
    stop: () => bar.stop(),
  };
}
