/**
 * The live-preview compositor: the engine's cut-out composition (electron/engine/operations/cutout.ts
 * with compose/background, canvas, shadow) redone at display size from the original and the mask,
 * so a change of background, shadow, canvas, trim, feather or edges shows in a few tens of
 * milliseconds with no model run and no queue item. Geometry follows the engine's rules exactly
 * (bounds thresholds, fit-to-canvas rounding, blur sigmas scaled to the preview), so the preview is
 * the full-resolution render seen smaller. Pure: no DOM, testable in Node.
 */
import { cutoutLayer } from './decontaminate';
import { linear, radial, solid } from './gradient';
import {
  alphaPlane,
  blurFloat,
  blurPlane,
  clonePlane,
  newRgba,
  planeBounds,
  planeToRgba,
  resampleRgba,
  SHARP_BLUR_SIGMA,
  type Box,
  type Placement,
  type Plane8,
  type Rgba8,
} from './raster';
import { WHITE, type BackgroundSpec, type CanvasSpec, type Recipe } from './recipe';
import { applyShadow, renderShadow } from './shadow';

/** What the preview is composed from: both at the same display size, plus the full-res size. */
export interface PreviewSource {
  original: Rgba8;
  /** The effective mask (model + hand edits) before edges and feather, display size. */
  mask: Plane8;
  fullWidth: number;
  fullHeight: number;
}

export interface PreviewOptions {
  /** Longest side of the composed preview (default: the source's display size). */
  maxSide?: number;
  /** Pixels of an `image:` background, when the caller has them (display size is enough). */
  backgroundPicture?: Rgba8;
  /** Also compose the original under the same geometry (for the before/after compare). */
  withBefore?: boolean;
}

export interface Preview {
  image: Rgba8;
  /** What is behind the subject (background and shadow), null when that is transparency. */
  backdrop: Rgba8 | null;
  before: Rgba8 | null;
  /** Display-source pixels → preview-output pixels. */
  placement: Placement;
  /** Display-source pixels per full-resolution pixel. */
  sourceScale: number;
  /** Size of the full-resolution render this preview stands for. */
  outputWidth: number;
  outputHeight: number;
  /** Things the preview could not show exactly (shown as a small note). */
  notes: string[];
}

/** Subject bounds as the engine measures them (compose/bounds.ts): alpha ≥ 24. */
const SUBJECT_ALPHA_THRESHOLD = 24;
/** Trim counts alpha ≥ 8 as subject (matte/cutout.ts). */
const TRIM_THRESHOLD = 8;

/** The mask after the recipe's edge settings: hard threshold at 50 %, then feather (engine order). */
export function finishMask(
  mask: Plane8,
  recipe: Pick<Recipe, 'edges' | 'feather'>,
  sourceScale: number,
): Plane8 {
  if (recipe.edges === 'soft' && recipe.feather <= 0) return mask;
  const out = clonePlane(mask);
  if (recipe.edges === 'hard')
    for (let i = 0; i < out.data.length; i++) out.data[i] = out.data[i]! >= 128 ? 255 : 0;
  if (recipe.feather > 0) blurPlane(out, recipe.feather * sourceScale);
  return out;
}

/** The engine's fitToCanvas: where a subject of `bounds` (full-res px) lands on the canvas. */
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
  const y =
    canvas.align === 'bottom'
      ? Math.round(canvas.height - margin - (availH * (1 - canvas.fill)) / 2 - height)
      : Math.round((canvas.height - height) / 2);
  return { box: { x, y, width, height }, scale };
}

interface Geometry {
  placement: Placement;
  width: number;
  height: number;
  outputWidth: number;
  outputHeight: number;
}

