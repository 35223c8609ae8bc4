import type { ItemStatus, OperationResult } from '../operations/types';
import type { PipelineItem, Stage } from './pipeline';

/** Overall progress of a batch, emitted after every item event. */
export interface BatchProgress {
  batchId: string;
  total: number;
  done: number;
  failed: number;
  skipped: number;
  cancelled: number;
  /** Items finished in any way, over total. */
  fraction: number;
  elapsedMs: number;
  /** Estimated time left, from the throughput so far; undefined until one item has finished. */
  etaMs: number | undefined;
  paused: boolean;
}

/** What happened to one item: a stage started, or it finished with a result. */
export type ItemEvent =
  | { batchId: string; itemId: string; input: string; stage: Stage }
  | { batchId: string; itemId: string; input: string; stage: 'finished'; result: OperationResult };

/** Counts results and estimates the time left from the rate of items processed (not skipped) so far. */
export class ProgressTracker {
  private readonly counts: Record<ItemStatus, number> = { done: 0, failed: 0, skipped: 0, cancelled: 0 };
  private readonly started = performance.now();
  private worked = 0;

  constructor(
    readonly batchId: string,
    readonly total: number,
    /** Items finished in an earlier run of the batch (resume), by how they finished. */
    earlier: Partial<Record<'done' | 'failed' | 'skipped', number>> = {},
  ) {
    this.counts.done = earlier.done ?? 0;
    this.counts.failed = earlier.failed ?? 0;
    this.counts.skipped = earlier.skipped ?? 0;
  }

  record(_item: PipelineItem, result: OperationResult): void {
    this.counts[result.status] += 1;
    // Skips cost nothing; counting them would make the ETA wildly optimistic.
    if (result.status === 'done' || result.status === 'failed') this.worked += 1;
  }

  snapshot(paused: boolean): BatchProgress {
    const finished = this.counts.done + this.counts.failed + this.counts.skipped + this.counts.cancelled;
    const elapsedMs = performance.now() - this.started;
    const left = this.total - finished;
    const etaMs = this.worked > 0 ? (elapsedMs / this.worked) * left : undefined;
    return {
      batchId: this.batchId,
      total: this.total,
      ...this.counts,
      fraction: this.total === 0 ? 1 : finished / this.total,
      elapsedMs,
      etaMs,
      paused,
    };
  }
}
