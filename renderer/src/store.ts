/**
 * The UI's state (zustand): which screen, the operation and its settings (the cut-out's are the
 * editor's `recipe`), the running queue, the item in the viewer, and what the engine told us (system
 * info, settings, account). The Studio's settings and presets are kept in the engine's settings
 * (settings.studio), not in the browser, so they survive restarts of the app and of `atelier serve`.
 * Saving, copying and applying results live in results.ts.
 */
import { create } from 'zustand';
import type {
  AccountStatus,
  BatchItemEvent,
  BatchProgressEvent,
  HistoryItem,
  MethodResult,
  OperationName,
  Settings,
} from '../../electron/engine/api/contract';
import { api, errorText, pathForFile } from './api/client';
import { uiErrorText } from './api/ui-errors';
import { settingsProblem } from './labels';
import { shouldConfirm } from './prices';

export type View = 'studio' | 'history' | 'account' | 'settings' | 'privacy';

export type QueueStatus =
  | 'uploading'
  | 'queued'
  | 'running'
  | 'done'
  | 'failed'
  | 'skipped'
  | 'cancelled'
  /** Stopped by the token gate (no tokens / free generations left): resumable after a purchase. */
  | 'out-of-tokens';

export interface QueueItem {
  key: string;
  batchId: string | null;
  input: string;
  name: string;
  /** Where the file came from, to tell identical names apart (its folder, or the dropped folder path). */
  folder: string | null;
  status: QueueStatus;
  /** What this row makes when it is not the photo's first operation ("Candy look" after a cut-out). */
  kind?: string;
  stage?: string;
  error?: string;
  item?: HistoryItem;
}

export interface Preset {
  name: string;
  operation: OperationName;
  params: Record<string, unknown>;
}

export type Estimate = MethodResult<'batch.estimate'>;

/** A batch waiting for the user because the account cannot pay for all of it. */
export interface TokenCheck {
  inputs: string[];
  estimate: Estimate;
  /** Resuming a stopped batch rather than starting a new one. */
  resumeBatchId?: string;
}

type Info = Awaited<ReturnType<(typeof api)['system.info']>>;

interface State {
  view: View;
  operation: OperationName;
  params: Record<OperationName, Record<string, unknown>>;
  presets: Preset[];
  queue: QueueItem[];
  queueFilter: 'all' | 'failed';
  /** History ids ticked in the queue ("apply to selected", export selected). */
  checked: number[];
  progress: BatchProgressEvent | null;
  batchId: string | null;
  /** Batches the token gate stopped. */
  outOfTokens: string[];
  /** Why the GPU was not used, shown once above the queue. */
  fallbackReason: string | null;
  lastEstimate: Estimate | null;
  tokenCheck: TokenCheck | null;
  selected: HistoryItem | null;
  /** The id of the history item in the viewer/editor (its root item when a version is shown), or null. */
  selectedItemId: number | null;
  /**
   * The queue row the person just dropped or opened (the first of a batch): the viewer shows it (its
   * progress until its result arrives, then the result), so the panel never acts on an older photo.
   */
  openingKey: string | null;
  /** Batches this window started: another window's batch never takes over this window's viewer. */
  ownBatches: string[];
  /**
   * The cut-out composition being edited (background, shadow, canvas, trim, feather, edges, format…):
   * the same object as params.cutout, kept in step by setParam('cutout', …) and setRecipe.
   */
  recipe: Record<string, unknown>;
  info: Info | null;
  settings: Settings | null;
  account: AccountStatus | null;
  notice: { kind: 'error' | 'info'; text: string; file?: string } | null;
  /** A checkout is open in the browser: the balance is refreshed until it is credited. */
  checkoutOpen: boolean;
  historyVersion: number;
  setView(view: View): void;
  setOperation(op: OperationName): void;
  setParam(op: OperationName, key: string, value: unknown): void;
  /** Merges into the recipe; a key set to undefined is removed (e.g. no background = transparent). */
  setRecipe(partial: Record<string, unknown>): void;
  savePreset(name: string): void;
  applyPreset(preset: Preset): void;
  deletePreset(name: string): void;
  /** Shows `item` in the viewer; a cut-out's own recipe comes into the panel (it is what Save writes). */
  select(item: HistoryItem | null): void;
  /** ↑/↓ through the queue's finished rows. */
  selectNext(step: 1 | -1): void;
  /** Opens a history item in the Studio with its own settings in the panel (regenerate / re-render). */
  openItem(item: HistoryItem): void;
  notify(kind: 'error' | 'info', text: string, file?: string): void;
  load(): Promise<void>;
  addFiles(files: File[]): Promise<void>;
  startBatch(inputs: string[], options?: { force?: boolean }): Promise<void>;
  resumeBatch(batchId: string, options?: { force?: boolean }): Promise<void>;
  recheckTokens(): Promise<void>;
  /**
   * Runs the panel's operation on `item`'s result (cut out → stylize, stylize → cut out, cut out →
   * reference) with that operation's own settings; the new result opens when it is done.
   */
  chain(item: HistoryItem, kind: string): Promise<void>;
  onItem(e: BatchItemEvent): void;
  onProgress(p: BatchProgressEvent): void;
  setQueueFilter(filter: 'all' | 'failed'): void;
  clearQueue(): void;
  toggleChecked(id: number): void;
  /** Replaces a history item wherever it is shown (a new version after a re-render). */
  replaceItem(rootId: number, item: HistoryItem): void;
  saveSettings(changes: Partial<Settings>): Promise<void>;
  refreshAccount(): Promise<void>;
}

