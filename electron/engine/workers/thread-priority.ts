/**
 * Background priority for the threads that do the engine's heavy work, so the thread that answers
 * the UI (in the desktop app, Electron's main process) gets a core first. During a batch on a 2-core
 * machine the pool's thread, the model's threads and libvips' threads are all runnable at once; a
 * fair scheduler then makes the engine's thread wait its turn behind them, and its stalls were that
 * wait (a batch of four 12 MP photos: the host thread waited 550–730 ms for a core in all, loop
 * stalls up to 123 ms; with these threads lowered about half the wait, see the issue 20 notes).
 * Chromium lowers its own background threads the same way on Linux (nice 10).
 *
 * Linux only: there each thread has its own nice value (setpriority on its thread id), and threads a
 * thread starts inherit it (onnxruntime's intra-op threads, created with the session in the inference
 * thread). macOS and Windows have no per-thread call reachable from Node (QoS classes, thread
 * priorities: native code), so this does nothing there. Lowering one's own priority needs no rights.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import path from 'node:path';

/** Chromium's nice value for background threads: low enough that a waiting UI thread runs first. */
export const BACKGROUND_NICE = 10;

/** Lowers the calling thread (a pool or inference thread, at its start) to background priority. */
export function lowerThisThread(): void {
  if (process.platform !== 'linux') return;
  try {
    // /proc/thread-self names the calling thread's own id (a worker's, not the process's).
    const tid = Number(path.basename(readlinkSync('/proc/thread-self')));
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, BACKGROUND_NICE);
  } catch {
    // A kernel without /proc/thread-self or a sandbox refusing the call: normal priority, as before.
  }
}

let threadsSeen = 0;

/**
 * Lowers libvips' worker threads too (found by name). They are not the pool's: libvips starts them
 * from Node's shared libuv threads (normal priority) when sharp runs a pipeline, and keeps them for
 * the next; a pool thread calls this after its tasks, and the scan runs only when the process has a
 * thread it has not seen.
 */
export function lowerLibvipsThreads(): void {
  if (process.platform !== 'linux') return;
  let threads: string[];
  try {
    threads = readdirSync('/proc/self/task');
  } catch {
    return; // no /proc: normal priority, as before
  }
  if (threads.length === threadsSeen) return;
  threadsSeen = threads.length;
  for (const tid of threads) {
    try {
      const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8');
      if (name.startsWith('libvips')) setPriority(Number(tid), BACKGROUND_NICE);
    } catch {
      // A thread that ended meanwhile: the others are still looked at.
    }
  }
}
