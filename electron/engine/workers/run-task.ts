/**
 * The body of a pool thread's entry (pixel-worker.ts, inference-worker.ts): one function that
 * dispatches the tasks by name to the thread's table; what a task throws comes back as a serialized
 * AtelierError (code, hint, file and stack kept), because a structured clone of an Error keeps only
 * its message.
 */
import { workerData } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { releaseScratch, setScratchLimit } from '../compose/core/scratch';
import { errorForLog } from '../errors';
import type { PoolWorkerData } from './pool';
import { PROGRESS_END, type TaskMessage, type TaskReply } from './protocol';
import type { Implementation, TaskName } from './tasks';
import { lowerLibvipsThreads, lowerThisThread } from './thread-priority';
import { resultBuffers } from './transfer';

export type TaskTable = { [N in TaskName]?: Implementation<N> };

/** A thread's reusable buffers (compose/core/scratch.ts) are let go this long after its last task. */
const SCRATCH_IDLE_MS = 30_000;
let scratchTimer: ReturnType<typeof setTimeout> | undefined;

function releaseScratchWhenIdle(): void {
  clearTimeout(scratchTimer);
  scratchTimer = setTimeout(releaseScratch, SCRATCH_IDLE_MS);
  // An idle timer never keeps a thread (or a test run) alive.
  scratchTimer.unref?.();
}

/** The function piscina calls for every message the pool sends to a thread running `table`. */
export function taskRunner(table: TaskTable) {
  const data = workerData as Partial<PoolWorkerData> | undefined;
  if (typeof data?.scratchLimitBytes === 'number') setScratchLimit(data.scratchLimitBytes);
  // Heavy work yields to the engine's own thread, which answers the UI (thread-priority.ts).
  lowerThisThread();
  return async function runTask<N extends TaskName>({
    name,
    input,
    progress,
  }: TaskMessage<N>): Promise<unknown> {
    try {
      const report = (fraction: number) => progress?.postMessage(fraction);
      const implementation = table[name] as Implementation<N> | undefined;
      if (!implementation) throw new Error(`No task named ${String(name)} in this thread`);
      const value = (await implementation(input, report)) as Record<string, unknown>;
      const reply: TaskReply = { ok: true, value };
      // move(): the result's buffers go back by transfer (piscina unwraps the reply on the other side).
      return Piscina.move({
        [Piscina.transferableSymbol]: resultBuffers(value),
        [Piscina.valueSymbol]: reply,
      } as never);
    } catch (error) {
      const reply: TaskReply = { ok: false, error: errorForLog(error) };
      return reply;
    } finally {
      lowerLibvipsThreads();
      releaseScratchWhenIdle();
      progress?.postMessage(PROGRESS_END);
      progress?.close();
    }
  };
}