export const DEFAULT_PARAMS: Record<OperationName, Record<string, unknown>> = {
  cutout: { edges: 'soft', refine: true, feather: 0, decontaminate: true, format: 'png' },
  background: { background: { type: 'color', color: { r: 255, g: 255, b: 255, a: 255 } }, format: 'png' },
  stylize: { model: 'anime-facepaint', strength: 1, mode: 'full', processingSize: 2048, format: 'png' },
  compose: { reference: '', mode: 'place', strength: 0.3, style: 'sweep', format: 'png' },
};

/** Operations the panel offers (New background is part of Cut out: background, shadow, canvas). */
export const PANEL_OPERATIONS: OperationName[] = ['cutout', 'stylize', 'compose'];

const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p;
const parentName = (p: string) => p.split(/[\\/]/).slice(-2, -1)[0] ?? null;
/** A browser upload's staged path → the name and folder the person dropped it from. */
const uploads = new Map<string, { name: string; folder: string | null }>();
const labelOf = (input: string) =>
  uploads.get(input) ?? {
    name: baseName(input),
    folder: inElectronPath(input) ? parentName(input) : null,
  };
/** Staged browser uploads live in the profile's staging/<uuid>/ folder: that folder means nothing. */
const inElectronPath = (input: string) => !/[\\/]staging[\\/][0-9a-f-]{36}[\\/]/.test(input);

const rootOf = (item: HistoryItem) => item.versionOf ?? item.id;

let persistTimer: ReturnType<typeof setTimeout> | undefined;

