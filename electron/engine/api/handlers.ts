/**
 * The one handler table: every method of the contract implemented once, on top of the Engine. Both
 * adapters (Electron IPC in electron/main, WebSocket in serve.ts) call `dispatch`, which validates the
 * params against the contract before a handler runs and the result before it leaves.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { AtelierError, serializeError } from '../errors';
import type { Engine } from '../engine';
import { PROVIDER_LABELS, providerUnavailableReason, type ProviderName } from '../models/providers';
import { CANVAS_PRESETS } from '../compose/canvas';
import type { BatchRun } from '../jobs/queue';
import type { ItemEvent } from '../jobs/progress';
import { methods, type EventName, type EventPayload, type MethodName, type MethodResult } from './contract';
import { AccountFacade } from './account-facade';
import { expandForApi, planApiBatch, regenerationOutput } from './plan-batch';
import { historyItemOf, toHistoryItems } from './history-item';
import { SettingsFacade } from './settings-facade';
import { ModelsFacade } from './models-facade';
import { FilesFacade } from './files-facade';
import { estimateBatch } from './estimate';
import { Staging } from './staging';
import { stageChainInput } from './chain';
import { Pictures } from './pictures';
import { EditRuns } from './edit-runs';
import { isUnexpected, type ErrorSink } from '../log/error-sink';
import { writeTurns } from '../store/write-turns';

type Handler<M extends MethodName> = (
  params: MethodResultParams<M>,
) => Promise<MethodResult<M>> | MethodResult<M>;
/** Params after the contract's defaults are applied. */
type MethodResultParams<M extends MethodName> = z.infer<(typeof methods)[M]['params']>;
export type HandlerTable = { [M in MethodName]: Handler<M> };

export interface ApiContext {
  engine: Engine;
  version: string;
  /** Pushes an event to every connected UI. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** Saves and exports; serve.ts passes its own, to answer the download URLs it hands out. */
  files?: FilesFacade;
  /** Where the host stages browser uploads (serve); every host sweeps the profile's staging at start-up. */
  staging?: Staging;
}

/** Each table's engine log, where dispatch records unexpected errors (with stack) before answering. */
const logs = new WeakMap<object, ErrorSink>();

