/**
 * A cut-out's composition, from the original photo and its stored (soft) mask to the final picture:
 * edges and feather, the subject layer (edge colours decontaminated), framing (as it is, trimmed, or
 * on a canvas), background, contact shadow, and the subject "over" it. The one compositor: the
 * engine calls it at full resolution (operations/cutout-compose.ts), the editor's preview worker at
 * display size, where every size in the recipe is scaled by the source's scale, so the preview is
 * the full-resolution render seen smaller.
 */
import { renderBackground, type BackgroundCache } from './backgrounds';
import { WHITE } from './color';
import { cutoutRgba } from './cutout';
import { shapeEdges } from './edges';
import { frame, place } from './geometry';
import { remember, type Memo } from './memo';
import { alphaPlane, cloneRgba, toRgba, type Placement } from './raster';
import { applyShadowPatch, combineStamps, shadowStamps, type ShadowStamps } from './shadow';
import { recycle } from './scratch';
import type { Recipe } from './specs';
import type { Pixels, Plane8, Rgba8 } from './types';

/** What a composition is made from: the photo and its mask at the same size, plus the full-res size. */
export interface ComposeSource {
  photo: Pixels;
  /** The effective mask (model + hand edits) before edges and feather. */
  mask: Plane8;
  /** Size of the full-resolution photo (equal to the photo's own size in the engine). */
  fullWidth: number;
  fullHeight: number;
}

export interface ComposeOptions {
  /** Longest side of a composed canvas (the preview's display size); none: full size (the engine). */
  maxSide?: number;
  /** Pixels of an `image` background (any size; cover-fitted). */
  backgroundPicture?: Rgba8;
  /** Also compose the original under the same framing (for the before/after compare). */
  withBefore?: boolean;
  /**
   * The subject layer made earlier (`subjectOf`) from this same photo, mask and edge recipe: not
   * made again (the engine's pool thread keeps its last one between re-renders). Never drawn into.
   */
  subject?: Subject;
}

/** The subject on its own: the finished mask (edges and feather) and the layer cut with it. */
export interface Subject {
  mask: Plane8;
  layer: Rgba8;
}

export interface Composition {
  image: Rgba8;
  /** What is behind the subject (background and shadow), null when that is transparency. */
  backdrop: Rgba8 | null;
  /** The original under the same framing; the source photo itself (same buffer) when unframed. */
  before: Rgba8 | null;
  /** Source pixels → composed pixels. */
  placement: Placement;
  /** Source pixels per full-resolution pixel. */
  sourceScale: number;
  /** Size of the full-resolution render this composition stands for. */
  outputWidth: number;
  outputHeight: number;
  /** Things that could not be shown exactly (an image background without its picture). */
  notes: string[];
}

/**
 * Memos for a source composed again and again (the preview): the finished mask and subject layer
 * (costly: decontamination), and the blurred photo. Changing only the background, shadow or canvas
 * re-runs only the cheap steps. The engine composes once and passes none.
 */
export interface ComposeCache {
  key?: unknown[];
  mask?: Plane8;
  layer?: Rgba8;
  backgrounds?: BackgroundCache;
  before?: Memo<Rgba8>;
  /** The subject layer under the framing (resampled onto a canvas), and its alpha. */
  placed?: Memo<{ image: Rgba8; alpha?: Plane8 }>;
  /** The shadow's blurred parts (all but its opacity), and the silhouette its ambient part blurs. */
  shadow?: Memo<ShadowStamps>;
  silhouette?: Memo<Plane8>;
}

/** Clears a memo after the mask's pixels were changed in place (a brush stroke). */
export function invalidate(cache: ComposeCache): void {
  cache.key = undefined;
  cache.backgrounds = undefined;
}

function subject(source: ComposeSource, recipe: Recipe, cache: ComposeCache | undefined): Subject {
  const key: unknown[] = [source.photo, source.photo.data, source.mask, source.mask.data];
  key.push(recipe.edges, recipe.feather, recipe.decontaminate);
  if (cache?.key && cache.mask && cache.layer && cache.key.every((v, i) => v === key[i]))
    return { mask: cache.mask, layer: cache.layer };
  const made = subjectOf(source, recipe);
  if (cache) Object.assign(cache, { key, ...made });
  return made;
}

/** The subject layer of `source` under the recipe's edges, feather and decontamination. */
export function subjectOf(
  source: ComposeSource,
  recipe: Pick<Recipe, 'edges' | 'feather' | 'decontaminate'>,
): Subject {
  const s = source.mask.width / source.fullWidth;
  const mask = shapeEdges(source.mask, { edges: recipe.edges, feather: recipe.feather * s });
  const layer = cutoutRgba(source.photo, mask, { decontaminate: recipe.decontaminate });
  return { mask, layer };
}