export const useStore = create<State>((set, get) => {
  /** Writes the Studio's state to the engine's settings, debounced (sliders fire many changes). */
  const persist = () => {
    clearTimeout(persistTimer);
    persistTimer = setTimeout(() => {
      const { operation, params, presets } = get();
      void api['settings.set']({ studio: { operation, params, presets } }).catch(() => undefined);
    }, 400);
  };

  const markStopped = (batchId: string, status: 'cancelled' | 'out-of-tokens') =>
    set((s) => ({
      queue: s.queue.map((q) =>
        q.batchId === batchId && (q.status === 'queued' || q.status === 'cancelled' || q.status === 'running')
          ? { ...q, status }
          : q,
      ),
    }));

  return {
    view: 'studio',
    operation: 'cutout',
    params: structuredClone(DEFAULT_PARAMS),
    presets: [],
    queue: [],
    queueFilter: 'all',
    checked: [],
    progress: null,
    batchId: null,
    outOfTokens: [],
    fallbackReason: null,
    lastEstimate: null,
    tokenCheck: null,
    selected: null,
    selectedItemId: null,
    openingKey: null,
    ownBatches: [],
    recipe: structuredClone(DEFAULT_PARAMS.cutout),
    info: null,
    settings: null,
    account: null,
    notice: null,
    checkoutOpen: false,
    historyVersion: 0,

    setView: (view) => set({ view }),
    setOperation(operation) {
      set({ operation });
      persist();
    },
    setParam(op, key, value) {
      if (op === 'cutout') return get().setRecipe({ [key]: value });
      set((s) => ({ params: { ...s.params, [op]: { ...s.params[op], [key]: value } } }));
      persist();
    },
    setRecipe(partial) {
      const recipe = { ...get().recipe, ...partial };
      for (const [key, value] of Object.entries(partial)) if (value === undefined) delete recipe[key];
      set((s) => ({ recipe, params: { ...s.params, cutout: recipe } }));
      persist();
    },
    savePreset(name) {
      const { operation, params } = get();
      set({
        presets: [
          ...get().presets.filter((p) => p.name !== name),
          { name, operation, params: params[operation] },
        ],
      });
      persist();
    },
    applyPreset(preset) {
      set((s) => ({
        operation: preset.operation,
        params: { ...s.params, [preset.operation]: { ...preset.params } },
        ...(preset.operation === 'cutout' ? { recipe: { ...preset.params } } : {}),
      }));
      persist();
    },
    deletePreset(name) {
      set({ presets: get().presets.filter((p) => p.name !== name) });
      persist();
    },
    select(selected) {
      set((s) => ({
        selected,
        selectedItemId: selected ? rootOf(selected) : null,
        openingKey: null,
        ...(selected ? recipeOf(selected, s.params) : {}),
      }));
    },
    selectNext(step) {
      const { queue, selectedItemId } = get();
      const rows = queue.filter((q) => q.item && q.item.status === 'done');
      if (rows.length === 0) return;
      const at = rows.findIndex((q) => rootOf(q.item!) === selectedItemId);
      const next = rows[at === -1 ? 0 : Math.min(rows.length - 1, Math.max(0, at + step))];
      if (next?.item && rootOf(next.item) !== selectedItemId) get().select(next.item);
    },
    openItem(item) {
      const operation = (
        PANEL_OPERATIONS.includes(item.operation as OperationName) ? item.operation : 'cutout'
      ) as OperationName;
      const params = { ...DEFAULT_PARAMS[operation], ...withoutRunParams(item.params) };
      set((s) => ({
        view: 'studio',
        operation,
        params: { ...s.params, [operation]: params },
        ...(operation === 'cutout' ? { recipe: params } : {}),
        selected: item,
        selectedItemId: rootOf(item),
        openingKey: null,
        queue: s.queue.some((q) => q.item && rootOf(q.item) === rootOf(item))
          ? s.queue
          : [
              {
                key: `history:${item.id}`,
                batchId: item.batchId,
                input: item.inputName ?? `#${item.id}`,
                name: item.inputName ?? `#${item.id}`,
                folder: null,
                status: item.status,
                item,
              },
              ...s.queue,
            ],
      }));
      persist();
    },
    notify: (kind, text, file) => set({ notice: { kind, text, ...(file ? { file } : {}) } }),

    async load() {
      try {
        const [info, settings, account] = await Promise.all([
          api['system.info']({}),
          api['settings.get']({}),
          api['account.status']({}),
        ]);
        set({ info, settings, account, ...studioFrom(settings.studio) });
      } catch (error) {
        get().notify('error', errorText(error));
      }
    },

    async addFiles(files) {
      const images = files.filter((f) => f.size > 0 || f.type.startsWith('image/') || /\.\w+$/.test(f.name));
      if (images.length === 0) return;
      const placeholders: QueueItem[] = images.map((f, i) => ({
        key: `upload-${Date.now()}-${i}`,
        batchId: null,
        input: f.name,
        name: f.name,
        folder: null,
        status: 'uploading',
      }));
      set((s) => ({ queue: [...placeholders, ...s.queue.filter((q) => q.status !== 'uploading')] }));
      const paths: string[] = [];
      for (const file of images) {
        try {
          const staged = await pathForFile(file);
          const relative = file.webkitRelativePath;
          if (staged !== file.name)
            uploads.set(staged, { name: file.name, folder: relative ? parentName(relative) : null });
          paths.push(staged);
        } catch (error) {
          get().notify('error', `${file.name}: ${errorText(error)}`);
        }
      }
      set((s) => ({ queue: s.queue.filter((q) => !placeholders.includes(q)) }));
      if (paths.length) await get().startBatch(paths);
    },

    async startBatch(paths, options = {}) {
      const { operation, params } = get();
      try {
        // Dropped or opened folders become their image files first, so each file has its own queue row.
        const { files: inputs, rejected } = await api['files.expand']({ paths, recursive: true });
        if (rejected.length)
          get().notify('error', rejected.map((r) => `${baseName(r.path)}: ${r.message}`).join('; '));
        if (inputs.length === 0) return;
        const estimate = await api['batch.estimate']({
          operation,
          params: params[operation],
          count: inputs.length,
        });
        set({ lastEstimate: estimate });
        // Short of tokens, or more than one to spend: the person sees the cost first (TokenCheck).
        if ((!estimate.enough || shouldConfirm(get().settings, estimate)) && !options.force) {
          set({ tokenCheck: { inputs, estimate } });
          return;
        }
        set({ tokenCheck: null });
        const started = await api['batch.start']({ operation, params: params[operation], inputs });
        const queued: QueueItem[] = inputs.map((input) => ({
          key: `${started.batchId}:${input}`,
          batchId: started.batchId,
          input,
          ...labelOf(input),
          status: 'queued',
        }));
        // The newest drop is what the person looks at now: its first photo opens as soon as it is done.
        set((s) => ({
          batchId: started.batchId,
          progress: null,
          queue: [...queued, ...s.queue],
          checked: [],
          ownBatches: [...s.ownBatches, started.batchId],
          openingKey: queued[0]?.key ?? null,
          selected: null,
          selectedItemId: null,
        }));
      } catch (error) {
        get().notify('error', errorText(error));
      }
    },

    async resumeBatch(batchId, options = {}) {
      const { operation, params, queue } = get();
      const waiting = queue.filter(
        (q) => q.batchId === batchId && (q.status === 'cancelled' || q.status === 'out-of-tokens'),
      );
      try {
        const estimate = await api['batch.estimate']({
          operation,
          params: params[operation],
          count: waiting.length,
        });
        if ((!estimate.enough || shouldConfirm(get().settings, estimate)) && !options.force) {
          set({ tokenCheck: { inputs: waiting.map((q) => q.input), estimate, resumeBatchId: batchId } });
          return;
        }
        set((s) => ({
          tokenCheck: null,
          outOfTokens: s.outOfTokens.filter((b) => b !== batchId),
          batchId,
          queue: s.queue.map((q) => (waiting.includes(q) ? { ...q, status: 'queued', error: undefined } : q)),
        }));
        await api['batch.resume']({ batchId });
      } catch (error) {
        get().notify('error', errorText(error));
      }
    },

    async recheckTokens() {
      const check = get().tokenCheck;
      if (!check) return;
      try {
        const estimate = await api['batch.estimate']({
          operation: get().operation,
          params: get().params[get().operation],
          count: check.inputs.length,
        });
        set({ tokenCheck: { ...check, estimate } });
      } catch {
        // the banner keeps the last figures
      }
    },

    async chain(item, kind) {
      const { operation, params } = get();
      const own = params[operation];
      const problem = settingsProblem(operation, own);
      if (problem) return get().notify('error', problem);
      try {
        const estimate = await api['batch.estimate']({ operation, params: own, count: 1 });
        if (!estimate.enough) {
          set({ lastEstimate: estimate });
          return get().notify(
            'error',
            estimate.balance === null
              ? 'No free generations left today — sign in or buy tokens from Account'
              : 'Not enough tokens for this — buy tokens from Account',
          );
        }
        const started = await api['history.chain']({ id: item.id, operation, params: own });
        const name = item.inputName ?? `#${item.id}`;
        uploads.set(started.input, { name, folder: null });
        const row: QueueItem = {
          key: `${started.batchId}:${started.input}`,
          batchId: started.batchId,
          input: started.input,
          name,
          folder: null,
          kind,
          status: 'queued',
        };
        set((s) => ({
          batchId: started.batchId,
          progress: null,
          lastEstimate: estimate,
          queue: [row, ...s.queue],
          ownBatches: [...s.ownBatches, started.batchId],
          openingKey: row.key,
          selected: null,
          selectedItemId: null,
        }));
      } catch (error) {
        get().notify('error', errorText(error));
      }
    },

    onItem(e) {
      const key = `${e.batchId}:${e.input}`;
      const stoppedByGate = e.status === 'cancelled' && e.error?.code === 'INSUFFICIENT_TOKENS';
      if (stoppedByGate && !get().outOfTokens.includes(e.batchId))
        set((s) => ({ outOfTokens: [...s.outOfTokens, e.batchId] }));
      const outOfTokens = get().outOfTokens.includes(e.batchId);
      const status: QueueStatus =
        e.status === 'cancelled' && outOfTokens
          ? 'out-of-tokens'
          : e.status === 'running'
            ? 'running'
            : e.status;
      const update = (q: QueueItem): QueueItem =>
        q.key !== key
          ? q
          : {
              ...q,
              status,
              stage: e.stage,
              ...(e.error && e.status === 'failed' ? { error: uiErrorText(e.error) } : {}),
            };
      set((s) => ({
        fallbackReason: s.fallbackReason ?? e.fallbackReason,
        queue: s.queue.some((q) => q.key === key)
          ? s.queue.map(update)
          : [
              update({ key, batchId: e.batchId, input: e.input, ...labelOf(e.input), status: 'queued' }),
              ...s.queue,
            ],
      }));
      if (stoppedByGate) markStopped(e.batchId, 'out-of-tokens');
      // The photo being opened failed: the viewer says so (its row's error) instead of waiting forever.
      if (e.status === 'failed' && get().openingKey === key) set({ openingKey: null });
      if (e.status === 'done' && e.generationId) {
        void api['history.get']({ id: e.generationId }).then(
          (item) => {
            set((s) => ({
              queue: s.queue.map((q) => (q.key === key ? { ...q, item } : q)),
              historyVersion: s.historyVersion + 1,
            }));
            if (opensNow(get(), key, e.batchId)) get().select(item);
          },
          (error: unknown) => get().notify('error', errorText(error)),
        );
      }
    },

    onProgress(p) {
      set({ progress: p });
      if (p.finished) {
        // Items a stopped batch never reached are waiting, not lost: they resume with the batch.
        markStopped(p.batchId, get().outOfTokens.includes(p.batchId) ? 'out-of-tokens' : 'cancelled');
        void get().refreshAccount();
      }
    },

    setQueueFilter: (queueFilter) => set({ queueFilter }),
    clearQueue: () =>
      set((s) => ({
        queue: s.queue.filter(
          (q) => q.status === 'queued' || q.status === 'running' || q.status === 'uploading',
        ),
        checked: [],
        queueFilter: 'all',
      })),
    toggleChecked: (id) =>
      set((s) => ({
        checked: s.checked.includes(id) ? s.checked.filter((c) => c !== id) : [...s.checked, id],
      })),
    replaceItem(rootId, item) {
      set((s) => ({
        queue: s.queue.map((q) => (q.item && rootOf(q.item) === rootId ? { ...q, item } : q)),
        selected: s.selected && rootOf(s.selected) === rootId ? item : s.selected,
        historyVersion: s.historyVersion + 1,
      }));
    },

    async saveSettings(changes) {
      try {
        set({ settings: await api['settings.set'](changes) });
      } catch (error) {
        get().notify('error', errorText(error));
      }
    },

    async refreshAccount() {
      try {
        set({ account: await api['account.status']({}) });
        void get().recheckTokens();
      } catch (error) {
        get().notify('error', errorText(error));
      }
    },
  };
});

