/**
 * Runs items through an operation's three stages with the stages of neighbouring items overlapping:
 * while item N is in inference, N+1 is being decoded and N−1 encoded. Inference gets its own lane(s)
 * (one on a CPU, where onnxruntime already uses every core); decode and encode share I/O lanes.
 * At most `maxInFlight` items are between "decode started" and "encode finished", and together they
 * hold at most `memoryBudget` bytes of pixels (estimated from each photo's header): back-pressure that
 * bounds memory whatever the batch size and the photos' sizes. The pixel work of the encode stage runs
 * in the engine's worker pool, so photo N−1's refinement, compositing and history record overlap photo
 * N's inference on separate cores.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { AtelierError, serializeError, toAtelierError } from '../errors';
import type { BoundOperation, Encoded, OperationResult, StageTimings } from '../operations/types';
import { Gate } from './gate';
import { Semaphore } from './semaphore';
import { BYTES_PER_PIXEL_IN_FLIGHT, MemoryBudget, defaultMemoryBudget } from './memory-budget';

export interface PipelineItem {
  /** Stable id (the store's batch item id when persisted). */
  id: string;
  input: string;
  output: string;
  note?: string;
}

export type Stage = 'queued' | 'decode' | 'process' | 'encode';

export interface PipelineOptions {
  /** Concurrent inferences: 1 on a CPU, 2 on a GPU (uploading one while the other runs). */
  inferenceLanes: number;
  /** Concurrent decodes / encodes (sharp and disk). */
  ioLanes: number;
  /** Items held between decode and the end of encode. */
  maxInFlight: number;
  /** `skip`: an item whose output already exists is not redone (re-runs, resumes, watch). */
  skipExisting: boolean;
  /**
   * Bytes of pixels the items in flight may hold together (estimated from each photo's size before it
   * is decoded): what bounds a batch of 24 MP photos. Absent: only `maxInFlight` bounds it.
   */
  memoryBudget?: number;
}

export interface PipelineHooks {
  onStage?(item: PipelineItem, stage: Stage): void;
  /**
   * Runs before an item is decoded; throwing fails that item alone with the error (the token gate:
   * no tokens left means the image is not processed, rather than processed and then refused).
   */
  admit?(item: PipelineItem): Promise<void>;
}

export function defaultPipelineOptions(
  cores: number,
  providerUsed: 'cpu' | 'gpu',
  concurrency?: number,
): PipelineOptions {
  const inferenceLanes = providerUsed === 'gpu' ? 2 : 1;
  const ioLanes = Math.max(1, Math.min(4, cores));
  // The pixel work of finished inferences runs in the worker pool (a thread per spare core): room for
  // one item per pool thread besides the lanes. Memory, not this count, bounds big photos.
  const poolThreads = Math.max(1, cores - 1);
  const maxInFlight = concurrency ?? inferenceLanes + ioLanes + poolThreads + 1;
  return {
    inferenceLanes,
    ioLanes: Math.max(1, Math.min(ioLanes, maxInFlight - inferenceLanes)),
    maxInFlight,
    skipExisting: false,
    memoryBudget: defaultMemoryBudget(),
  };
}

