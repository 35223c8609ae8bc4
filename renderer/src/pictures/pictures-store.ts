/**
 * Pictures the person brings for backgrounds and references (issue 19): picked with the file chooser
 * (Electron shows the native dialog for it) or dropped onto the panel, kept by the engine
 * (pictures.add: checked, copied into the profile), and the recent ones offered again. Browser files
 * are uploaded through the same staging route as dropped photos (pathForFile).
 */
import { create } from 'zustand';
import type { Picture } from '../../../electron/engine/api/contract';
import { api, errorText, pathForFile } from '../api/client';
import { useStore } from '../store';

interface PicturesState {
  recent: Picture[];
  /** A picture being checked and kept (its name), for the picker's "Adding…" line. */
  adding: string | null;
  load(): Promise<void>;
  /** Keeps `file` and returns it, or null (the error is shown as a notice). */
  add(file: File): Promise<Picture | null>;
}

export const usePictures = create<PicturesState>((set, get) => ({
  recent: [],
  adding: null,
  async load() {
    try {
      set({ recent: (await api['pictures.recent']({})).pictures });
    } catch (error) {
      useStore.getState().notify('error', errorText(error));
    }
  },
  async add(file) {
    set({ adding: file.name });
    try {
      const path = await pathForFile(file);
      const picture = await api['pictures.add']({ path, name: file.name });
      set({ recent: [picture, ...get().recent.filter((p) => p.path !== picture.path)].slice(0, 8) });
      return picture;
    } catch (error) {
      // The engine names the file in its message.
      useStore.getState().notify('error', errorText(error));
      return null;
    } finally {
      set({ adding: null });
    }
  },
}));

/** The kept picture a recipe names (by its path), if this account still has it. */
export function pictureAt(path: unknown): Picture | undefined {
  return typeof path === 'string' ? usePictures.getState().recent.find((p) => p.path === path) : undefined;
}
