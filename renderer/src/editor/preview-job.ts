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
  takeBack,
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
  | { type: 'compose'; id: number; recipe: Recipe; withBefore: boolean; draft: boolean; maxSide?: number }
  /**
   * The buffers of a composition the editor no longer shows, transferred back: the next compositions
   * are drawn into them instead of fresh memory (whose first write costs a page fault per 4 KB).
   */
  | { type: 'return'; buffers: ArrayBuffer[] };

export type FromWorker =
  /** `beforeIsPhoto`: the "before" is the display photo itself, which the editor already has. */
  | ({ type: 'composed'; id: number; ms: number } & PreviewResult)
  | { type: 'failed'; id: number; message: string };

/** A composition as it goes back to the editor. */
export interface PreviewResult {
  preview: Composition;
  /**
   * The "before" is the display photo itself (unframed), which the editor already has: it is left
   * out (preview.before is null) rather than copied or taken from the worker.
   */
  beforeIsPhoto: boolean;
}

export class PreviewJob {
  private source: ComposeSource | null = null;
  private draft: ComposeSource | null = null;
  private cache: ComposeCache = {};
  private draftCache: ComposeCache = {};
  private picture: Rgba8 | undefined;

  /** Handles one message; a compose request returns its composition. */
  handle(message: ToWorker): PreviewResult | null {
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
      case 'return':
        takeBack(message.buffers);
        return null;
    }
  }

  private resetCaches(): void {
    invalidate(this.cache);
    this.cache = {};
    this.draftCache = {};
    this.draft = null;
  }

  private compose(recipe: Recipe, withBefore: boolean, draft: boolean, maxSide?: number): PreviewResult {
    const full = this.source;
    if (!full) throw new Error('no photo to compose: the editor sent no source');
    const source = draft ? (this.draft ??= halve(full)) : full;
    const side = maxSide ?? Math.max(full.photo.width, full.photo.height);
    const preview = composeRecipe(
      source,
      recipe,
      { maxSide: draft ? side / 2 : side, withBefore, backgroundPicture: this.picture },
      draft ? this.draftCache : this.cache,
    );
    const beforeIsPhoto = preview.before !== null && preview.before.data.buffer === source.photo.data.buffer;
    return { preview: beforeIsPhoto ? { ...preview, before: null } : preview, beforeIsPhoto };
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