export class Pipeline {
  readonly gate = new Gate();
  private readonly slots: Semaphore;
  private readonly io: Semaphore;
  private readonly inference: Semaphore;
  private readonly memory: MemoryBudget | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly op: BoundOperation,
    readonly options: PipelineOptions,
    private readonly hooks: PipelineHooks = {},
  ) {
    this.slots = new Semaphore(options.maxInFlight);
    this.io = new Semaphore(options.ioLanes);
    this.inference = new Semaphore(options.inferenceLanes);
    this.memory = options.memoryBudget ? new MemoryBudget(options.memoryBudget) : undefined;
  }

  get cancelled(): boolean {
    return this.abort.signal.aborted;
  }

  cancel(): void {
    this.abort.abort();
    // A paused pipeline must wake up to notice the cancel.
    this.gate.open();
  }

  /**
   * Runs all items and resolves with their results in input order. `onResult` is called as each one
   * finishes (completion order), so progress and persistence do not wait for the whole batch.
   */
  async runAll(
    items: readonly PipelineItem[],
    onResult: (item: PipelineItem, result: OperationResult, encoded?: Encoded) => void | Promise<void>,
  ): Promise<OperationResult[]> {
    const running: Promise<OperationResult>[] = [];
    for (const item of items) {
      this.hooks.onStage?.(item, 'queued');
      await this.gate.wait();
      if (this.cancelled) {
        const result = this.cancelledResult(item, zeroTimings());
        running.push(Promise.resolve(result));
        await onResult(item, result);
        continue;
      }
      const release = await this.slots.acquire();
      running.push(
        this.runOne(item)
          .then(async ({ result, encoded }) => {
            await onResult(item, result, encoded);
            return result;
          })
          .finally(release),
      );
    }
    return Promise.all(running);
  }

  /** Runs one item through the stages (the caller holds no slot: used by watch mode). */
  async run(item: PipelineItem): Promise<{ result: OperationResult; encoded?: Encoded }> {
    const release = await this.slots.acquire();
    try {
      return await this.runOne(item);
    } finally {
      release();
    }
  }

  private async runOne(item: PipelineItem): Promise<{ result: OperationResult; encoded?: Encoded }> {
    const timings = zeroTimings();
    const started = performance.now();
    const base = { input: item.input, output: item.output, model: this.op.model };
    let note = item.note ? { note: item.note } : {};
    let releaseMemory: (() => void) | undefined;
    try {
      if (this.options.skipExisting && existsSync(item.output)) {
        return { result: { ...base, status: 'skipped', timings, note: 'output already exists' } };
      }
      await this.hooks.admit?.(item);
      if (this.memory) releaseMemory = await this.memory.acquire(await footprintOf(item.input));
      if (this.cancelled) return { result: this.cancelledResult(item, timings) };
      this.hooks.onStage?.(item, 'decode');
      const decoded = await this.timed(timings, 'decode', () =>
        this.io.with(() => this.op.decode(item.input)),
      );
      const decodeNote = this.op.noteOf?.(decoded);
      if (decodeNote) note = { note: item.note ? `${item.note}; ${decodeNote}` : decodeNote };
      await this.gate.wait();
      if (this.cancelled) return { result: this.cancelledResult(item, timings) };
      this.hooks.onStage?.(item, 'process');
      const processed = await this.timed(timings, 'process', () =>
        this.inference.with(() => this.op.process(decoded)),
      );
      if (this.cancelled) return { result: this.cancelledResult(item, timings) };
      this.hooks.onStage?.(item, 'encode');
      const encoded = await this.timed(timings, 'encode', () =>
        this.io.with(() => this.op.encode(processed.value, item.output, { signal: this.abort.signal })),
      );
      timings.total = Math.round(performance.now() - started);
      const provider = processed.provider ? { provider: processed.provider } : {};
      return { result: { ...base, status: 'done', ...provider, timings, ...note }, encoded };
    } catch (error) {
      timings.total = Math.round(performance.now() - started);
      const e = toAtelierError(error, item.input);
      // The batch's cancel stops an item's pixel work in the pool: it is cancelled, not failed.
      if (e.code === 'CANCELLED' && this.cancelled) return { result: this.cancelledResult(item, timings) };
      const failure = serializeError(e);
      // A database failure (a full disk while reserving tokens, say) names the database: say which photo.
      if (e.code === 'DATABASE') failure.message = `${path.basename(item.input)}: ${failure.message}`;
      return { result: { ...base, status: 'failed', timings, error: failure, ...note } };
    } finally {
      releaseMemory?.();
    }
  }

  private async timed<T>(timings: StageTimings, stage: keyof StageTimings, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      timings[stage] = Math.round((performance.now() - t0) * 10) / 10;
    }
  }

  private cancelledResult(item: PipelineItem, timings: StageTimings): OperationResult {
    const e = new AtelierError('CANCELLED', `Cancelled before finishing: ${item.input}`, {
      hint: 'run again with --resume to finish the batch',
      file: item.input,
    });
    return {
      input: item.input,
      output: item.output,
      status: 'cancelled',
      model: this.op.model,
      timings,
      error: serializeError(e),
    };
  }
}

/**
 * What a photo will hold in memory, from its header (no decoding). Unreadable: 0, and decoding then
 * reports the file's problem.
 */
async function footprintOf(file: string): Promise<number> {
  try {
    const meta = await sharp(file, { limitInputPixels: false }).metadata();
    return (meta.width ?? 0) * (meta.height ?? 0) * BYTES_PER_PIXEL_IN_FLIGHT;
  } catch {
    return 0;
  }
}

export function zeroTimings(): StageTimings {
  return { decode: 0, process: 0, encode: 0, total: 0 };
}
