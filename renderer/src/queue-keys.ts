/**
 * The keyboard way through the Studio's queue: ↑/↓ move the viewer to the previous/next finished photo
 * (the panel follows: it always names and acts on the photo shown), Delete removes the photo shown.
 * Keys typed into a field (a preset name, a colour) are left alone.
 */
import { useEffect } from 'react';
import { api, errorText } from './api/client';
import { useStore } from './store';

/**
 * Deletes the photo shown (its root item and versions) and shows the next one. Kept in one place so
 * the undoable delete (a toast with Undo) can replace the body without touching the key handling.
 */
export async function deleteShown(): Promise<void> {
  const store = useStore.getState();
  const shown = store.selected;
  if (!shown) return;
  const rootId = shown.versionOf ?? shown.id;
  const name = shown.inputName ?? 'this photo';
  if (!window.confirm(`Delete ${name} and its versions from the history?`)) return;
  try {
    await api['history.delete']({ id: rootId });
    store.selectNext(1);
    if (useStore.getState().selectedItemId === rootId) store.selectNext(-1);
    useStore.setState((s) => ({
      queue: s.queue.filter((q) => !q.item || (q.item.versionOf ?? q.item.id) !== rootId),
      checked: s.checked.filter((id) => id !== rootId),
      ...(s.selectedItemId === rootId ? { selected: null, selectedItemId: null } : {}),
      historyVersion: s.historyVersion + 1,
    }));
    store.notify('info', `Deleted ${name}`);
  } catch (error) {
    store.notify('error', errorText(error));
  }
}

const typing = (t: EventTarget | null) => {
  const el = t as HTMLElement | null;
  return !!el && (['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) || el.isContentEditable);
};

export function useQueueKeys(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      const store = useStore.getState();
      if (store.view !== 'studio') return;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        store.selectNext(e.key === 'ArrowDown' ? 1 : -1);
      } else if (e.key === 'Delete' && store.selected) {
        e.preventDefault();
        void deleteShown();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