export function createHandlers(ctx: ApiContext): HandlerTable {
  const { engine } = ctx;
  const runs = new Map<string, BatchRun>();
  // Uploads left by a crash or a quit mid-batch: nothing can be using them at start-up.
  const staging = ctx.staging ?? new Staging(engine.paths.root);
  staging.sweep();
  /** Deletes a staged upload once no item of its batch still waits to read it. */
  const releaseStaged = (batchId: string, input: string): void => {
    if (!staging.folderOf(input) || !engine.store.db.open) return;
    const waiting = engine.store.batches
      .items(batchId)
      .some((i) => i.inputPath === input && i.status === 'pending');
    if (!waiting) staging.release(input);
  };
  /**
   * At a batch's end, the uploads of items that ran go. Items that never ran (the token gate stopped
   * the batch, or it was cancelled) keep theirs, so Resume can still read them in a browser, where the
   * upload is the only copy Atelier has; nothing was generated from them, and the start-up sweep
   * removes them if the batch is never resumed.
   */
  const releaseBatch = (batchId: string): void => {
    // A batch that ends while the engine closes finds the history shut: what it staged stays for the
    // next start's sweep, which removes it.
    if (!engine.store.db.open) return;
    for (const i of engine.store.batches.items(batchId))
      if (i.status !== 'pending') staging.release(i.inputPath);
  };
  const settings = new SettingsFacade(engine);
  const files = ctx.files ?? new FilesFacade(engine, () => settings.get().outputDir);
  const account = new AccountFacade(engine, (status) => ctx.emit('account.changed', status));
  account.start();
  const models = new ModelsFacade(
    engine,
    () => settings.get().developerModels,
    (progress) => ctx.emit('models.progress', progress),
  );

  const follow = (run: BatchRun): void => {
    runs.set(run.batch.id, run);
    engine.host.setProgress(0);
    run.on('progress', (p) => {
      engine.host.setProgress(p.fraction);
      ctx.emit('batch.progress', { ...p, etaMs: p.etaMs ?? null, finished: false });
    });
    run.on('item', (e) => {
      // Recorded (in the same transaction as its history row), failed or skipped: the upload has served.
      if (e.stage === 'finished' && e.result.status !== 'cancelled') releaseStaged(e.batchId, e.input);
      const event = itemEvent(engine, e);
      if (event.output) files.remember(event.output);
      ctx.emit('batch.item', event);
    });
    run.finished.then(
      (outcome) => {
        // Finished or cancelled: uploads of items that never ran go too (a resume reports them missing).
        releaseBatch(run.batch.id);
        runs.delete(run.batch.id);
        engine.host.setProgress(null);
        ctx.emit('batch.progress', { ...outcome.progress, etaMs: 0, finished: true });
        const { done, failed } = outcome.progress;
        engine.host.notify('Batch finished', `${done} done${failed ? `, ${failed} failed` : ''}`);
        account.background(account.afterBatch(), 'account sync after a batch');
      },
      (error: unknown) => {
        runs.delete(run.batch.id);
        releaseBatch(run.batch.id);
        // A batch that stops on an error (not one item's failure) still ends: the UI leaves its
        // "running" state and shows why.
        engine.host.setProgress(null);
        const { code, message, hint } = serializeError(error);
        ctx.emit('batch.failed', {
          batchId: run.batch.id,
          error: { code, message, ...(hint ? { hint } : {}) },
        });
      },
    );
  };

  const runOf = (batchId: string): BatchRun => {
    const run = runs.get(batchId);
    if (!run)
      throw new AtelierError('NOT_FOUND', `No running batch ${batchId}`, {
        hint: 'it may have finished already',
      });
    return run;
  };

  // A designer's quick writes (pin, delete, settings) wait for a batch's record being written on a
  // pool thread in their turn, not asleep inside SQLite on the engine's thread (store/write-turns.ts).
  const inTurn = <T>(write: () => T): Promise<T> => writeTurns(engine.store.file).take(write);
  const pictures = new Pictures(engine);
  const edits = new EditRuns((progress) => ctx.emit('edit.progress', progress));
  const startBatch = (p: MethodResultParams<'batch.start'>): MethodResult<'batch.start'> => {
    // Each item is authorized by the account's token gate as it runs (jobs/): a batch that runs out
    // of tokens stops there and keeps its remaining items pending, so it can be resumed after a purchase.
    const outputDir = p.outputDir ?? settings.get().outputDir;
    const spec = planApiBatch(engine, {
      operation: p.operation,
      params: { ...settings.operationDefaults(), ...p.params },
      inputs: p.inputs,
      outputDir,
      settingsOutputDir: settings.get().outputDir,
      template: settings.get().naming,
    });
    const run = engine.jobs.start(spec);
    follow(run);
    return { batchId: run.batch.id, total: spec.items.length, outputDir: spec.outputDir };
  };

  const table: HandlerTable = {
    'system.info': () => ({
      version: ctx.version,
      platform: process.platform,
      profileDir: engine.paths.root,
      host: engine.host.kind,
      providers: (['dml', 'coreml', 'cuda', 'cpu'] as ProviderName[]).map((provider) => {
        const reason = providerUnavailableReason(provider);
        return {
          provider,
          label: PROVIDER_LABELS[provider],
          available: !reason,
          ...(reason ? { reason } : {}),
        };
      }),
      models: engine.registry.listForUsers(settings.get().developerModels).map((m) => ({
        id: m.entry.id,
        name: m.entry.name,
        task: m.entry.task,
        installed: engine.registry.isInstalled(m.entry.id),
        commercialUse: m.entry.commercialUse,
        license: m.entry.license,
        attribution: m.entry.attribution ?? null,
      })),
      canvasPresets: Object.entries(CANVAS_PRESETS).map(([id, preset]) => ({
        id,
        label: preset.note ?? id,
        canvas: { ...preset.canvas },
      })),
    }),

    'system.openLogFolder': () => {
      const dir = engine.log.dir ?? engine.paths.logs;
      mkdirSync(dir, { recursive: true });
      engine.host.revealInFolder(dir);
      return { path: dir };
    },

    'files.expand': (p) => expandForApi(p.paths, p.recursive),

    'batch.start': (p) => startBatch(p),
    'pictures.add': async (p) => {
      try {
        return await pictures.add(p.path, p.name);
      } finally {
        // A browser upload has served once its picture is kept (or refused); a user's file is untouched.
        staging.release(p.path);
      }
    },
    'pictures.recent': () => ({ pictures: pictures.recent() }),
    'history.chain': async (p) => {
      const input = await stageChainInput(engine, staging, p.id);
      try {
        return { ...startBatch({ operation: p.operation, params: p.params, inputs: [input] }), input };
      } catch (error) {
        staging.release(input);
        throw error;
      }
    },
    'batch.pause': (p) => {
      runOf(p.batchId).pause();
      return { ok: true };
    },
    'batch.resume': (p) => {
      // A paused batch opens its gate; a stopped one (cancelled, or out of tokens) runs its pending items.
      const active = engine.jobs.running(p.batchId);
      if (active) active.resume();
      else follow(engine.jobs.resume(p.batchId));
      return { ok: true };
    },
    'batch.cancel': (p) => {
      runOf(p.batchId).cancel();
      return { ok: true };
    },
    'batch.retryFailed': (p) => {
      const run = engine.jobs.retryFailed(p.batchId);
      follow(run);
      return { batchId: run.batch.id };
    },

    'history.list': (p) => {
      const { cursor, limit, ...filter } = p;
      // Roots only: a root's re-render versions are folded into its `versions` (history.versions).
      const roots = { ...filter, rootsOnly: true };
      const page = engine.store.history({ ...roots, limit: limit ?? 60, cursor: cursor ?? null });
      return {
        items: toHistoryItems(engine, page.items),
        nextCursor: page.nextCursor,
        total: engine.store.count(roots),
      };
    },
    'history.get': (p) => historyItemOf(engine, engine.store.getGeneration(p.id)),
    'history.pin': (p) => inTurn(() => historyItemOf(engine, engine.store.setPinned(p.id, p.pinned))),
    'history.delete': (p) =>
      inTurn(() => {
        const ids = [...(p.id !== undefined ? [p.id] : []), ...(p.ids ?? [])];
        if (!p.undoable) {
          for (const id of new Set(ids)) engine.store.deleteGeneration(id);
          return { ok: true };
        }
        const trashed = engine.store.trash(ids);
        return trashed
          ? { ok: true, undo: { deletionId: trashed.deletionId, until: trashed.until.toISOString() } }
          : { ok: true };
      }),
    'history.undoDelete': (p) => inTurn(() => ({ restored: engine.store.restoreTrash(p.deletionId) })),
    'history.regenerate': async (p) => {
      const source = engine.store.getGeneration(p.id);
      const format = p.params.format ?? source.params.format;
      const output = regenerationOutput(engine, source.inputName, settings.get().outputDir, format);
      const row = await engine.regenerate(p.id, p.params, output);
      if (row.status === 'failed') {
        throw new AtelierError(
          'INTERNAL',
          `Regenerating item ${p.id} failed: ${row.error ?? 'unknown error'}`,
          {
            hint: 'the failed attempt is in the history with its error',
          },
        );
      }
      return historyItemOf(engine, row);
    },
    'history.versions': (p) => ({ items: toHistoryItems(engine, engine.editor.records.family(p.id)) }),
    'edit.source': (p) => {
      const source = engine.editor.source(p.id);
      // The editor is opening it: its first render will find photo, mask and subject layer ready
      // (nothing is prepared for an item that cannot be re-rendered).
      engine.editor.prepareAhead(source.id);
      return source;
    },
    'edit.setStrokes': (p) =>
      edits.run(p.id, 'strokes', (work) => engine.editor.setStrokes(p.id, p.strokes, p.baseRevision, work)),
    'edit.render': async (p) => {
      // Free (no model run, no token) unless an old item's mask must be computed first.
      const r = await edits.run(p.id, 'render', (work) =>
        engine.editor.render(p.id, p.recipe, {
          ...work,
          ...(p.baseRevision !== undefined ? { baseRevision: p.baseRevision } : {}),
        }),
      );
      return { item: historyItemOf(engine, r.row), charged: r.charged, revision: r.revision };
    },
    'edit.cancel': (p) => ({ ok: true, cancelled: edits.cancel(p.id) }),
    'edit.applyToMany': async (p) => {
      const r = await engine.editor.applyToMany(p.ids, p.recipe);
      return { items: toHistoryItems(engine, r.rows), failed: r.failed };
    },
    'history.export': async (p) => {
      const result = await engine.store.exportHistory(
        path.resolve(p.path),
        undefined,
        {},
        {
          overwrite: p.overwrite,
        },
      );
      return { file: result.file, items: result.generations, bytes: result.bytes };
    },

    'account.status': () => account.status(),
    'account.signIn': (p) => account.signIn(p.keepHistory),
    'account.signOut': () => account.signOut(),
    'account.delete': () => account.deleteAccount(),
    'account.buy': (p) => account.buy(p.packId),
    'account.packs': () => account.packs(),

    'models.list': () => ({ models: models.list() }),
    'models.install': (p) => {
      models.install(p.id);
      return { ok: true };
    },
    'models.cancel': (p) => ({ ok: true, cancelled: models.cancel(p.id) }),
    'models.remove': async (p) => ({ removed: await models.remove(p.id) }),

    'settings.get': () => settings.get(),
    'settings.set': (p) => inTurn(() => settings.set(p)),

    'files.saveAs': (p) => files.saveAs(p),
    'files.reveal': (p) => {
      files.reveal(p.path);
      return { ok: true };
    },
    'files.pickFolder': async () => ({ path: await files.pickFolder() }),
    'history.exportItems': (p) => files.exportItems(p),
    'files.exportResults': (p) => files.exportResults(p, settings.get().naming),
    'batch.estimate': async (p) => estimateBatch(await account.status(), p.operation, p.count),
  };
  logs.set(table, engine.log);
  return table;
}

