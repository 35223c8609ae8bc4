/**
 * Versions that mean something (issue 19): saving an unchanged cut-out writes the version shown
 * instead of making a new one; a version is due only when the recipe or the hand edits changed.
 * Labels: "Photo" for the original, "Result 1, 2…", a stylize result named after its look; each
 * operation's own settings are checked before it runs.
 */
import { describe, expect, it, vi } from 'vitest';
import type { HistoryItem } from '../../electron/engine/api/contract';

vi.mock('./api/client', () => ({
  api: { 'settings.set': () => Promise.resolve({}) },
  errorText: (e: unknown) => String(e),
  pathForFile: (f: File) => Promise.resolve(f.name),
  copyImage: () => Promise.resolve(),
  downloadUrl: () => Promise.resolve(),
  fetchBlob: () => Promise.resolve(new Blob()),
}));

const { hasUnrenderedChanges } = await import('./results');
const { useEditor } = await import('./editor/editor-store');
const { resultKind, settingsProblem, versionLabel } = await import('./labels');

const params = {
  edges: 'soft',
  refine: true,
  feather: 0,
  decontaminate: true,
  format: 'png',
  model: 'u2netp',
  background: { type: 'color', color: { r: 0, g: 0, b: 255, a: 255 } },
};
const item = {
  id: 7,
  operation: 'cutout',
  status: 'done',
  params,
  versionOf: null,
  canRerender: true,
} as unknown as HistoryItem;

describe('a version only when the recipe or the mask changed', () => {
  it('an unchanged item is saved as it is', () => {
    expect(hasUnrenderedChanges(item, { ...params })).toBe(false);
  });
  it('a recipe change makes a version', () => {
    expect(
      hasUnrenderedChanges(item, {
        ...params,
        background: { type: 'color', color: { r: 1, g: 0, b: 0, a: 255 } },
      }),
    ).toBe(true);
  });
  it('hand edits since the item was rendered make a version; once rendered they do not', () => {
    useEditor.getState().open(7, [], 0);
    useEditor
      .getState()
      .addStroke({ mode: 'erase', edgeAware: false, size: 10, hardness: 1, points: [[1, 1]] });
    expect(hasUnrenderedChanges(item, { ...params })).toBe(true);
    useEditor.getState().markRendered();
    expect(hasUnrenderedChanges(item, { ...params })).toBe(false);
    useEditor.getState().close();
  });
});

describe('labels and each operation’s own settings', () => {
  it('Photo, then Result 1, 2…', () => {
    expect([0, 1, 2].map(versionLabel)).toEqual(['Photo', 'Result 1', 'Result 2']);
  });
  it('a stylize result carries its look’s name', () => {
    const looks = [{ id: 'fns-candy', name: 'Candy' }];
    expect(resultKind({ operation: 'stylize', model: 'fns-candy', params: {} }, looks)).toBe('Candy look');
    expect(resultKind({ operation: 'cutout', model: 'u2netp', params: {} }, looks)).toBe('Cut-out');
  });
  it('checks what an operation needs before calling, in plain words', () => {
    expect(settingsProblem('compose', { reference: '' })).toBe('Choose a reference picture first.');
    expect(settingsProblem('cutout', { background: { type: 'image', path: '' } })).toBe(
      'Choose a background picture first.',
    );
    expect(settingsProblem('stylize', { model: 'fns-candy', strength: 1 })).toBeNull();
  });
});
