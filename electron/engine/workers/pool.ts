/**
 * The engine's worker pool: every CPU-heavy pixel loop (refinement, decontamination, compositing,
 * strokes, the history's hashing and Base64) runs on these threads so the thread that hosts the engine
 * (the Electron main process, serve's, the CLI's) only orchestrates and stays free to answer the UI.
 *
 * Piscina (MIT, maintained by Node.js core contributors) runs the threads: a queue, abort signals that
 * cancel queued tasks and terminate running ones, transfer lists, and a draining close. Buffers move by
 * transfer; a task's error comes back as an AtelierError naming the file it was working on.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { outsideAsar } from './packaged-path';
import { AtelierError, DEFAULT_HINTS, type ErrorCode, type LoggedError } from '../errors';
import { PROGRESS_END, type TaskMessage, type TaskReply } from './protocol';
import type { TaskInput, TaskName, TaskOutput } from './tasks';

export interface PoolRunOptions {
  /** The file (or item) the task works on, named by any error it raises. */
  file?: string;
  /** Aborting cancels the task: removed from the queue, or its thread stopped (a CANCELLED error). */
  signal?: AbortSignal;
  /** Fractions (0..1) of the task done, as the worker reports them. */
  onProgress?: (fraction: number) => void;
}

/**
 * Threads when nothing is configured: one per core beside the host's own thread, and at least two, so
 * a photo's decoding or a history record's hashing never queues behind a 24 MP composite.
 */
export function defaultPoolSize(cores = os.availableParallelism()): number {
  return Math.max(2, Math.min(8, cores - 1));
}

/**
 * Threads for a batch host with no UI to keep answering (the CLI): the cores left beside the engine's
 * thread and the inference thread (whose onnxruntime threads use every core while a model runs), at
 * least one. On a 2-core machine that is one: a second thread cost its module load (sharp, zod, the
 * compositor: ~0.4 s of CPU per process) and competed with inference for the same two cores (CLI CPU
 * time for 3 photos of 12 MP 13.4 s → 10.2 s with one, 10 of 0.4 MP 10.8 → 10.0 s).
 */
export function batchPoolSize(cores = os.availableParallelism()): number {
  return Math.max(1, Math.min(8, cores - 2));
}

/** What every thread of a pool is told when it starts (run-task.ts reads it). */
export interface PoolWorkerData {
  /** How much memory the thread may keep for reuse (compose/core/scratch.ts). */
  scratchLimitBytes: number;
}

/**
 * Reusable memory per thread: what one 24 MP render needs (~0.5 GB) on a small pool, less per thread
 * on a large one, so that a batch that touched every thread keeps at most ~1.5 GB in all.
 */
export function scratchLimitFor(threads: number): number {
  const MB = 1 << 20;
  return Math.round(Math.min(512 * MB, Math.max(128 * MB, (1536 * MB) / Math.max(1, threads))));
}

/** The thread entries scripts/build-engine.js bundles: the pixel pool's and the inference thread's. */
export type WorkerEntryName = 'pixel-worker' | 'inference-worker';

/**
 * A worker's entry point where this module runs: from the TypeScript sources (tests, benchmarks, tsx)
 * a small module that registers tsx in the thread (Node 20 ignores `--import` in a worker's execArgv)
 * and loads `<name>.ts`; from a bundle, the bundled `<name>.cjs` that scripts/build-engine.js writes
 * beside each bundle (dist/ for the CLI and serve, dist/electron/); in a packaged app, its unpacked copy
 * outside app.asar (packaged-path.ts).
 */
export function workerEntry(
  moduleUrl = import.meta.url,
  name: WorkerEntryName = 'pixel-worker',
): { filename: string } {
  if (/\.[cm]?ts$/.test(new URL(moduleUrl).pathname)) {
    return { filename: new URL(`./${name}.dev.mjs`, moduleUrl).href };
  }
  return { filename: outsideAsar(new URL(`./${name}.cjs`, moduleUrl).href) };
}

/**
 * Piscina starts each thread from its own worker.js beside its code: in a packaged app that must be
 * the unpacked copy (electron-builder.yml), so the class is loaded from there.
 */
function piscinaClass(moduleUrl = import.meta.url): typeof Piscina {
  const unpacked = outsideAsar(moduleUrl);
  if (unpacked === moduleUrl) return Piscina;
  return (createRequire(unpacked)('piscina') as { Piscina: typeof Piscina }).Piscina;
}

export class PixelPool {
  private readonly piscina: Piscina;
  private closing: Promise<void> | undefined;
  private readonly outstanding = new Set<Promise<unknown>>();

  /** Where a thread's failure outside any task goes (the engine sends it to its log). */
  onUnexpectedError: (error: unknown) => void = (error) =>
    process.emitWarning(`Atelier pixel worker failed: ${(error as Error).message}`);

  constructor(
    readonly size: number = defaultPoolSize(),
    options: { idleTimeout?: number; entry?: WorkerEntryName } = {},
  ) {
    const entry = workerEntry(import.meta.url, options.entry);
    const Pool = piscinaClass();
    this.piscina = new Pool({
      filename: entry.filename,
      minThreads: 0,
      maxThreads: size,
      // Idle threads stay a while (starting one costs a module load) and never keep a process alive.
      idleTimeout: options.idleTimeout ?? 60_000,
      workerData: { scratchLimitBytes: scratchLimitFor(size) } satisfies PoolWorkerData,
    });
    // A thread that dies fails its task (reported to the caller); this is what piscina says besides.
    this.piscina.on('error', (error: unknown) => this.onUnexpectedError(error));
  }

