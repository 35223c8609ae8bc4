/**
 * The edits the API has running (edit.render, edit.setStrokes), so edit.cancel can stop one and its
 * progress reaches the UI as `edit.progress` events, the way batches report theirs. Keyed by the item
 * id the call was made with: the editor shows one item and sends one save or render at a time.
 */
import type { EditProgressEvent } from './contract';
import type { WorkOptions } from '../operations/edit';

/** Reports closer than this are not sent (the pool reports ~20 steps; the UI needs no more). */
const MIN_STEP = 0.02;

export class EditRuns {
  private readonly running = new Map<number, AbortController>();

  constructor(private readonly emit: (progress: EditProgressEvent) => void) {}

  /**
   * Runs `work` for item `id` with a signal edit.cancel aborts and a progress reporter. A second call for
   * the same item while one runs cancels the first (the editor only wants the newest).
   */
  async run<T>(
    id: number,
    action: EditProgressEvent['action'],
    work: (options: WorkOptions) => Promise<T>,
  ): Promise<T> {
    this.running.get(id)?.abort();
    const controller = new AbortController();
    this.running.set(id, controller);
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
      if (this.running.get(id) === controller) this.running.delete(id);
    }
  }

  /** Aborts item `id`'s running edit; false when none runs. */
  cancel(id: number): boolean {
    const controller = this.running.get(id);
    if (!controller || controller.signal.aborted) return false;
    controller.abort();
    return true;
  }
}
