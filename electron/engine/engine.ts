/**
 * The engine object every host creates (the CLI, `atelier serve`, the Electron main process): the
 * profile's paths, the model registry (bundled + the profile's custom models), cached onnxruntime
 * sessions, the history store, and the job queue that runs operations in batches. Plain Node: it
 * never imports Electron; what only a shell can do comes through `host`.
 */
import os from 'node:os';
import path from 'node:path';
import { AtelierError } from './errors';
import { loadAccountConfig } from './account/config';
import { storeLedger } from './account/store-ledger';
import { KeytarCredentialStore } from './account/credentials';
import { readSeqFloor } from './account/seq-floor';
import { TokenGate, type WalletAccount } from './account/wallet';
import { headlessHost, type Host } from './host';
import { errorSinkFor, type ErrorSink } from './log/error-sink';
import { DEFAULT_MAX_PIXELS } from './imaging/decode';
import { defaultPipelineOptions } from './jobs/pipeline';
import { JobQueue, type BatchRun } from './jobs/queue';
import { FolderWatch, type WatchOptions } from './jobs/watch';
import { BatchLocks } from './jobs/batch-lock';
import { tokenGateCharges } from './jobs/charges';
import type { BatchJournal, ChargePort } from './jobs/journal';
import { StoreJournal } from './jobs/store-journal';
import { providerUnavailableReason, gpuProviderFor, type ProviderRequest } from './models/providers';
import { ModelRegistry, defaultModelsDir } from './models/registry';
import { followModelSpeed } from './models/speed';
import { withSqliteErrorsMapped } from './store/guard';
import { ModelSessions } from './models/sessions';
import { operationFor } from './operations';
import { runSingle } from './jobs/single';
import {
  bindOperation,
  type BoundOperation,
  type OperationName,
  type OperationResult,
} from './operations/types';
import { openProfile, type ProfilePaths } from './profile';
import { Store, type GenerationRow } from './store';
import { regenerateGeneration } from './operations/regenerate';
import { storedThreads, storedWorkerThreads } from './api/settings-facade';
import { leasePixelPool, type PoolLease } from './workers/shared-pool';

/** The token ledger on the profile's database, with SQLite failures (a full disk) as clear errors. */
const ledgerOf = (store: Store) => withSqliteErrorsMapped(storeLedger(store.db), store.file);
import { Editor } from './operations/edit';

export { DEFAULT_MAX_PIXELS };

export interface EngineOptions {
  profileDir: string;
  modelsDir?: string;
  provider?: ProviderRequest;
  host?: Host;
  /** Items in flight in a batch (default: tuned to cores and provider). */
  concurrency?: number;
  maxPixels?: number;
  /**
   * How generations are paid for: 'account' (default) authorizes each one with the current account's
   * token gate (anonymous: the daily free quota); 'none' records without charging (benchmarks, tools).
   */
  billing?: 'account' | 'none';
  /**
   * The onnxruntime sessions (default: created with the profile's Threads setting, read at start-up).
   * A function so a host or test can decide from the registry and store the engine opened.
   */
  sessions?: (registry: ModelRegistry, store: Store) => ModelSessions;
  /** Overrides the Threads setting for this engine (0 = all cores). */
  threads?: number;
  /** Where unexpected errors go (default: the profile's log file). Hosts pass the sink they made at start-up. */
  log?: ErrorSink;
  /** Threads of the pixel worker pool (default: the Worker threads setting, else from the cores). */
  workers?: number;
  /** The pool's size when neither `workers`, ATELIER_WORKERS nor the setting gives one (the CLI's). */
  defaultWorkers?: number;
}

export class Engine {
  readonly jobs: JobQueue;
  readonly journal: BatchJournal;
  /** Re-renders, hand edits and versions of cut-outs (mask once, compose many). */
  readonly editor: Editor;
  private readonly concurrency: number | undefined;
  private readonly charges: ChargePort | undefined;
  private readonly locks: BatchLocks;
  readonly log: ErrorSink;
  /** The process's pixel worker pool, leased for this engine's life (workers/shared-pool.ts). */
  private readonly poolLease: PoolLease;

