/**
 * The preload: exposes exactly the typed API (one invoke channel whose method names and params the main
 * process validates against the contract), event subscription, and webUtils.getPathForFile for
 * dropped files. Nothing else reaches the page: no ipcRenderer, no Node.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';

const INVOKE = 'atelier:invoke';
const EVENT = 'atelier:event';

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();

ipcRenderer.on(EVENT, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  if (typeof name !== 'string') return;
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

contextBridge.exposeInMainWorld('atelier', {
  invoke: (method: string, params: unknown): Promise<unknown> =>
    ipcRenderer.invoke(INVOKE, String(method), params),
  on: (event: string, listener: Listener): (() => void) => {
    const set = listeners.get(event) ?? new Set<Listener>();
    set.add(listener);
    listeners.set(event, set);
    return () => set.delete(listener);
  },
  getPathForFile: (file: File): string => webUtils.getPathForFile(file),
});
