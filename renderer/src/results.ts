/**
 * Getting results out of the Studio: Apply (a free re-render of the cut-out from its stored mask),
 * Save / Save as… (Electron: the output folder or the native dialog; a browser: a download), copy
 * to the clipboard, show in folder, and apply the settings to many photos (exporting deliverables is
 * deliverables.ts). Every failure becomes one notice; nothing here discards work (a failed save leaves the new version in History).
 */
import type { HistoryItem } from '../../electron/engine/api/contract';
import { api, copyImage, downloadUrl, errorText } from './api/client';
import { uiErrorText } from './api/ui-errors';
import { renderEdited } from './editor/apply';
import { isCancelled } from './editor/edit-progress';
import { useEditor } from './editor/editor-store';
import { settingsProblem } from './labels';
import { outputFileName } from './naming';
import { FREE_WORDS, units } from './prices';
import { saveDownloadAs } from './save-as-browser';
import { useStore } from './store';

/** Params whose change needs a new model run (a token); everything else is composition (free). */
export const MODEL_KEYS = ['model', 'refine', 'maskQuality'] as const;

/** Composition keys that are absent when off. */
const OPTIONAL_KEYS = ['background', 'shadow', 'canvas', 'trim'];

export function canRerender(item: HistoryItem | null): item is HistoryItem {
  return !!item && item.operation === 'cutout' && item.status === 'done' && item.canRerender;
}

/** The keys of `recipe` that differ from what `item` was made with, split by what they cost. */
export function changesFrom(
  item: HistoryItem,
  recipe: Record<string, unknown>,
): { model: string[]; composition: string[] } {
  // The item's params carry every default the engine filled in; only the panel's keys, and the
  // optional looks the panel can remove (no background = transparent), are compared.
  const keys = new Set([...Object.keys(recipe), ...OPTIONAL_KEYS]);
  keys.delete('provider');
  const model: string[] = [];
  const composition: string[] = [];
  for (const key of keys) {
    if (stable(recipe[key]) === stable(item.params[key])) continue;
    (MODEL_KEYS.includes(key as (typeof MODEL_KEYS)[number]) ? model : composition).push(key);
  }
  return { model, composition };
}

/** JSON with sorted keys: the engine may return an object's keys in another order than the UI sent. */
function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

const state = () => useStore.getState();
const fail = (error: unknown) => state().notify('error', errorText(error));

/** The file name a save will use: the naming setting applied to the item's original name. */
export function suggestedName(item: HistoryItem): string {
  const { settings } = state();
  const format = String(item.params.format ?? 'png');
  return outputFileName(
    settings?.naming ?? '{name}.{ext}',
    item.inputName ?? `image-${item.id}`,
    format,
    item.model ?? '',
  );
}

/**
 * Whether the shown cut-out differs from what the panel and the brush say (a new version is due):
 * a composition change, or hand edits since it was rendered. Saving never makes a version by itself.
 */
export function hasUnrenderedChanges(item: HistoryItem, recipe: Record<string, unknown>): boolean {
  if (!canRerender(item)) return false;
  const editor = useEditor.getState();
  const brushed = editor.itemId === (item.versionOf ?? item.id) && editor.maskChanged;
  return brushed || changesFrom(item, recipe).composition.length > 0;
}

/** Re-renders the selected cut-out with the panel's recipe: a new version, no model run, no token. */
export async function applyRecipe(): Promise<HistoryItem | null> {
  const { selected, recipe } = state();
  if (!canRerender(selected)) return selected;
  const problem = settingsProblem('cutout', recipe);
  if (problem) {
    state().notify('error', problem);
    return null;
  }
  try {
    const rootId = selected.versionOf ?? selected.id;
    // The editor first sends the strokes the user sees (and the revision it started from).
    const { item, charged } = await renderEdited(rootId, recipe);
    if (useEditor.getState().itemId === rootId) useEditor.getState().markRendered();
    state().replaceItem(rootId, item);
    if (charged) void state().refreshAccount();
    state().notify(
      'info',
      charged
        ? `Applied — the mask was computed once (${units(state().account, 1)})`
        : `Applied — ${FREE_WORDS}`,
    );
    return item;
  } catch (error) {
    if (isCancelled(error)) state().notify('info', 'Stopped — the item was left as it was');
    else fail(error);
    return null;
  }
}

/**
 * Save (to: outputDir) or Save as… (to: dialog): writes the version shown; only unapplied changes
 * (recipe or hand edits) make a new version first.
 */
export async function saveResult(to: 'outputDir' | 'dialog'): Promise<void> {
  const { selected, recipe } = state();
  if (!selected) return;
  const item = hasUnrenderedChanges(selected, recipe) ? await applyRecipe() : selected;
  if (!item) return;
  const name = suggestedName(item);
  try {
    const result = await api['files.saveAs']({ generationId: item.id, suggestedName: name, to });
    if ('download' in result && to === 'dialog') {
      const saved = await saveDownloadAs(result.download, name);
      if (saved) state().notify('info', `Saved ${saved}`);
    } else if ('download' in result) {
      await downloadUrl(result.download, name);
      state().notify('info', `Downloaded ${name}`);
    } else if ('saved' in result) {
      state().notify('info', `Saved ${result.saved.split(/[\\/]/).pop() ?? name}`, result.saved);
    }
  } catch (error) {
    fail(error);
  }
}

export async function copyResult(): Promise<void> {
  const { selected } = state();
  if (!selected?.outputImageId) return;
  try {
    await copyImage(selected.outputImageId);
    state().notify('info', 'Copied the image — paste it in any app');
  } catch (error) {
    fail(error);
  }
}

export async function revealFile(file: string): Promise<void> {
  try {
    await api['files.reveal']({ path: file });
  } catch (error) {
    fail(error);
  }
}

/** "Apply these settings to all / to selected": re-rendered from their masks, no model runs. */
export async function applyToMany(ids: number[]): Promise<void> {
  const { recipe } = state();
  if (ids.length === 0) return;
  const problem = settingsProblem('cutout', recipe);
  if (problem) return state().notify('error', problem);
  try {
    const { items, failed } = await api['edit.applyToMany']({ ids, recipe });
    for (const item of items) state().replaceItem(item.versionOf ?? item.id, item);
    const first = failed[0];
    if (first)
      state().notify(
        'error',
        `Applied to ${items.length} of ${ids.length}; ${failed.length} could not be re-rendered: ${uiErrorText(first)}`,
      );
    else state().notify('info', `${items.length} updated — ${FREE_WORDS}`);
  } catch (error) {
    fail(error);
  }
}