  private constructor(
    readonly paths: ProfilePaths,
    readonly registry: ModelRegistry,
    readonly sessions: ModelSessions,
    readonly store: Store,
    readonly host: Host,
    readonly provider: ProviderRequest,
    readonly maxPixels: number,
    options: EngineOptions,
  ) {
    this.log = options.log ?? errorSinkFor(paths.logs);
    this.poolLease = leasePixelPool(options.workers ?? storedWorkerThreads(store), options.defaultWorkers);
    this.poolLease.pool.onUnexpectedError = (error) => this.log.unexpected(error, 'pixel worker pool');
    this.journal = new StoreJournal(store.batches);
    this.locks = new BatchLocks(paths.cache);
    this.concurrency = options.concurrency;
    this.charges = options.billing === 'none' ? undefined : accountCharges(store, paths);
    this.jobs = new JobQueue({
      journal: this.journal,
      bind: (operation, params) => this.bind(operation, params),
      acceleration: accelerationFor(provider),
      cores: os.availableParallelism(),
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...(this.charges ? { charges: this.charges } : {}),
      locks: this.locks,
    });
    this.jobs.on('run', (run) => this.followOnHost(run));
    this.jobs.on('run', (run) => followModelSpeed(run, store));
    this.editor = new Editor({ store, sessions, charges: this.charges, provider, maxPixels });
  }

  /** Batch progress on the host's window chrome (taskbar/dock), and a notification when one ends. */
  private followOnHost(run: BatchRun): void {
    run.on('progress', (p) => this.host.setProgress(p.fraction >= 1 ? null : p.fraction));
    run.finished.then(
      ({ progress }) => {
        this.host.setProgress(null);
        const left = progress.total - progress.done - progress.failed - progress.skipped;
        this.host.notify(
          left > 0 ? 'Batch stopped' : 'Batch finished',
          `${progress.done} done, ${progress.failed} failed${left > 0 ? `, ${left} left to resume` : ''}`,
        );
      },
      () => this.host.setProgress(null),
    );
  }

  static async open(options: EngineOptions): Promise<Engine> {
    const paths = openProfile(options.profileDir);
    const registry = new ModelRegistry(options.modelsDir ?? defaultModelsDir(), paths.customModels);
    const store = Store.open(paths);
    const sessions = (options.sessions ?? defaultSessions(options.threads))(registry, store);
    return new Engine(
      paths,
      registry,
      sessions,
      store,
      options.host ?? headlessHost(),
      options.provider ?? 'auto',
      options.maxPixels ?? DEFAULT_MAX_PIXELS,
      options,
    );
  }

  /** The retention sweeper (hourly), its failures logged. Returns the function that stops it. */
  startSweeper(intervalMs?: number): () => void {
    return this.store.startSweeper(intervalMs, (error) => this.log.warn('retention sweep failed', error));
  }

  /**
   * Validates `params` with the operation's schema and binds it to this engine's sessions and limits.
   * `recorded`: its items go to the history through the batch journal (jobs, folder watches), which
   * keeps their input files unless privacy mode is on.
   */
  bind(operation: OperationName, params: unknown, { recorded = true } = {}): BoundOperation {
    const withProvider =
      params && typeof params === 'object' && !('provider' in params)
        ? { ...params, provider: this.provider }
        : params;
    return bindOperation(operationFor(operation), withProvider, {
      sessions: this.sessions,
      maxPixels: this.maxPixels,
      ...(recorded ? { recordsOriginal: () => !this.store.privacyMode() } : {}),
    });
  }

  /**
   * One image as a generation: authorized by the token gate, recorded in the history with its
   * input and output (a batch of one, so it shares the batch path's transactions and checks).
   */
  async generate(
    operation: OperationName,
    params: unknown,
    input: string,
    output: string,
  ): Promise<OperationResult> {
    const op = this.bind(operation, params);
    const run = this.jobs.start({
      operation,
      params: op.params as Record<string, unknown>,
      outputDir: path.dirname(output),
      items: [{ input, output, status: 'pending' }],
    });
    const { results } = await run.finished;
    const [result] = results;
    if (!result) throw new AtelierError('INTERNAL', `No result for ${input}`);
    return result;
  }

