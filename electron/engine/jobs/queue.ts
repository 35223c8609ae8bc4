/**
 * The job queue: runs a batch of any operation through the staged pipeline, persists its plan and
 * progress in a journal (the profile's store), and hands out a `BatchRun` to watch and steer it
 * (progress events with ETA, pause, resume, cancel). A batch interrupted in any way — cancel, quit,
 * crash — is finished later with `resume(batchId)`, which runs only the items not yet finished.
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { AtelierError, serializeError, type SerializedError } from '../errors';
import type { BoundOperation, OperationName, OperationResult } from '../operations/types';
import type {
  BatchJournal,
  BatchRecord,
  ChargePort,
  GenerationCharge,
  JournalItem,
  NewBatchItem,
} from './journal';
import type { BatchLocks } from './batch-lock';
import { Pipeline, defaultPipelineOptions, zeroTimings, type PipelineItem } from './pipeline';
import { ProgressTracker, type BatchProgress, type ItemEvent } from './progress';

export interface BatchSpec {
  operation: OperationName;
  params: Record<string, unknown>;
  outputDir: string;
  items: readonly (NewBatchItem & { note?: string })[];
}

export interface QueueOptions {
  journal: BatchJournal;
  /** Validates params and binds the operation (the engine supplies it: sessions, limits). */
  bind(operation: OperationName, params: unknown): BoundOperation;
  /** 'gpu' when the requested provider can use a GPU here (more inference lanes). */
  acceleration: 'cpu' | 'gpu';
  cores: number;
  /** Items in flight at once (--concurrency); tuned to cores and provider when absent. */
  concurrency?: number;
  /** The token gate: each item is authorized before it runs and its debit recorded with it. */
  charges?: ChargePort;
  /** Where batch lock files go (the profile's cache); without it, batches are not locked. */
  locks?: BatchLocks;
}

export interface BatchOutcome {
  batch: BatchRecord;
  /** Results of the items handled in this run (items finished by an earlier run are not repeated). */
  results: OperationResult[];
  progress: BatchProgress;
}

type RunEvents = { item: [ItemEvent]; progress: [BatchProgress] };

export class BatchRun extends EventEmitter<RunEvents> {
  readonly finished: Promise<BatchOutcome>;
  private readonly pipeline: Pipeline;
  private readonly tracker: ProgressTracker;
  private readonly charges = new Map<string, GenerationCharge>();
  /** Set when an item's outcome could not be written (disk full): the batch must stay unfinished. */
  private unrecorded = false;

  constructor(
    readonly batch: BatchRecord,
    items: readonly JournalItem[],
    private readonly journal: BatchJournal,
    op: BoundOperation,
    options: QueueOptions,
    decided: readonly OperationResult[] = [],
    notes: ReadonlyMap<string, string> = new Map(),
  ) {
    super();
    this.pipeline = new Pipeline(
      op,
      defaultPipelineOptions(options.cores, options.acceleration, options.concurrency),
      {
        onStage: (item, stage) =>
          this.emit('item', { batchId: batch.id, itemId: item.id, input: item.input, stage }),
        ...(options.charges ? { admit: admitWith(options.charges, op.name, this.charges) } : {}),
      },
    );
    const pending = items.filter((i) => i.status === 'pending');
    // Items decided at planning time are reported by this run; the others finished in an earlier one.
    const earlier = { done: 0, failed: 0, skipped: 0 };
    if (decided.length === 0) for (const i of items) if (i.status !== 'pending') earlier[i.status] += 1;
    this.tracker = new ProgressTracker(batch.id, items.length, earlier);
    const pipelineItems: PipelineItem[] = pending.map((i) => ({
      id: i.id,
      input: i.input,
      output: i.output,
      ...(notes.get(i.id) ? { note: notes.get(i.id) } : {}),
    }));
    const byId = new Map(items.map((i) => [i.id, i]));
    // Start on the next tick so callers can subscribe to events first.
    this.finished = new Promise<void>((r) => setImmediate(r)).then(() =>
      this.execute(pipelineItems, byId, decided),
    );
  }

  get progress(): BatchProgress {
    return this.tracker.snapshot(!this.pipeline.gate.isOpen);
  }

