/**
 * Where the composed picture's pixels come from: the output's size and the scale + shift that maps
 * source pixels onto it, for the three framings of a cut-out (the photo as it is, trimmed to the
 * subject, or placed on a marketplace canvas). Source and output may each be at a reduced scale
 * (the preview's display size); at full resolution both scales are 1.
 */
import { subjectBounds } from './bounds';
import { TRIM_THRESHOLD } from './cutout';
import { newRgba, resampleRgba, type Placement } from './raster';
import type { CanvasSpec, Recipe } from './specs';
import type { Box, Plane8, Rgba8 } from './types';

/** Where a subject of `bounds` goes on `canvas` (pure geometry, shared with reference placement). */
export function fitToCanvas(
  bounds: { width: number; height: number },
  canvas: CanvasSpec,
): { box: Box; scale: number } {
  const margin = canvas.margin ?? 0;
  const availW = Math.max(1, canvas.width - 2 * margin);
  const availH = Math.max(1, canvas.height - 2 * margin);
  const scale = canvas.fill * Math.min(availW / bounds.width, availH / bounds.height);
  const width = Math.max(1, Math.round(bounds.width * scale));
  const height = Math.max(1, Math.round(bounds.height * scale));
  const x = Math.round((canvas.width - width) / 2);
  // Bottom alignment keeps the same gap under the subject that a height-limited subject would get.
  const y =
    canvas.align === 'bottom'
      ? Math.round(canvas.height - margin - (availH * (1 - canvas.fill)) / 2 - height)
      : Math.round((canvas.height - height) / 2);
  return { box: { x, y, width, height }, scale };
}

export interface Geometry {
  /** Source pixels → output pixels. */
  placement: Placement;
  /** Size of the composed picture (reduced when the output is). */
  width: number;
  height: number;
  /** Size of the full-resolution render it stands for. */
  outputWidth: number;
  outputHeight: number;
  /** On a canvas: the subject's bounds in source pixels, to which the subject layer is cropped. */
  crop?: Box;
}

/**
 * The framing of `recipe` for a source `sourceScale` times the full resolution whose finished mask
 * is `mask`; the output's longest side is at most `maxSide` (canvas) or follows the source.
 */
export function frame(
  mask: Plane8,
  fullWidth: number,
  fullHeight: number,
  recipe: Pick<Recipe, 'canvas' | 'trim'>,
  maxSide: number,
): Geometry {
  const s = mask.width / fullWidth;
  const identity: Geometry = {
    placement: { scale: 1, dx: 0, dy: 0 },
    width: mask.width,
    height: mask.height,
    outputWidth: fullWidth,
    outputHeight: fullHeight,
  };
  if (recipe.canvas) {
    const b = subjectBounds(mask);
    if (!b) return identity;
    const full = { x: b.x / s, y: b.y / s, width: b.width / s, height: b.height / s };
    const { box, scale } = fitToCanvas(full, recipe.canvas);
    const { width: W, height: H } = recipe.canvas;
    const out = Math.min(1, maxSide / Math.max(W, H));
    const k = (scale * out) / s;
    return {
      placement: { scale: k, dx: box.x * out - b.x * k, dy: box.y * out - b.y * k },
      width: Math.max(1, Math.round(W * out)),
      height: Math.max(1, Math.round(H * out)),
      outputWidth: W,
      outputHeight: H,
      crop: b,
    };
  }
  if (recipe.trim !== undefined) {
    const b = subjectBounds(mask, TRIM_THRESHOLD);
    if (!b) return identity;
    const pad = Math.max(0, Math.round(recipe.trim));
    const fullW = Math.round(b.width / s) + 2 * pad;
    const fullH = Math.round(b.height / s) + 2 * pad;
    return {
      placement: { scale: 1, dx: -Math.round(b.x - pad * s), dy: -Math.round(b.y - pad * s) },
      width: Math.max(1, Math.round(fullW * s)),
      height: Math.max(1, Math.round(fullH * s)),
      outputWidth: fullW,
      outputHeight: fullH,
    };
  }
  return identity;
}

/**
 * `img` under the geometry's placement, at its size: the image itself when nothing moves, a plain
 * copy for a whole-pixel shift (trim), resampled otherwise. Outside the source (or `crop` of it) is
 * transparent ('clear') or the repeated edge ('clamp').
 */
export function place(img: Rgba8, g: Geometry, outside: 'clear' | 'clamp', crop?: Box): Rgba8 {
  const p = g.placement;
  if (crop) return resampleRgba(img, p, g.width, g.height, outside, crop);
  if (unmoved(g, img)) return img;
  if (p.scale === 1 && Number.isInteger(p.dx) && Number.isInteger(p.dy) && outside === 'clear')
    return shift(img, g);
  return resampleRgba(img, p, g.width, g.height, outside);
}

/** Whether `g` leaves a source of `size` where it is (no canvas, trim or scaling: the engine's plain render). */
export function unmoved(g: Geometry, size: { width: number; height: number }): boolean {
  const p = g.placement;
  return p.scale === 1 && p.dx === 0 && p.dy === 0 && g.width === size.width && g.height === size.height;
}

/** Whole-pixel shift: a row-by-row copy, transparent where the window passes the source's edge. */
function shift(img: Rgba8, g: Geometry): Rgba8 {
  const out = newRgba(g.width, g.height);
  const { dx, dy } = g.placement;
  for (let y = 0; y < g.height; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= img.height) continue;
    // Output x maps to source x − dx.
    const x0 = Math.max(0, dx);
    const x1 = Math.min(g.width, img.width + dx);
    if (x1 <= x0) continue;
    out.data.set(
      img.data.subarray((sy * img.width + x0 - dx) * 4, (sy * img.width + x1 - dx) * 4),
      (y * g.width + x0) * 4,
    );
  }
  return out;
}