  /**
   * Runs a history item again with changed params, recorded and linked to its source. A cut-out whose
   * change is only how it is composed is re-rendered from its stored mask (a free version of the same
   * item); a model change, or any other operation, is a charged run.
   */
  async regenerate(id: number, changes: Record<string, unknown>, output: string): Promise<GenerationRow> {
    if (this.store.getGeneration(id).operation === 'cutout') {
      if (this.editor.needsModelRun(id, changes)) return this.editor.regenerateMask(id, changes, output);
      return (await this.editor.render(id, changes, { output })).row;
    }
    return regenerateGeneration(
      // Not through the journal: the new version records the stored original, not a file read.
      {
        store: this.store,
        charges: this.charges,
        bind: (o, p) => this.bind(o, p, { recorded: false }),
        runOne: runSingle,
      },
      id,
      changes,
      output,
    );
  }

  /** One image, outside any batch and not recorded in the history (previews). */
  runOne(operation: OperationName, params: unknown, input: string, output: string): Promise<OperationResult> {
    return runSingle(this.bind(operation, params, { recorded: false }), input, output);
  }

  /** Starts watching a folder: images landing in it run through `operation`, recorded as one batch. */
  async watchFolder(operation: OperationName, params: unknown, options: WatchOptions): Promise<FolderWatch> {
    const op = this.bind(operation, params);
    const { batch } = this.journal.createBatch({
      operation,
      params: op.params as Record<string, unknown>,
      outputDir: options.outputDir,
      items: [],
    });
    const pipelineOptions = defaultPipelineOptions(
      os.availableParallelism(),
      accelerationFor(this.provider),
      this.concurrency,
    );
    const release = this.locks.acquire(batch.id);
    const watcher = new FolderWatch(batch, op, this.journal, pipelineOptions, options, this.charges);
    watcher.once('closed', release);
    try {
      await watcher.start();
    } catch (error) {
      release();
      throw error;
    }
    return watcher;
  }

  /** Threads in the pixel worker pool this engine uses. */
  get workerThreads(): number {
    return this.poolLease.pool.size;
  }

  /** Starts a pool thread ahead of the first photo (see PixelPool.warm). */
  warmPool(): Promise<void> {
    return this.poolLease.pool.warm();
  }

  /** Closes the engine: the pool's outstanding pixel jobs finish (drained) before the store closes. */
  async close(): Promise<void> {
    await this.sessions.dispose();
    await this.poolLease.release();
    this.store.close();
  }
}

/**
 * The current account's token gate. Anonymous use needs no license server (the free quota is
 * local); a signed-in account needs the configured server's pinned keys to verify its balance.
 */
function accountCharges(store: Store, paths: ProfilePaths): ChargePort {
  let current: { accountId: string; gate: TokenGate } | undefined;
  return {
    authorize(operation) {
      // One gate per account (it holds that account's reservations); signing in or out switches it.
      if (current?.accountId !== store.currentAccountId) {
        const row = store.currentAccount();
        const account: WalletAccount =
          row.kind === 'signed_in' && row.serverUserId
            ? {
                kind: 'signed_in',
                localId: row.id,
                serverId: row.serverUserId,
                ...(row.email ? { email: row.email } : {}),
              }
            : { kind: 'anonymous', localId: row.id };
        let gate: TokenGate;
        if (account.kind === 'signed_in') {
          const config = loadAccountConfig(paths);
          // The seq floor in the keychain refuses a statement rolled back in the SQLite file.
          const credentials = new KeytarCredentialStore();
          gate = new TokenGate(ledgerOf(store), account, config.pinnedKeys, undefined, {
            seqFloor: () => readSeqFloor(credentials, config.serverUrl, account.serverId),
          });
        } else gate = new TokenGate(ledgerOf(store), account, []);
        current = { accountId: row.id, gate };
      }
      return tokenGateCharges(current.gate).authorize(operation);
    },
  };
}

/** 'gpu' when the request can reach a GPU provider on this machine (inference gets two lanes then). */
export function accelerationFor(request: ProviderRequest): 'cpu' | 'gpu' {
  if (request === 'cpu') return 'cpu';
  const gpu = gpuProviderFor();
  return gpu && !providerUnavailableReason(gpu) ? 'gpu' : 'cpu';
}

/** Sessions with the Threads setting (or the explicit override) as onnxruntime's intra-op threads. */
function defaultSessions(override: number | undefined) {
  return (registry: ModelRegistry, store: Store): ModelSessions => {
    const threads = override === undefined ? storedThreads(store) : override > 0 ? override : undefined;
    return new ModelSessions(registry, threads ? { intraOpThreads: threads } : {});
  };
}