  pause(): void {
    if (!this.pipeline.gate.isOpen || this.pipeline.cancelled) return;
    this.pipeline.gate.close();
    this.journal.setStatus(this.batch.id, 'paused');
    this.emit('progress', this.progress);
  }

  resume(): void {
    if (this.pipeline.gate.isOpen) return;
    this.journal.setStatus(this.batch.id, 'running');
    this.pipeline.gate.open();
    this.emit('progress', this.progress);
  }

  /** Stops starting new items; items in a stage finish it and are dropped. Resume later. */
  cancel(): void {
    this.pipeline.cancel();
  }

  private async execute(
    items: PipelineItem[],
    byId: Map<string, JournalItem>,
    decided: readonly OperationResult[],
  ): Promise<BatchOutcome> {
    const results: OperationResult[] = [];
    const report = (item: PipelineItem, result: OperationResult) => {
      this.tracker.record(item, result);
      results.push(result);
      this.emit('item', {
        batchId: this.batch.id,
        itemId: item.id,
        input: item.input,
        stage: 'finished',
        result,
      });
      this.emit('progress', this.progress);
    };
    for (const result of decided) {
      report({ id: '', input: result.input, output: result.output }, result);
    }
    this.emit('progress', this.progress);
    await this.pipeline.runAll(items, async (item, result, encoded) => {
      const row = byId.get(item.id);
      const charge = this.charges.get(item.id);
      this.charges.delete(item.id);
      if (result.status === 'failed' && result.error && STOPS_BATCH.has(result.error.code)) {
        // Out of tokens (or signed out): every later item would fail the same way. Stop, and keep
        // this item and the rest pending so `--resume` finishes them once tokens are available.
        this.pipeline.cancel();
        result = { ...result, status: 'cancelled' };
      }
      if (row) {
        try {
          if (result.status === 'done') {
            const t0 = performance.now();
            await this.journal.itemDone(this.batch, row, result, encoded, charge);
            result.timings.record = Math.round(performance.now() - t0);
          } else if (result.status === 'failed' && result.error)
            this.journal.itemFailed(this.batch, row, result.error);
          else if (result.status === 'skipped') this.journal.itemSkipped(this.batch, row, result.note);
          // cancelled items stay pending: a resume runs them.
        } catch (error) {
          // The history did not take the item (a full disk, most often): report it failed, naming the
          // photo and why, and record it failed so a retry finds it. If even that cannot be written, the
          // item stays pending and the batch unfinished, so a plain resume runs it.
          const failure = notRecorded(item.input, serializeError(error));
          result = { ...result, status: 'failed', error: failure };
          try {
            this.journal.itemFailed(this.batch, row, failure);
          } catch {
            this.unrecorded = true;
          }
        }
      }
      charge?.release();
      report(item, result);
    });
    const status = this.pipeline.cancelled || this.unrecorded ? 'cancelled' : 'done';
    try {
      this.journal.setStatus(this.batch.id, status);
    } catch {
      // Still 'running' in the journal, which a resume treats as unfinished: nothing is lost.
    }
    const batch = { ...this.batch, status } as BatchRecord;
    const progress = this.progress;
    this.emit('progress', progress);
    return { batch, results, progress };
  }
}

function notRecorded(input: string, cause: SerializedError): SerializedError {
  return {
    ...cause,
    message: `${path.basename(input)}: not recorded in the history (${cause.message})`,
    hint: cause.hint ?? 'free some disk space, then retry the batch',
  };
}

/** Errors that are about the account, not the image: they stop the batch instead of failing each item. */
const STOPS_BATCH = new Set<string>(['INSUFFICIENT_TOKENS', 'AUTH']);

type QueueEvents = { run: [BatchRun] };

/** Emits 'run' for every batch it starts or resumes, so a host can follow all of them (taskbar progress). */
export class JobQueue extends EventEmitter<QueueEvents> {
  constructor(private readonly options: QueueOptions) {
    super();
  }

