/**
 * What the preview worker does with each message, without the worker around it (so tests and the
 * preview bench run exactly this): it keeps the item's display-size photo and mask, the picture of
 * an image background and the compositing core's memos, and composes a recipe with the core
 * (electron/engine/compose/core), the same code the engine runs at full resolution.
 */
import {
  composeRecipe,
  halvePlane,
  halveRgba,
  invalidate,
  type ComposeCache,
  type ComposeSource,
  type Composition,
  type Plane8,
  type Recipe,
  type Rgba8,
} from '../../../electron/engine/compose/core';

export type ToWorker =
  /** The item opened: its display-size photo (RGBA) and mask, and the full-resolution size. */
  | { type: 'source'; photo: Rgba8; mask: Plane8; fullWidth: number; fullHeight: number }
  /** The mask changed (a stroke, undo, redo): the new pixels, same size. */
  | { type: 'mask'; mask: Plane8 }
  /** The pixels of the image background, or null when they are not available. */
  | { type: 'picture'; picture: Rgba8 | null }
  /**
   * Compose `recipe`. `draft`: at half the display size (a quick first look for slow recipes).
   * `maxSide`: the longest side of a composed canvas (default: the photo's display size).
   */
  | { type: 'compose'; id: number; recipe: Recipe; withBefore: boolean; draft: boolean; maxSide?: number };

export type FromWorker =
  | { type: 'composed'; id: number; preview: Composition; ms: number }
  | { type: 'failed'; id: number; message: string };

export class PreviewJob {
  private source: ComposeSource | null = null;
  private draft: ComposeSource | null = null;
  private cache: ComposeCache = {};
  private draftCache: ComposeCache = {};
  private picture: Rgba8 | undefined;

  /** Handles one message; a compose request returns its composition. */
  handle(message: ToWorker): Composition | null {
    switch (message.type) {
      case 'source':
        this.source = {
          photo: { ...message.photo, channels: 4 },
          mask: message.mask,
          fullWidth: message.fullWidth,
          fullHeight: message.fullHeight,
        };
        this.resetCaches();
        return null;
      case 'mask':
        if (this.source) this.source = { ...this.source, mask: message.mask };
        this.resetCaches();
        return null;
      case 'picture':
        this.picture = message.picture ?? undefined;
        return null;
      case 'compose':
        return this.compose(message.recipe, message.withBefore, message.draft, message.maxSide);
    }
  }

  private resetCaches(): void {
    invalidate(this.cache);
    this.cache = {};
    this.draftCache = {};
    this.draft = null;
  }

  private compose(recipe: Recipe, withBefore: boolean, draft: boolean, maxSide?: number): Composition {
    const full = this.source;
    if (!full) throw new Error('no photo to compose: the editor sent no source');
    const source = draft ? (this.draft ??= halve(full)) : full;
    const side = maxSide ?? Math.max(full.photo.width, full.photo.height);
    return composeRecipe(
      source,
      recipe,
      { maxSide: draft ? side / 2 : side, withBefore, backgroundPicture: this.picture },
      draft ? this.draftCache : this.cache,
    );
  }
}

/** Half size (2×2 averages): the draft copy composed first while a slow recipe is being changed. */
function halve(source: ComposeSource): ComposeSource {
  const photo = halveRgba({ ...source.photo, data: source.photo.data as Uint8ClampedArray });
  return { ...source, photo: { ...photo, channels: 4 }, mask: halvePlane(source.mask) };
}

/** Every buffer of a composition, to hand over by transfer instead of copying. */
export function transferables(preview: Composition): ArrayBuffer[] {
  const buffers = [preview.image, preview.backdrop, preview.before]
    .filter((img): img is Rgba8 => img !== null)
    .map((img) => img.data.buffer as ArrayBuffer);
  return [...new Set(buffers)];
}
