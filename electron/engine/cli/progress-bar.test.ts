import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { BatchProgress } from '../jobs/progress';
import { ProgressBar, formatDuration, renderProgressLine } from './progress-bar';

const progress = (over: Partial<BatchProgress>): BatchProgress => ({
  batchId: 'b',
  total: 10,
  done: 0,
  failed: 0,
  skipped: 0,
  cancelled: 0,
  fraction: 0,
  elapsedMs: 0,
  etaMs: undefined,
  paused: false,
  ...over,
});

/** A terminal stand-in: a stream that records what is written and says whether it is a TTY. */
function terminal(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY });
  return { stream, text: () => text };
}

describe('progress bar', () => {
  it('shows counts, failures and the ETA', () => {
    const line = renderProgressLine(progress({ done: 4, failed: 1, fraction: 0.5, etaMs: 83_000 }), 10);
    expect(line).toBe('█████░░░░░ 5/10  1 failed  ETA 1:23');
    expect(renderProgressLine(progress({ paused: true }), 4)).toContain('paused');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
  });

  it('draws only on a terminal, and prints log lines either way', () => {
    const tty = terminal(true);
    const bar = new ProgressBar(tty.stream);
    bar.update(progress({ done: 1, fraction: 0.1 }), true);
    bar.log('failed: x.jpg');
    expect(tty.text()).toContain('1/10');
    expect(tty.text()).toContain('failed: x.jpg\n');
    const pipe = terminal(false);
    const quiet = new ProgressBar(pipe.stream);
    quiet.update(progress({ done: 1, fraction: 0.1 }), true);
    quiet.log('failed: y.jpg');
    expect(pipe.text()).toBe('failed: y.jpg\n');
  });
});