  /** Plans and starts a batch. Items decided before running (skipped, refused) are recorded as such. */
  start(spec: BatchSpec): BatchRun {
    const op = this.options.bind(spec.operation, spec.params);
    const { batch, items } = this.options.journal.createBatch({
      operation: spec.operation,
      params: op.params as Record<string, unknown>,
      outputDir: spec.outputDir,
      items: spec.items.map(({ input, output, status, error }) => ({
        input,
        output,
        status,
        ...(error ? { error } : {}),
      })),
    });
    const decided: OperationResult[] = [];
    const notes = new Map<string, string>();
    spec.items.forEach((planned, index) => {
      const row = items[index];
      if (row && planned.note) notes.set(row.id, planned.note);
      if (planned.status === 'pending') return;
      decided.push(decidedResult(planned, op.model));
    });
    const release = this.options.locks?.acquire(batch.id);
    return this.announce(
      new BatchRun(batch, items, this.options.journal, op, this.options, decided, notes),
      release,
    );
  }

  /** Batches running in this process (the lock files guard against other processes). */
  private readonly active = new Map<string, BatchRun>();

  /** The run of a batch in progress in this process, if any. */
  running(batchId: string): BatchRun | undefined {
    return this.active.get(batchId);
  }

  private announce(run: BatchRun, release?: () => void): BatchRun {
    this.active.set(run.batch.id, run);
    const done = () => {
      this.active.delete(run.batch.id);
      release?.();
    };
    run.finished.then(done, done);
    this.emit('run', run);
    return run;
  }

  /** Continues an interrupted batch (the last unfinished one when no id is given). */
  resume(batchId?: string, options: { retryFailed?: boolean } = {}): BatchRun {
    const journal = this.options.journal;
    // With --retry and no id: the last batch that is unfinished or has failed items.
    const id =
      batchId ??
      journal.lastUnfinished((b) => !this.active.has(b) && this.options.locks?.holder(b) === undefined, {
        withFailures: options.retryFailed === true,
      })?.id;
    if (!id) {
      throw new AtelierError(
        'NOT_FOUND',
        options.retryFailed
          ? 'There is no unfinished batch and none with failed items to retry'
          : 'There is no unfinished batch to resume',
        {
          hint: options.retryFailed
            ? 'start a new batch, or pass the batch id printed in an earlier summary'
            : 'to run failed items again add --retry; or pass the batch id printed in an earlier summary',
        },
      );
    }
    if (this.active.has(id)) {
      throw new AtelierError('USAGE', `Batch ${id} is still running`, {
        hint: 'wait for it to finish (or cancel it) before resuming or retrying it',
      });
    }
    if (!journal.loadBatch(id)) {
      throw new AtelierError('NOT_FOUND', `No batch with id ${id} in this profile`, {
        hint: 'check --profile, or copy the id from the summary of the batch',
      });
    }
    const release = this.options.locks?.acquire(id);
    try {
      if (options.retryFailed) journal.resetFailed(id);
      const loaded = journal.loadBatch(id);
      if (!loaded) throw new AtelierError('NOT_FOUND', `No batch with id ${id} in this profile`);
      const op = this.options.bind(loaded.batch.operation, loaded.batch.params);
      journal.setStatus(id, 'running');
      return this.announce(
        new BatchRun({ ...loaded.batch, status: 'running' }, loaded.items, journal, op, this.options),
        release,
      );
    } catch (error) {
      release?.();
      throw error;
    }
  }

  /** Runs a batch's failed items again. */
  retryFailed(batchId: string): BatchRun {
    return this.resume(batchId, { retryFailed: true });
  }
}

/** The pipeline's admit hook for a token gate: authorize before decoding, keep the charge for the record. */
export function admitWith(
  charges: ChargePort,
  operation: OperationName,
  held: Map<string, GenerationCharge>,
): (item: PipelineItem) => Promise<void> {
  return async (item) => {
    held.set(item.id, await charges.authorize(operation));
  };
}

function decidedResult(planned: NewBatchItem & { note?: string }, model: string): OperationResult {
  const error: SerializedError | undefined = planned.error;
  return {
    input: planned.input,
    output: planned.output,
    status: planned.status === 'failed' ? 'failed' : 'skipped',
    model,
    timings: zeroTimings(),
    ...(error ? { error } : {}),
    ...(planned.note ? { note: planned.note } : {}),
  };
}
