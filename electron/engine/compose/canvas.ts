/**
 * Marketplace canvases: the subject cropped to its bounds, scaled so its bounding box fills a set
 * fraction of the canvas, placed, shadowed and put on a background.
 */
import { AtelierError } from '../errors';
import type { Mask, RawImage } from '../imaging/raw';
import { composeOver, renderBackground, type BackgroundSpec } from './background';
import { subjectBounds, type Box } from './bounds';
import { WHITE } from './color';
import { applyShadow, renderShadow, type ShadowSpec } from './shadow';
import { alignWithSubject } from './photo-align';
import { rawFromSharp, sharpFromRaw, toRgba } from './sharp-raw';

export interface CanvasSpec {
  width: number;
  height: number;
  /** Fraction of the canvas (inside the margin) the subject's bounding box fills on its limiting side. */
  fill: number;
  align: 'center' | 'bottom';
  /** Pixels kept clear on every side before `fill` applies. */
  margin?: number;
}

export interface CanvasPreset {
  canvas: CanvasSpec;
  background: BackgroundSpec;
  /** Where the numbers come from, shown in help and the UI. */
  note: string;
}

const white: BackgroundSpec = { type: 'color', color: WHITE };

/**
 * Sizes from the marketplaces' published guidance (checked 2026): Amazon's main image is pure
 * white (255,255,255) with the product filling ≥ 85 % of the frame, 1600–2000 px for zoom;
 * Etsy recommends 2700×2025 (4:3, ≥ 2000 px); Shopify recommends 2048×2048 squares; Instagram
 * portrait posts are 1080×1350 (4:5); stories are 1080×1920 with the top ~250 px and bottom
 * ~340 px under the app's controls, hence the smaller fill there.
 */
export const CANVAS_PRESETS = {
  'square-2000': {
    canvas: { width: 2000, height: 2000, fill: 0.85, align: 'center' },
    background: white,
    note: '2000×2000, white, 85 % fill',
  },
  amazon: {
    canvas: { width: 2000, height: 2000, fill: 0.85, align: 'center' },
    background: white,
    note: 'Amazon main image: 2000×2000, pure white, product ≥ 85 % of the frame',
  },
  etsy: {
    canvas: { width: 2700, height: 2025, fill: 0.8, align: 'center' },
    background: white,
    note: 'Etsy listing: 2700×2025 (4:3)',
  },
  shopify: {
    canvas: { width: 2048, height: 2048, fill: 0.85, align: 'center' },
    background: white,
    note: 'Shopify product: 2048×2048 square',
  },
  'instagram-portrait': {
    canvas: { width: 1080, height: 1350, fill: 0.8, align: 'center' },
    background: white,
    note: 'Instagram portrait post: 1080×1350 (4:5)',
  },
  story: {
    canvas: { width: 1080, height: 1920, fill: 0.62, align: 'center' },
    background: white,
    note: 'Story: 1080×1920, subject kept clear of the top and bottom controls',
  },
} satisfies Record<string, CanvasPreset>;

export type CanvasPresetName = keyof typeof CANVAS_PRESETS;

export interface Placement {
  /** Where the subject's bounding box landed on the canvas. */
  box: Box;
  /** Source-to-canvas scale factor. */
  scale: number;
}

/** Where a subject of `bounds` goes on `canvas` (pure geometry, shared with reference placement). */
export function fitToCanvas(bounds: { width: number; height: number }, canvas: CanvasSpec): Placement {
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

export interface PlacedSubject {
  /** The subject on a transparent canvas-size layer (RGBA). */
  layer: RawImage;
  /** Its alpha, canvas-size. */
  mask: Mask;
}

/** Crops `subject` to its mask's bounds, scales it into `box` and lays it on a `width`×`height` layer. */
export async function placeSubject(
  subject: RawImage,
  mask: Mask,
  bounds: Box,
  box: Box,
  width: number,
  height: number,
): Promise<PlacedSubject> {
  const rgba = withAlpha(subject, mask);
  const scaled = await rawFromSharp(
    sharpFromRaw(rgba)
      .extract({ left: bounds.x, top: bounds.y, width: bounds.width, height: bounds.height })
      .resize(box.width, box.height, { fit: 'fill', kernel: 'lanczos3' }),
  );
  const layer = Buffer.alloc(width * height * 4);
  const placedMask = new Uint8Array(width * height);
  // Row by row, clipped to the canvas (a box may hang over an edge).
  const x0 = Math.max(0, box.x);
  const x1 = Math.min(width, box.x + box.width);
  for (let y = 0; y < box.height && x1 > x0; y++) {
    const cy = box.y + y;
    if (cy < 0 || cy >= height) continue;
    const s = (y * box.width + (x0 - box.x)) * 4;
    scaled.data.copy(layer, (cy * width + x0) * 4, s, s + (x1 - x0) * 4);
    for (let x = x0; x < x1; x++) placedMask[cy * width + x] = scaled.data[s + (x - x0) * 4 + 3] ?? 0;
  }
  return { layer: { data: layer, width, height, channels: 4 }, mask: { data: placedMask, width, height } };
}

/**
 * The subject on a canvas: crop to its bounds, scale to `canvas.fill`, place, optional contact
 * shadow, then the background. `original` is needed only for a 'blur' background.
 */
export async function placeOnCanvas(
  subject: RawImage,
  mask: Mask,
  canvas: CanvasSpec,
  background: BackgroundSpec,
  shadow?: ShadowSpec,
  original?: RawImage,
): Promise<RawImage> {
  const bounds = requireBounds(mask);
  const { box, scale } = fitToCanvas(bounds, canvas);
  const placed = await placeSubject(subject, mask, bounds, box, canvas.width, canvas.height);
  // A blurred photo is moved and scaled with the subject, so the subject covers its own spot and the
  // blur keeps the photo's perspective, instead of a reframed copy with a ghost of the subject.
  // The mask goes through the same transform, so the subject's own pixels are left out of the blur.
  const aligned = background.type === 'blur' && original;
  const align = (img: RawImage) => alignWithSubject(img, bounds, box, scale, canvas.width, canvas.height);
  const photo = aligned ? await align(original) : original;
  const photoMask = aligned
    ? await align({ data: Buffer.from(mask.data), width: mask.width, height: mask.height, channels: 1 })
    : null;
  let backdrop = await renderBackground(
    background,
    canvas.width,
    canvas.height,
    photo,
    photoMask ? { data: photoMask.data, width: photoMask.width, height: photoMask.height } : mask,
  );
  if (shadow) backdrop = applyShadow(backdrop, await renderShadow(placed.mask, shadow));
  return composeOver(placed.layer, backdrop);
}

export function requireBounds(mask: Mask): Box {
  const bounds = subjectBounds(mask);
  if (!bounds) {
    throw new AtelierError('USAGE', 'the mask is empty: no subject was found to place', {
      hint: 'check the cut-out (try another model or a photo with a clearer subject)',
    });
  }
  return bounds;
}

/** The subject as RGBA whose alpha is exactly the mask (the contract between matte and compose). */
export function withAlpha(subject: RawImage, mask: Mask): RawImage {
  if (subject.width !== mask.width || subject.height !== mask.height) {
    throw new AtelierError(
      'INTERNAL',
      `subject ${subject.width}×${subject.height} and mask ${mask.width}×${mask.height} differ in size`,
    );
  }
  const rgba = toRgba(subject);
  const data = Buffer.from(rgba.data);
  for (let i = 0; i < mask.data.length; i++) data[i * 4 + 3] = mask.data[i] ?? 0;
  return { data, width: rgba.width, height: rgba.height, channels: 4 };
}