/**
 * Validates params, runs the handler, validates the result. Errors come back as SerializedError
 * (code, one-line message, hint), never as stack traces.
 */
export async function dispatch(
  table: HandlerTable,
  method: string,
  rawParams: unknown,
): Promise<{ ok: true; result: unknown } | { ok: false; error: ReturnType<typeof serializeError> }> {
  try {
    if (!Object.hasOwn(methods, method)) {
      throw new AtelierError('USAGE', `Unknown API method "${method}"`);
    }
    const name = method as MethodName;
    const parsed = methods[name].params.safeParse(rawParams ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || 'params';
      throw new AtelierError('USAGE', `${name}: ${field}: ${issue?.message ?? 'invalid'}`);
    }
    const handler = table[name] as (p: unknown) => unknown;
    const result = await handler(parsed.data);
    return { ok: true, result: methods[name].result.parse(result) };
  } catch (error) {
    const log = logs.get(table);
    if (log && isUnexpected(error)) return { ok: false, error: log.unexpected(error, `API ${method}`) };
    const serialized = serializeError(error);
    // A refused setting is shown to people as one plain sentence; its technical text is kept here.
    if (serialized.code === 'USAGE') log?.warn(`API ${method} refused its params`, error);
    return { ok: false, error: serialized };
  }
}

function itemEvent(engine: Engine, e: ItemEvent): EventPayload<'batch.item'> {
  if (e.stage !== 'finished') {
    return {
      batchId: e.batchId,
      itemId: e.itemId,
      input: e.input,
      stage: e.stage,
      status: 'running',
      output: null,
      generationId: null,
      error: null,
      provider: null,
      fallbackReason: null,
    };
  }
  const r = e.result;
  return {
    batchId: e.batchId,
    itemId: e.itemId,
    input: e.input,
    stage: 'finished',
    status: r.status,
    output: r.status === 'done' ? r.output : null,
    generationId: r.status === 'done' ? generationOf(engine, e.itemId) : null,
    error: r.error
      ? { code: r.error.code, message: r.error.message, ...(r.error.hint ? { hint: r.error.hint } : {}) }
      : null,
    provider: r.provider?.used ?? null,
    fallbackReason: r.provider?.fallbackReason ?? null,
  };
}

/** The history row an item's result was recorded as (written in the same transaction as its status). */
function generationOf(engine: Engine, itemId: string): number | null {
  try {
    return engine.store.batches.getItem(Number(itemId)).generationId;
  } catch {
    return null;
  }
}
