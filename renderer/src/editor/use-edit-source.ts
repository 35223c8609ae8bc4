/**
 * Opens an item for editing: asks the engine what it has (edit.source), then loads the original and
 * mask at display size into an EditorSession. Says plainly why editing is off when it is (privacy
 * mode kept no original, the original expired, an old item without a stored mask, not a cut-out).
 */
import { useEffect, useState } from 'react';
import type { EditSource, HistoryItem } from '../../../electron/engine/api/contract';
import { api, errorText } from '../api/client';
import { loadSource } from './load-source';
import { EditorSession } from './session';
import { useEditor } from './editor-store';

export type EditState =
  | { kind: 'off' }
  | { kind: 'loading' }
  | { kind: 'blocked'; reason: string }
  | { kind: 'ready'; source: EditSource; session: EditorSession };

export function useEditSource(item: HistoryItem | null, enabled: boolean): EditState {
  const id = enabled && item && item.operation === 'cutout' && item.status === 'done' ? item.id : null;
  const [loaded, setLoaded] = useState<{ id: number; state: EditState } | null>(null);

  useEffect(() => {
    if (id === null) return;
    const abort = new AbortController();
    let session: EditorSession | null = null;
    const setState = (state: EditState) => setLoaded({ id, state });
    void (async () => {
      try {
        const source = await api['edit.source']({ id });
        if (abort.signal.aborted) return;
        if (!source.canRerender || source.originalImageId === null) {
          setState({
            kind: 'blocked',
            reason: `Touch-up and live changes are off for this item: ${
              source.rerenderBlockedReason ?? 'its original photo is not kept'
            }. The result is shown as it was saved.`,
          });
          return;
        }
        if (source.maskImageId === null) {
          setState({
            kind: 'blocked',
            reason:
              'This cut-out was made before masks were kept. Apply once to compute its mask (one model run); then you can touch it up.',
          });
          return;
        }
        const { original, mask } = await loadSource(source.originalImageId, source.maskImageId, abort.signal);
        if (abort.signal.aborted) return;
        useEditor.getState().open(source.id, source.strokes, source.revision);
        session = new EditorSession(original, mask, source.width, source.height);
        setState({ kind: 'ready', source, session });
      } catch (error) {
        if (abort.signal.aborted) return;
        setState({ kind: 'blocked', reason: `Editing is unavailable: ${errorText(error)}` });
      }
    })();
    return () => {
      abort.abort();
      // Stops the item's preview worker.
      session?.close();
      useEditor.getState().close();
    };
  }, [id]);

  if (id === null) return { kind: 'off' };
  return loaded?.id === id ? loaded.state : { kind: 'loading' };
}
