/**
 * The edits the API has running (edit.render, edit.setStrokes), so edit.cancel can stop one and its
 * progress reaches the UI as `edit.progress` events, the way batches report theirs. Keyed by the item
 * id the call was made with; edit.cancel stops whatever runs for that id (a render, a brush save, or
 * both when two windows work on one item).
 */
import type { EditProgressEvent } from './contract';
import type { WorkOptions } from '../operations/edit';

/** Reports closer than this are not sent (the pool reports ~20 steps; the UI needs no more). */
const MIN_STEP = 0.02;

export class EditRuns {
  private readonly running = new Map<number, Set<AbortController>>();

  constructor(private readonly emit: (progress: EditProgressEvent) => void) {}

  /** Runs `work` for item `id` with a signal edit.cancel aborts and a progress reporter. */
  async run<T>(
    id: number,
    action: EditProgressEvent['action'],
    work: (options: WorkOptions) => Promise<T>,
  ): Promise<T> {
    const controller = new AbortController();
    const forItem = this.running.get(id) ?? new Set();
    forItem.add(controller);
    this.running.set(id, forItem);
    let sent = -1;
    const onProgress = (fraction: number) => {
      const clamped = Math.min(1, Math.max(0, fraction));
      if (controller.signal.aborted || (clamped - sent < MIN_STEP && clamped < 1)) return;
      sent = clamped;
      this.emit({ id, action, fraction: clamped });
    };
    try {
      return await work({ signal: controller.signal, onProgress });
    } finally {
      forItem.delete(controller);
      if (forItem.size === 0 && this.running.get(id) === forItem) this.running.delete(id);
    }
  }

  /** Aborts item `id`'s running edits; false when none runs. */
  cancel(id: number): boolean {
    const live = [...(this.running.get(id) ?? [])].filter((c) => !c.signal.aborted);
    for (const controller of live) controller.abort();
    return live.length > 0;
  }
}
