import { describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { createProgress } from '../../../../lib/cli/progress.ts';
import type { DlqMessage } from '../../../../lib/replay/index.ts';

const message: DlqMessage = { messageId: 'm', reason: 'r', ageMs: 0, receiveCount: 1, replayCount: 0 };

function stream(isTTY: boolean) {
  const out = Object.assign(new PassThrough(), {
    isTTY,
    columns: 100,
    cursorTo: () => true,
    clearLine: () => true,
  });
  let written = '';
  out.on('data', (chunk: Buffer) => (written += chunk.toString()));
  return { out, written: () => written };
}

describe('createProgress', () => {
  it('draws a bar with the counts on a terminal', () => {
    const { out, written } = stream(true);
    const progress = createProgress(out, 2);
    progress.tick({ outcome: 'replayed', message });
    progress.tick({ outcome: 'failed', message });
    progress.stop();
    expect(written()).toContain('2/2 messages | replayed 1 | skipped 0 | failed 1');
  });

  it('writes nothing when the output is not a terminal', () => {
    const { out, written } = stream(false);
    const progress = createProgress(out, 2);
    progress.tick({ outcome: 'replayed', message });
    progress.stop();
    expect(written()).toBe('');
  });
});
