/**
 * The UI's state (zustand): which screen, the operation and its settings, the running queue, the item
 * in the viewer, and what the engine told us (system info, settings, account). Server data is fetched
 * through the API client; nothing here is persisted except presets (localStorage).
 */
import { create } from 'zustand';
import type {
  AccountStatus,
  BatchItemEvent,
  BatchProgressEvent,
  HistoryItem,
  OperationName,
  Settings,
} from '../../electron/engine/api/contract';
import { api, errorText, pathForFile } from './api/client';

export type View = 'studio' | 'history' | 'account' | 'settings';

export interface QueueItem {
  key: string;
  input: string;
  name: string;
  status: 'uploading' | 'queued' | 'running' | 'done' | 'failed' | 'skipped' | 'cancelled';
  stage?: string;
  error?: string;
  item?: HistoryItem;
  fallbackReason?: string | null;
}

export interface Preset {
  name: string;
  operation: OperationName;
  params: Record<string, unknown>;
}

type Info = Awaited<ReturnType<(typeof api)['system.info']>>;

interface State {
  view: View;
  operation: OperationName;
  params: Record<OperationName, Record<string, unknown>>;
  presets: Preset[];
  queue: QueueItem[];
  progress: BatchProgressEvent | null;
  batchId: string | null;
  selected: HistoryItem | null;
  info: Info | null;
  settings: Settings | null;
  account: AccountStatus | null;
  notice: { kind: 'error' | 'info'; text: string } | null;
  historyVersion: number;
  setView(view: View): void;
  setOperation(op: OperationName): void;
  setParam(op: OperationName, key: string, value: unknown): void;
  savePreset(name: string): void;
  applyPreset(preset: Preset): void;
  deletePreset(name: string): void;
  select(item: HistoryItem | null): void;
  notify(kind: 'error' | 'info', text: string): void;
  load(): Promise<void>;
  addFiles(files: File[]): Promise<void>;
  startBatch(inputs: string[]): Promise<void>;
  onItem(e: BatchItemEvent): void;
  onProgress(p: BatchProgressEvent): void;
  saveSettings(changes: Partial<Settings>): Promise<void>;
  refreshAccount(): Promise<void>;
}

export const DEFAULT_PARAMS: Record<OperationName, Record<string, unknown>> = {
  cutout: { edges: 'soft', refine: true, feather: 0, decontaminate: true, format: 'png' },
  background: { background: { type: 'color', color: { r: 255, g: 255, b: 255, a: 255 } }, format: 'png' },
  stylize: { model: 'anime-facepaint', strength: 1, mode: 'full', processingSize: 2048, format: 'png' },
  compose: { reference: '', mode: 'place', strength: 0.3, style: 'sweep', format: 'png' },
};

const PRESETS_KEY = 'atelier.presets';
const readPresets = (): Preset[] => {
  try {
    return JSON.parse(localStorage.getItem(PRESETS_KEY) ?? '[]') as Preset[];
  } catch {
    return [];
  }
};

const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p;

export const useStore = create<State>((set, get) => ({
  view: 'studio',
  operation: 'cutout',
  params: structuredClone(DEFAULT_PARAMS),
  presets: readPresets(),
  queue: [],
  progress: null,
  batchId: null,
  selected: null,
  info: null,
  settings: null,
  account: null,
  notice: null,
  historyVersion: 0,

  setView: (view) => set({ view }),
  setOperation: (operation) => set({ operation }),
  setParam: (op, key, value) =>
    set((s) => ({ params: { ...s.params, [op]: { ...s.params[op], [key]: value } } })),
  savePreset(name) {
    const { operation, params } = get();
    const presets = [
      ...get().presets.filter((p) => p.name !== name),
      { name, operation, params: params[operation] },
    ];
    localStorage.setItem(PRESETS_KEY, JSON.stringify(presets));
    set({ presets });
  },
  applyPreset: (preset) =>
    set((s) => ({
      operation: preset.operation,
      params: { ...s.params, [preset.operation]: { ...preset.params } },
    })),
  deletePreset(name) {
    const presets = get().presets.filter((p) => p.name !== name);
    localStorage.setItem(PRESETS_KEY, JSON.stringify(presets));
    set({ presets });
  },
  select: (selected) => set({ selected }),
  notify: (kind, text) => set({ notice: { kind, text } }),

  async load() {
    try {
      const [info, settings, account] = await Promise.all([
        api['system.info']({}),
        api['settings.get']({}),
        api['account.status']({}),
      ]);
      set({ info, settings, account });
    } catch (error) {
      get().notify('error', errorText(error));
    }
  },

  async addFiles(files) {
    const images = files.filter((f) => f.size > 0 || f.type.startsWith('image/') || /\.\w+$/.test(f.name));
    if (images.length === 0) return;
    const placeholders: QueueItem[] = images.map((f, i) => ({
      key: `upload-${Date.now()}-${i}`,
      input: f.name,
      name: f.name,
      status: 'uploading',
    }));
    set((s) => ({ queue: [...placeholders, ...s.queue.filter((q) => q.status !== 'uploading')] }));
    const paths: string[] = [];
    for (const file of images) {
      try {
        paths.push(await pathForFile(file));
      } catch (error) {
        get().notify('error', `${file.name}: ${errorText(error)}`);
      }
    }
    set((s) => ({ queue: s.queue.filter((q) => !placeholders.includes(q)) }));
    if (paths.length) await get().startBatch(paths);
  },

  async startBatch(inputs) {
    const { operation, params } = get();
    try {
      const started = await api['batch.start']({ operation, params: params[operation], inputs });
      const queued: QueueItem[] = inputs.map((input) => ({
        key: `${started.batchId}:${input}`,
        input,
        name: baseName(input),
        status: 'queued',
      }));
      set((s) => ({ batchId: started.batchId, progress: null, queue: [...queued, ...s.queue] }));
    } catch (error) {
      get().notify('error', errorText(error));
    }
  },

  onItem(e) {
    const key = `${e.batchId}:${e.input}`;
    const update = (q: QueueItem): QueueItem =>
      q.key !== key
        ? q
        : {
            ...q,
            status: e.status === 'running' ? 'running' : e.status,
            stage: e.stage,
            ...(e.error
              ? { error: e.error.hint ? `${e.error.message} — ${e.error.hint}` : e.error.message }
              : {}),
            fallbackReason: e.fallbackReason,
          };
    set((s) => ({
      queue: s.queue.some((q) => q.key === key)
        ? s.queue.map(update)
        : [update({ key, input: e.input, name: baseName(e.input), status: 'queued' }), ...s.queue],
    }));
    if (e.status === 'done' && e.generationId) {
      void api['history.get']({ id: e.generationId }).then((item) => {
        set((s) => ({
          queue: s.queue.map((q) => (q.key === key ? { ...q, item } : q)),
          selected: s.selected ?? item,
          historyVersion: s.historyVersion + 1,
        }));
      });
    }
  },

  onProgress(p) {
    set({ progress: p });
    if (p.finished) void get().refreshAccount();
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
    } catch (error) {
      get().notify('error', errorText(error));
    }
  },
}));