/**
 * Whether a finished row opens in the viewer: the row the person just dropped, or — with nothing shown
 * and nothing being opened — any row of a batch this window started. Never another window's batch.
 */
function opensNow(s: State, key: string, batchId: string): boolean {
  if (s.openingKey !== null) return s.openingKey === key;
  return s.selected === null && s.ownBatches.includes(batchId);
}

/** A cut-out's own recipe for the panel (the panel shows what the item was made with). */
function recipeOf(
  item: HistoryItem,
  params: Record<OperationName, Record<string, unknown>>,
): Pick<State, 'recipe' | 'params'> | Record<string, never> {
  if (item.operation !== 'cutout' || item.status !== 'done') return {};
  const recipe = { ...DEFAULT_PARAMS.cutout, ...withoutRunParams(item.params) };
  return { recipe, params: { ...params, cutout: recipe } };
}

/** The editor contract's name for the same store (EDITOR-CONTRACT.md). */
export const useStudio = useStore;

/** The Studio's saved state, checked field by field: an older or damaged value falls back to defaults. */
function studioFrom(studio: Record<string, unknown>): Partial<State> {
  const out: Partial<State> = {};
  const operation = studio.operation as OperationName | undefined;
  if (operation && PANEL_OPERATIONS.includes(operation)) out.operation = operation;
  const saved = studio.params as Partial<Record<OperationName, Record<string, unknown>>> | undefined;
  if (saved && typeof saved === 'object') {
    const params = structuredClone(DEFAULT_PARAMS);
    for (const op of Object.keys(params) as OperationName[]) {
      const value = saved[op];
      if (value && typeof value === 'object') params[op] = { ...params[op], ...value };
    }
    out.params = params;
    out.recipe = params.cutout;
  }
  if (Array.isArray(studio.presets)) out.presets = studio.presets as Preset[];
  return out;
}

/** An item's params minus what belongs to the run, not the look (the provider it ran on). */
function withoutRunParams(params: Record<string, unknown>): Record<string, unknown> {
  const { provider: _provider, ...rest } = params;
  return rest;
}
