/**
 * The keyboard way through the Studio's queue: ↑/↓ move the viewer to the previous/next finished photo
 * (the panel follows: it always names and acts on the photo shown), Delete removes the photo shown.
 * Keys typed into a field (a preset name, a colour) are left alone.
 */
import { useEffect } from 'react';
import { deleteWithUndo } from './undo';
import { useStore } from './store';

/**
 * Deletes the photo shown (its root item and versions) and shows the next one. Kept in one place so
 * key handling stays apart from the deletion (undo.ts: a toast with Undo while the engine keeps it).
 */
export async function deleteShown(): Promise<void> {
  const store = useStore.getState();
  const shown = store.selected;
  if (!shown) return;
  const rootId = shown.versionOf ?? shown.id;
  // Move on first, so the viewer shows the neighbour rather than nothing once the photo leaves.
  store.selectNext(1);
  if (useStore.getState().selectedItemId === rootId) store.selectNext(-1);
  await deleteWithUndo([rootId], shown.inputName ?? 'this photo');
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
      } else if (e.key === 'Delete' && store.selected && !e.defaultPrevented) {
        e.preventDefault();
        void deleteShown();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