/** Composes `recipe` for `source`. Buffers in the result are new unless `cache` is absent (see below). */
export function composeRecipe(
  source: ComposeSource,
  recipe: Recipe,
  options: ComposeOptions = {},
  cache?: ComposeCache,
): Composition {
  const notes: string[] = [];
  const maxSide = options.maxSide ?? Infinity;
  const { mask, layer } = options.subject ?? subject(source, recipe, cache);
  // Buffers someone else holds (the cache's, or a subject given to reuse) are never drawn into or recycled.
  const own = !cache && !options.subject;
  const g = frame(mask, source.fullWidth, source.fullHeight, recipe, maxSide);
  const p = g.placement;
  const crop = g.crop ? [g.crop.x, g.crop.y, g.crop.width, g.crop.height] : [];
  const framing = [p.scale, p.dx, p.dy, g.width, g.height, ...crop];
  const placedMemo = remember<{ image: Rgba8; alpha?: Plane8 }>(
    cache && (cache.placed ??= {}),
    [layer, ...framing],
    () => ({ image: place(layer, g, 'clear', g.crop) }),
  );
  const placed = placedMemo.image;
  const spec = recipe.background ?? (recipe.canvas ? { type: 'color' as const, color: WHITE } : undefined);
  let image: Rgba8;
  let backdrop: Rgba8 | null = null;
  if (!spec && !recipe.shadow) {
    // The cached layer is never handed out to be drawn into (a brush stroke paints the result).
    image = cache || placed === options.subject?.layer ? cloneRgba(placed) : placed;
  } else {
    image = renderBackground(
      spec ?? { type: 'transparent' },
      g,
      {
        photo: source.photo,
        mask,
        picture: options.backgroundPicture,
        cache: cache && (cache.backgrounds ??= { blur: {}, aligned: {}, picture: {} }),
        // Nothing but the composed picture shows the background: what the subject covers is skipped.
        ...(!cache && !options.withBefore ? { hidden: placed } : {}),
      },
      notes,
    );
    if (recipe.shadow) {
      const { blur, offsetY, spread, opacity } = recipe.shadow;
      const alpha = (placedMemo.alpha ??= alphaPlane(placed));
      const stamps = remember(cache && (cache.shadow ??= {}), [alpha, blur, offsetY, spread], () =>
        shadowStamps(alpha, recipe.shadow!, cache && (cache.silhouette ??= {})),
      );
      applyShadowPatch(image.data, image.width, combineStamps(stamps, opacity));
    }
    if (options.withBefore || cache) backdrop = cloneRgba(image);
    composeOver(placed, image);
    // Without a cache nothing else holds the subject layer, its placed copy or the shaped mask: their
    // memory serves the next composition (see scratch.ts).
    if (!cache) recycle(placed === layer ? null : placed.data, placedMemo.alpha?.data);
    if (own) recycle(layer.data, mask !== source.mask ? mask.data : null);
  }
  // The original under the same framing: the same until the photo or the framing changes.
  const beforeKey = [source.photo, source.photo.data, p.scale, p.dx, p.dy, g.width, g.height];
  const framed = options.withBefore
    ? remember(cache && (cache.before ??= {}), beforeKey, () => place(toRgba(source.photo), g, 'clear'))
    : null;
  // Unframed, the "before" is the photo itself (not copied: callers never write into it).
  const before = framed && framed.data.buffer !== source.photo.data.buffer ? cloneRgba(framed) : framed;
  return {
    image,
    backdrop,
    before,
    placement: g.placement,
    sourceScale: source.mask.width / source.fullWidth,
    outputWidth: g.outputWidth,
    outputHeight: g.outputHeight,
    notes,
  };
}

/**
 * Straight-alpha Porter–Duff "over" in 8-bit sRGB of `top` onto `bottom` (same size), in place in
 * `bottom`. It stays transparent where both are.
 */
export function composeOver(top: Rgba8, bottom: Rgba8): void {
  if (top.width !== bottom.width || top.height !== bottom.height) {
    throw new Error(
      `composeOver: ${top.width}×${top.height} over ${bottom.width}×${bottom.height} differ in size`,
    );
  }
  const t = top.data;
  const b = bottom.data;
  for (let i = 0; i < t.length; i += 4) {
    const as = t[i + 3]!;
    if (as === 0) continue;
    const ab = b[i + 3]!;
    // Most pixels are fully inside the subject or over nothing: copy them.
    if (as === 255 || ab === 0) {
      b[i] = t[i]!;
      b[i + 1] = t[i + 1]!;
      b[i + 2] = t[i + 2]!;
      b[i + 3] = as;
      continue;
    }
    if (ab === 255) {
      const inv = 255 - as;
      for (let c = 0; c < 3; c++) b[i + c] = (t[i + c]! * as + b[i + c]! * inv) / 255;
      continue;
    }
    // General case: weights in 255² units; den / 255 is the output alpha.
    const wb = ab * (255 - as);
    const den = as * 255 + wb;
    for (let c = 0; c < 3; c++) b[i + c] = (t[i + c]! * as * 255 + b[i + c]! * wb) / den;
    b[i + 3] = den / 255;
  }
}