  /** Tasks queued or running. */
  get pending(): number {
    return this.piscina.queueSize + this.piscina.threads.length - this.piscina.idleThreads;
  }

  /**
   * Runs `name` in a worker. The ArrayBuffers in `transfer` move there (detached here) and the task's
   * result brings its buffers back by transfer.
   */
  run<N extends TaskName>(
    name: N,
    input: TaskInput<N>,
    transfer: ArrayBuffer[],
    options: PoolRunOptions = {},
  ): Promise<TaskOutput<N>> {
    const task = this.runNow(name, input, transfer, options);
    // Outstanding tasks are what close() waits for (piscina's own close may miss a task whose thread
    // is still starting).
    this.outstanding.add(task);
    const forget = () => this.outstanding.delete(task);
    task.then(forget, forget);
    return task;
  }

  private async runNow<N extends TaskName>(
    name: N,
    input: TaskInput<N>,
    transfer: ArrayBuffer[],
    options: PoolRunOptions,
  ): Promise<TaskOutput<N>> {
    if (this.closing) {
      throw new AtelierError(
        'CANCELLED',
        `The engine is shutting down: ${options.file ?? name} was not processed`,
      );
    }
    if (options.signal?.aborted) throw cancelled(name, options.file);
    const channel = options.onProgress ? new MessageChannel() : undefined;
    // The worker's last message on the channel is PROGRESS_END: every report has arrived after it (the
    // reply comes on another port, so it can overtake them).
    let ended: () => void = () => {};
    const reported = new Promise<void>((resolve) => (ended = resolve));
    channel?.port1.on('message', (fraction: number) => {
      if (fraction === PROGRESS_END) ended();
      else options.onProgress?.(fraction);
    });
    const message: TaskMessage<N> = { name, input, ...(channel ? { progress: channel.port2 } : {}) };
    let reply: TaskReply;
    try {
      reply = (await this.piscina.run(message, {
        transferList: channel ? [...transfer, channel.port2] : transfer,
        ...(options.signal ? { signal: options.signal } : {}),
      })) as TaskReply;
    } catch (error) {
      channel?.port1.close();
      if ((error as Error).name === 'AbortError') {
        this.restartAfterAbort();
        throw cancelled(name, options.file, error);
      }
      throw new AtelierError(
        'INTERNAL',
        `A worker thread failed while processing ${options.file ?? name}: ${(error as Error).message}`,
        { cause: error, ...(options.file ? { file: options.file } : {}) },
      );
    }
    if (channel) {
      await reported;
      channel.port1.close();
    }
    if (!reply.ok) throw fromWorker(reply.error, options.file);
    return reply.value as TaskOutput<N>;
  }

  /**
   * Starts a thread now if none runs, so its module load (sharp, the compositor) overlaps other start-up
   * work (the CLI's model load) instead of delaying the first photo's decode. Never fails.
   */
  warm(): Promise<void> {
    if (this.closing || this.piscina.threads.length > 0) return Promise.resolve();
    return this.run('warm', {}, []).then(
      () => undefined,
      () => undefined,
    );
  }

  /**
   * Piscina (5.3) ends the thread of an aborted running task, and when that was the last thread it
   * starts none for the tasks queued behind it: they waited forever, and a CLI batch cancelled with
   * Ctrl-C, waiting on them, exited mid-batch with status 0. A new task makes it start a thread, which
   * then takes the queue too (straight to piscina: a closing pool waits for that queue).
   */
  private restartAfterAbort(): void {
    if (this.piscina.threads.length > 0 || this.piscina.queueSize === 0) return;
    const warm: TaskMessage<'warm'> = { name: 'warm', input: {} };
    // Outstanding like any task, so that closing waits for it: a pool destroyed while it ran got its
    // reply from a thread it no longer knew ("Unexpected message from Worker" in the log).
    const task = this.piscina.run(warm).catch(() => undefined);
    this.outstanding.add(task);
    void task.finally(() => this.outstanding.delete(task));
  }

  /** Stops taking tasks, lets the queued and running ones finish, then ends the threads. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      while (this.outstanding.size > 0) await Promise.allSettled([...this.outstanding]);
      await this.piscina.destroy();
    })();
    return this.closing;
  }
}

function cancelled(name: string, file: string | undefined, cause?: unknown): AtelierError {
  return new AtelierError('CANCELLED', `Cancelled: ${file ?? name}`, {
    ...(file ? { file } : {}),
    ...(cause ? { cause } : {}),
  });
}

/** A worker's error as the AtelierError it was (its stack kept as the cause), the file named. */
function fromWorker(error: LoggedError, file: string | undefined): AtelierError {
  const code: ErrorCode = error.code && error.code in DEFAULT_HINTS ? (error.code as ErrorCode) : 'INTERNAL';
  const cause = Object.assign(new Error(error.message), { name: error.name, stack: error.stack });
  const named = error.file ?? file;
  const message =
    code === 'INTERNAL' && named && !error.message.includes(named)
      ? `${error.message}: ${named}`
      : error.message;
  return new AtelierError(code, message, {
    cause,
    ...(error.hint ? { hint: error.hint } : {}),
    ...(named ? { file: named } : {}),
  });
}
