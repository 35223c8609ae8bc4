/**
 * What the host tells the UI outside any call: menu commands (File ▸ Open Photos…, File ▸ Export
 * History…, the View menu), files opened with the app (or dropped on the dock, or passed to a second
 * instance) and a batch that stopped on an error. App.tsx mounts `useAppEvents()` once.
 */
import { useEffect } from 'react';
import type { AppCommand } from '../../electron/engine/api/contract';
import { api } from './api/client';
import { useStore, type View } from './store';

const VIEW_OF: Partial<Record<AppCommand, View>> = {
  'go:studio': 'studio',
  'go:history': 'history',
  'go:account': 'account',
  'go:settings': 'settings',
};

/** After the next paint, so a view switched to just now has rendered its controls. */
const afterRender = (run: () => void) => requestAnimationFrame(() => requestAnimationFrame(run));

export function runCommand(command: AppCommand): void {
  const store = useStore.getState();
  const view = VIEW_OF[command];
  if (view) return store.setView(view);
  if (command === 'open') {
    store.setView('studio');
    afterRender(() => document.querySelector<HTMLInputElement>('[data-testid="file-input"]')?.click());
    return;
  }
  // export-history: the History page's export field, focused.
  store.setView('history');
  afterRender(() => document.querySelector<HTMLInputElement>('[aria-label="Export to"]')?.focus());
}

/** Files and folders by path (never bytes): the store expands folders through files.expand and queues them. */
export async function queuePaths(paths: string[]): Promise<void> {
  useStore.getState().setView('studio');
  await useStore.getState().startBatch(paths);
}

export function useAppEvents(): void {
  useEffect(() => {
    const offs = [
      api.on('app.command', (e) => runCommand(e.command)),
      api.on('app.openFiles', (e) => void queuePaths(e.paths)),
      api.on('batch.failed', (e) => {
        useStore.setState((s) => ({
          progress: s.progress?.batchId === e.batchId ? { ...s.progress, finished: true } : s.progress,
          queue: s.queue.map((q) =>
            q.key.startsWith(`${e.batchId}:`) && (q.status === 'queued' || q.status === 'running')
              ? { ...q, status: 'failed', error: e.error.message }
              : q,
          ),
        }));
        const { message, hint } = e.error;
        useStore.getState().notify('error', `The batch stopped: ${message}${hint ? ` — ${hint}` : ''}`);
      }),
    ];
    return () => offs.forEach((off) => off());
  }, []);
}