function geometry(source: PreviewSource, mask: Plane8, recipe: Recipe, maxSide: number): Geometry {
  const s = source.original.width / source.fullWidth;
  const identity: Geometry = {
    placement: { scale: 1, dx: 0, dy: 0 },
    width: source.original.width,
    height: source.original.height,
    outputWidth: source.fullWidth,
    outputHeight: source.fullHeight,
  };
  if (recipe.canvas) {
    const b = planeBounds(mask, SUBJECT_ALPHA_THRESHOLD);
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
    };
  }
  if (recipe.trim !== undefined) {
    const b = planeBounds(mask, TRIM_THRESHOLD);
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

function place(img: Rgba8, g: Geometry, outside: 'clear' | 'clamp'): Rgba8 {
  const p = g.placement;
  if (p.scale === 1 && p.dx === 0 && p.dy === 0 && g.width === img.width && g.height === img.height)
    return img;
  if (p.scale === 1 && Number.isInteger(p.dx) && Number.isInteger(p.dy) && outside === 'clear')
    return crop(img, g);
  return resampleRgba(img, p, g.width, g.height, outside);
}

/** Integer shift (trim): a plain copy, transparent where the window passes the photo's edge. */
function crop(img: Rgba8, g: Geometry): Rgba8 {
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

/** Side of the small copy for the blur's distant fill (engine: compose/background.ts). */
const FILL_SIDE = 96;
const FALLBACK = 0.04;

/**
 * The photo blurred behind the subject as a normalized convolution weighted by "not subject", with a
 * very wide fill where only subject was in reach (the engine's blurredPhoto, at preview size).
 */
function blurredPhoto(photo: Rgba8, mask: Plane8, sigma: number): Rgba8 {
  const { width, height } = photo;
  const n = width * height;
  const weighted = new Float32Array(n * 3);
  const weights = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const w = (255 - mask.data[i]!) / 255;
    weights[i] = w;
    for (let c = 0; c < 3; c++) weighted[i * 3 + c] = photo.data[i * 4 + c]! * w;
  }
  // Distant fill on a small copy: area-average down, blur a quarter of the frame, sample back up.
  const k = Math.min(1, FILL_SIDE / Math.max(width, height));
  const sw = Math.max(1, Math.round(width * k));
  const sh = Math.max(1, Math.round(height * k));
  const small = new Float32Array(sw * sh * 4);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(sh - 1, Math.floor((y * sh) / height));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(sw - 1, Math.floor((x * sw) / width));
      const i = y * width + x;
      const o = (sy * sw + sx) * 4;
      small[o]! += weighted[i * 3]!;
      small[o + 1]! += weighted[i * 3 + 1]!;
      small[o + 2]! += weighted[i * 3 + 2]!;
      small[o + 3]! += weights[i]!;
    }
  }
  const cellArea = (width * height) / (sw * sh);
  let mr = 0;
  let mg = 0;
  let mb = 0;
  let total = 0;
  for (let i = 0; i < sw * sh; i++) {
    for (let c = 0; c < 4; c++) small[i * 4 + c]! /= cellArea;
    mr += small[i * 4]!;
    mg += small[i * 4 + 1]!;
    mb += small[i * 4 + 2]!;
    total += small[i * 4 + 3]!;
  }
  const mean = total > 0 ? [mr / total, mg / total, mb / total] : [128, 128, 128];
  blurFloat(small, sw, sh, 4, SHARP_BLUR_SIGMA * Math.max(0.3, 0.25 * Math.max(sw, sh)));
  const far = new Float32Array(sw * sh * 3);
  for (let i = 0; i < sw * sh; i++) {
    const wt = small[i * 4 + 3]!;
    for (let c = 0; c < 3; c++)
      far[i * 3 + c] = Math.min(255, (small[i * 4 + c]! + mean[c]! * 0.01) / (wt + 0.01));
  }
  blurFloat(weighted, width, height, 3, SHARP_BLUR_SIGMA * sigma);
  blurFloat(weights, width, height, 1, SHARP_BLUR_SIGMA * sigma);
  const out = newRgba(width, height);
  for (let y = 0; y < height; y++) {
    const fy = Math.min(sh - 1, Math.max(0, ((y + 0.5) * sh) / height - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(sh - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(sw - 1, Math.max(0, ((x + 0.5) * sw) / width - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(sw - 1, x0 + 1);
      const tx = fx - x0;
      const i = y * width + x;
      const w = weights[i]!;
      for (let c = 0; c < 3; c++) {
        const top = far[(y0 * sw + x0) * 3 + c]! * (1 - tx) + far[(y0 * sw + x1) * 3 + c]! * tx;
        const bottom = far[(y1 * sw + x0) * 3 + c]! * (1 - tx) + far[(y1 * sw + x1) * 3 + c]! * tx;
        const fill = top * (1 - ty) + bottom * ty;
        out.data[i * 4 + c] = (weighted[i * 3 + c]! + fill * FALLBACK) / (w + FALLBACK);
      }
      out.data[i * 4 + 3] = 255;
    }
  }
  return out;
}

/**
 * Where the moved photo does not reach, its repeated edge pixels make streaks; they fade into a very
 * soft copy of the frame over a tenth of it (the engine's photo-align fadeStreaks).
 */
function fadeStreaks(img: Rgba8, g: Geometry, original: Rgba8): void {
  const { width, height } = img;
  const p = g.placement;
  const px0 = p.dx;
  const py0 = p.dy;
  const px1 = p.dx + original.width * p.scale - 1;
  const py1 = p.dy + original.height * p.scale - 1;
  if (px0 <= 0 && py0 <= 0 && px1 >= width - 1 && py1 >= height - 1) return;
  const side = 64;
  const k = Math.min(1, side / Math.max(width, height));
  const sw = Math.max(1, Math.round(width * k));
  const sh = Math.max(1, Math.round(height * k));
  const small = new Float32Array(sw * sh * 3);
  const count = new Float32Array(sw * sh);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(sh - 1, Math.floor((y * sh) / height));
    for (let x = 0; x < width; x++) {
      const c = sy * sw + Math.min(sw - 1, Math.floor((x * sw) / width));
      const o = (y * width + x) * 4;
      small[c * 3]! += img.data[o]!;
      small[c * 3 + 1]! += img.data[o + 1]!;
      small[c * 3 + 2]! += img.data[o + 2]!;
      count[c]! += 1;
    }
  }
  for (let c = 0; c < sw * sh; c++) for (let j = 0; j < 3; j++) small[c * 3 + j]! /= Math.max(1, count[c]!);
  blurFloat(small, sw, sh, 3, SHARP_BLUR_SIGMA * (side / 12));
  const reach = 0.1 * Math.max(width, height);
  for (let y = 0; y < height; y++) {
    const dy = Math.max(py0 - y, y - py1, 0);
    const fy = Math.min(sh - 1, Math.max(0, ((y + 0.5) * sh) / height - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(sh - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < width; x++) {
      const dx = Math.max(px0 - x, x - px1, 0);
      if (dx <= 0 && dy <= 0) continue;
      const t = Math.min(1, Math.max(dx, dy) / reach);
      const fx = Math.min(sw - 1, Math.max(0, ((x + 0.5) * sw) / width - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(sw - 1, x0 + 1);
      const tx = fx - x0;
      const o = (y * width + x) * 4;
      for (let j = 0; j < 3; j++) {
        const top = small[(y0 * sw + x0) * 3 + j]! * (1 - tx) + small[(y0 * sw + x1) * 3 + j]! * tx;
        const bottom = small[(y1 * sw + x0) * 3 + j]! * (1 - tx) + small[(y1 * sw + x1) * 3 + j]! * tx;
        img.data[o + j] = img.data[o + j]! * (1 - t) + (top * (1 - ty) + bottom * ty) * t;
      }
    }
  }
}

/** A picture scaled to cover the frame and centre-cropped (the engine's coverFit). */
function coverFit(picture: Rgba8, width: number, height: number): Rgba8 {
  const scale = Math.max(width / picture.width, height / picture.height);
  return resampleRgba(
    picture,
    { scale, dx: (width - picture.width * scale) / 2, dy: (height - picture.height * scale) / 2 },
    width,
    height,
    'clamp',
  );
}

function background(
  spec: BackgroundSpec,
  source: PreviewSource,
  mask: Plane8,
  g: Geometry,
  options: PreviewOptions,
  notes: string[],
): Rgba8 {
  switch (spec.type) {
    case 'transparent':
      return newRgba(g.width, g.height);
    case 'color':
      return solid(g.width, g.height, spec.color);
    case 'linear':
      return linear(g.width, g.height, spec.stops, spec.angle);
    case 'radial':
      return radial(g.width, g.height, spec.inner, spec.outer);
    case 'blur': {
      // The photo and its mask under the subject's own transform, so the subject covers its spot.
      const photo = place(source.original, g, 'clamp');
      if (photo !== source.original) fadeStreaks(photo, g, source.original);
      const photoMask =
        g.placement.scale === 1 && photo === source.original
          ? mask
          : alphaPlane(place(planeToRgba(mask), g, 'clear'));
      return blurredPhoto(photo, photoMask, Math.max(0.3, spec.radius * (g.width / g.outputWidth)));
    }
    case 'image':
      if (options.backgroundPicture) return coverFit(options.backgroundPicture, g.width, g.height);
      notes.push('The picture background shows after Apply.');
      return solid(g.width, g.height, { r: 200, g: 200, b: 204, a: 255 });
  }
}

/** Straight-alpha "over" of `top` onto `bottom`, in place in `bottom` (the engine's composeOver). */
export function composeOver(top: Rgba8, bottom: Rgba8): void {
  const t = top.data;
  const b = bottom.data;
  for (let i = 0; i < t.length; i += 4) {
    const as = t[i + 3]!;
    if (as === 0) continue;
    const ab = b[i + 3]!;
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
    const wb = ab * (255 - as);
    const den = as * 255 + wb;
    for (let c = 0; c < 3; c++) b[i + c] = (t[i + c]! * as * 255 + b[i + c]! * wb) / den;
    b[i + 3] = den / 255;
  }
}

/**
 * A memo for the costly part that does not depend on the background (the finished mask and the
 * decontaminated subject), so changing only the background re-runs only the cheap steps.
 */
export interface SubjectCache {
  key?: unknown[];
  mask?: Plane8;
  layer?: Rgba8;
}

function subject(source: PreviewSource, recipe: Recipe, cache: SubjectCache): { mask: Plane8; layer: Rgba8 } {
  const key = [
    source.original,
    source.mask,
    source.mask.data,
    recipe.edges,
    recipe.feather,
    recipe.decontaminate,
  ];
  if (cache.key && cache.mask && cache.layer && cache.key.every((v, i) => v === key[i]))
    return { mask: cache.mask, layer: cache.layer };
  const s = source.original.width / source.fullWidth;
  const mask = finishMask(source.mask, recipe, s);
  const layer = cutoutLayer(source.original, mask, recipe.decontaminate);
  Object.assign(cache, { key, mask, layer });
  return { mask, layer };
}

/** Clears a memo after the mask's pixels were changed in place (a brush stroke). */
export function invalidate(cache: SubjectCache): void {
  cache.key = undefined;
}

/** Composes the preview of `recipe` for `source`. */
export function composePreview(
  source: PreviewSource,
  recipe: Recipe,
  options: PreviewOptions = {},
  cache: SubjectCache = {},
): Preview {
  const notes: string[] = [];
  const maxSide = options.maxSide ?? Math.max(source.original.width, source.original.height);
  const { mask, layer } = subject(source, recipe, cache);
  const g = geometry(source, mask, recipe, maxSide);
  const placed = place(layer, g, 'clear');
  const spec = recipe.background ?? (recipe.canvas ? { type: 'color' as const, color: WHITE } : undefined);
  let image: Rgba8;
  let backdrop: Rgba8 | null = null;
  if (!spec && !recipe.shadow) {
    image =
      placed === layer
        ? { data: new Uint8ClampedArray(layer.data), width: layer.width, height: layer.height }
        : placed;
  } else {
    image = background(spec ?? { type: 'transparent' }, source, mask, g, options, notes);
    if (recipe.shadow) applyShadow(image.data, renderShadow(alphaPlane(placed), recipe.shadow));
    backdrop = { data: new Uint8ClampedArray(image.data), width: image.width, height: image.height };
    composeOver(placed, image);
  }
  const before = options.withBefore ? place(source.original, g, 'clear') : null;
  return {
    image,
    backdrop,
    before,
    placement: g.placement,
    sourceScale: source.original.width / source.fullWidth,
    outputWidth: g.outputWidth,
    outputHeight: g.outputHeight,
    notes,
  };
}
