/**
 * One item open in the editor, without the DOM: its display-size original and mask, the mask as the
 * editor opened it (the base undo rebuilds from), the brush, and the last preview. While a stroke is
 * painted only the touched rectangle is recomposed (over the backdrop cached at the stroke's start),
 * so painting stays smooth; the full recomposition (decontamination, shadow) runs when it ends.
 */
import { applyStrokes, StrokePainter, type Stroke } from './brush';
import {
  composePreview,
  invalidate,
  type Preview,
  type PreviewOptions,
  type PreviewSource,
  type SubjectCache,
} from './compose';
import { clonePlane, halvePlane, halveRgba, type Box, type Plane8, type Rgba8 } from './raster';
import type { Recipe } from './recipe';

export class EditorSession {
  readonly source: PreviewSource;
  private readonly baseMask: Plane8;
  private readonly cache: SubjectCache = {};
  private painter: StrokePainter | null = null;
  private backdrop: Uint8ClampedArray | null = null;
  preview: Preview | null = null;

  constructor(original: Rgba8, mask: Plane8, fullWidth: number, fullHeight: number) {
    this.baseMask = clonePlane(mask);
    this.source = { original, mask, fullWidth, fullHeight };
  }

  /** Display pixels per full-resolution pixel. */
  get scale(): number {
    return this.source.original.width / this.source.fullWidth;
  }

  compose(recipe: Recipe, options: PreviewOptions = {}): Preview {
    this.preview = composePreview(this.source, recipe, options, this.cache);
    return this.preview;
  }

  private draft: { source: PreviewSource; cache: SubjectCache; mask: Uint8Array } | null = null;

  /**
   * A quick first look at half the display size (a quarter of the pixels), for changes that take
   * long at full display size (a wide blur, a canvas with shadow): shown at once, replaced by the
   * full compose a moment later. Never used while painting (strokes need display-size pixels).
   */
  composeDraft(recipe: Recipe, options: PreviewOptions = {}): Preview {
    if (!this.draft || this.draft.mask !== this.source.mask.data || this.cache.key === undefined) {
      const { original, mask, fullWidth, fullHeight } = this.source;
      this.draft = {
        source: { original: halveRgba(original), mask: halvePlane(mask), fullWidth, fullHeight },
        cache: {},
        mask: mask.data,
      };
    }
    this.preview = composePreview(this.draft.source, recipe, options, this.draft.cache);
    return this.preview;
  }

  /** Rebuilds the mask from the base with `strokes` (after undo or redo). */
  setStrokes(strokes: readonly Stroke[]): void {
    const rebuilt = applyStrokes(this.baseMask, strokes, this.scale, this.source.original);
    this.source.mask.data.set(rebuilt.data);
    invalidate(this.cache);
    this.draft = null;
  }

  /**
   * Starts a stroke. The preview must have been composed with an identity geometry (the brush works
   * on the whole photo), so display-mask pixels are preview pixels.
   */
  beginStroke(stroke: Stroke): Box | null {
    const p = this.preview;
    if (!p || p.image.width !== this.source.mask.width || p.image.height !== this.source.mask.height)
      return null;
    this.painter = new StrokePainter(this.source.mask, this.scale, this.source.original);
    // The backdrop as composed (background + shadow, as of the stroke's start), or transparency.
    this.backdrop = p.backdrop?.data ?? new Uint8ClampedArray(p.image.data.length);
    return this.refresh(this.painter.begin(stroke));
  }

  extendStroke(points: [number, number][]): Box | null {
    return this.painter ? this.refresh(this.painter.extend(points)) : null;
  }

  endStroke(): Stroke | null {
    const stroke = this.painter?.end() ?? null;
    this.painter = null;
    this.backdrop = null;
    invalidate(this.cache);
    this.draft = null;
    return stroke;
  }

  /** Recomposes `box` of the preview from the live mask: the photo's colour over the backdrop. */
  private refresh(box: Box | null): Box | null {
    const p = this.preview;
    if (!box || !p || !this.backdrop) return box;
    const { width } = p.image;
    const out = p.image.data;
    const photo = this.source.original.data;
    const mask = this.source.mask.data;
    const bg = this.backdrop;
    for (let y = box.y; y < box.y + box.height; y++) {
      for (let x = box.x; x < box.x + box.width; x++) {
        const i = y * width + x;
        const o = i * 4;
        const a = mask[i]!;
        const ab = bg[o + 3]!;
        if (ab === 0) {
          out[o] = photo[o]!;
          out[o + 1] = photo[o + 1]!;
          out[o + 2] = photo[o + 2]!;
          out[o + 3] = a;
          continue;
        }
        // Straight "over" of the photo at alpha a on the backdrop pixel.
        const wb = ab * (255 - a);
        const den = a * 255 + wb;
        for (let c = 0; c < 3; c++)
          out[o + c] = den === 0 ? 0 : (photo[o + c]! * a * 255 + bg[o + c]! * wb) / den;
        out[o + 3] = den / 255;
      }
    }
    return box;
  }
}
