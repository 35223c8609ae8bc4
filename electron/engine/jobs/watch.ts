/**
 * Watch mode: images that land in a folder (and its sub-folders) are processed as they arrive,
 * through the same staged pipeline as batches, and recorded in one growing batch. A file is handled
 * only once its size has stopped changing for `settleMs` (chokidar's awaitWriteFinish), so a photo
 * copied in slowly is processed once, complete. A file changed again later is processed again.
 */
import { existsSync, statSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { FSWatcher } from 'chokidar';
import { serializeError } from '../errors';
import type { BoundOperation, OperationResult } from '../operations/types';
import type { BatchJournal, BatchRecord, ChargePort, GenerationCharge } from './journal';
import { Pipeline, type PipelineOptions } from './pipeline';
import { admitWith } from './queue';

export interface WatchOptions {
  inputDir: string;
  outputDir: string;
  /** Where a given input's output goes (naming template, mirrored sub-folder). */
  outputFor(input: string): string;
  /** Which files to consider (by name). */
  accept(file: string): boolean;
  /** How long a file's size must stay unchanged before it is processed. */
  settleMs?: number;
  /** Process the images already in the folder at start (those whose output is missing or older). */
  processExisting?: boolean;
  /** Poll the file system instead of native events (network drives). */
  usePolling?: boolean;
}

type WatchEvents = { result: [OperationResult]; ready: []; error: [Error]; closed: [] };

export class FolderWatch extends EventEmitter<WatchEvents> {
  private watcher: FSWatcher | undefined;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly pipeline: Pipeline;
  private closed = false;
  private readonly charges = new Map<string, GenerationCharge>();

  constructor(
    readonly batch: BatchRecord,
    private readonly op: BoundOperation,
    private readonly journal: BatchJournal,
    pipelineOptions: PipelineOptions,
    private readonly options: WatchOptions,
    chargePort?: ChargePort,
  ) {
    super();
    this.pipeline = new Pipeline(
      op,
      pipelineOptions,
      chargePort ? { admit: admitWith(chargePort, op.name, this.charges) } : {},
    );
  }

  async start(): Promise<void> {
    const { watch } = await import('chokidar');
    const outDir = path.resolve(this.options.outputDir);
    const settle = this.options.settleMs ?? 800;
    this.watcher = watch(this.options.inputDir, {
      ignoreInitial: this.options.processExisting === false,
      awaitWriteFinish: { stabilityThreshold: settle, pollInterval: Math.min(100, settle / 4) },
      usePolling: this.options.usePolling ?? false,
      // Never feed our own outputs (an --out inside the watched folder) or temp files back in.
      ignored: (file: string) => {
        const abs = path.resolve(file);
        return abs === outDir || abs.startsWith(outDir + path.sep) || path.basename(abs).startsWith('.');
      },
    });
    this.watcher.on('add', (file) => this.enqueue(path.resolve(file), 'add'));
    this.watcher.on('change', (file) => this.enqueue(path.resolve(file), 'change'));
    this.watcher.on('error', (error) =>
      this.emit('error', error instanceof Error ? error : new Error(String(error))),
    );
    await new Promise<void>((resolve) => this.watcher?.once('ready', () => resolve()));
    this.emit('ready');
  }

  /** Resolves when every file seen so far has been processed. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.watcher?.close();
    await this.idle();
    this.journal.setStatus(this.batch.id, 'done');
    this.emit('closed');
  }

  private enqueue(file: string, kind: 'add' | 'change'): void {
    if (this.closed || !this.options.accept(file)) return;
    if (this.inFlight.has(file)) {
      // Changed while being processed: run it once more afterwards, with the final bytes.
      this.again.add(file);
      return;
    }
    const output = this.options.outputFor(file);
    if (kind === 'add' && isUpToDate(file, output)) return;
    const task = this.process(file, output).finally(() => {
      this.inFlight.delete(file);
      if (this.again.delete(file)) this.enqueue(file, 'change');
    });
    this.inFlight.set(file, task);
  }

  private async process(file: string, output: string): Promise<void> {
    const [item] = this.journal.appendItems(this.batch.id, [{ input: file, output, status: 'pending' }]);
    if (!item) return;
    const { result, encoded } = await this.pipeline.run({ id: item.id, input: file, output });
    let final = result;
    const charge = this.charges.get(item.id);
    this.charges.delete(item.id);
    try {
      if (result.status === 'done') await this.journal.itemDone(this.batch, item, result, encoded, charge);
      else if (result.status === 'failed' && result.error)
        this.journal.itemFailed(this.batch, item, result.error);
    } catch (error) {
      final = { ...result, status: 'failed', error: serializeError(error) };
    } finally {
      charge?.release();
    }
    this.emit('result', final);
  }
}

/** The output exists and is newer than the input: it was made from this version already. */
function isUpToDate(input: string, output: string): boolean {
  if (!existsSync(output)) return false;
  try {
    return statSync(output).mtimeMs >= statSync(input).mtimeMs;
  } catch {
    return false;
  }
}
