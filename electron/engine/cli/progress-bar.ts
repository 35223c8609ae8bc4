/**
 * A one-line progress bar on stderr, redrawn in place, only when stderr is a terminal (so logs and
 * pipes get clean lines and `--json` output on stdout is never mixed with it).
 */
import type { BatchProgress } from '../jobs/progress';

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** The bar itself, `width` cells filled to `fraction` (0..1). */
export function renderBar(fraction: number, width = 24): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

export function renderProgressLine(p: BatchProgress, width = 24): string {
  const bar = renderBar(p.fraction, width);
  const finished = p.done + p.failed + p.skipped + p.cancelled;
  const parts = [`${bar} ${finished}/${p.total}`];
  if (p.failed) parts.push(`${p.failed} failed`);
  if (p.skipped) parts.push(`${p.skipped} skipped`);
  parts.push(p.paused ? 'paused' : p.etaMs === undefined ? 'ETA …' : `ETA ${formatDuration(p.etaMs)}`);
  return parts.join('  ');
}

export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  update(p: BatchProgress, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    // Redrawing on every event would cost more than the work on fast batches.
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.stream.write(`\r\x1b[2K${renderProgressLine(p)}`);
    this.drawn = true;
  }

  /** Prints a full line above the bar (an item's error), then redraws the bar on the next update. */
  log(line: string): void {
    if (this.enabled && this.drawn) this.stream.write('\r\x1b[2K');
    this.stream.write(`${line}\n`);
    this.drawn = false;
  }

  clear(): void {
    if (this.enabled && this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}
