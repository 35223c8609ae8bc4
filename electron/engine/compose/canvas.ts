/**
 * Marketplace canvases: the subject cropped to its bounds, scaled so its bounding box fills a set
 * fraction of the canvas, placed, shadowed and put on a background.
 */
import { AtelierError } from '../errors';
import type { Mask, RawImage } from '../imaging/raw';
import type { BackgroundSpec } from './background';
import { coreRgba, rawFromCore } from './core-raw';
import { subjectBounds, type Box } from './core/bounds';
import { WHITE } from './core/color';
import { composeRecipe } from './core/compose';
import { fitToCanvas } from './core/geometry';
import { alphaPlane, resampleRgba } from './core/raster';
import type { CanvasSpec, ShadowSpec } from './core/specs';
import { readPicture } from './image-file';
import { toRgba } from './sharp-raw';

export { fitToCanvas, type CanvasSpec };

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
  const scale = box.width / bounds.width;
  const layer = resampleRgba(
    coreRgba(withAlpha(subject, mask)),
    { scale, dx: box.x - bounds.x * scale, dy: box.y - bounds.y * scale },
    width,
    height,
    'clear',
  );
  return { layer: rawFromCore(layer), mask: alphaPlane(layer) };
}

/**
 * The subject on a canvas: crop to its bounds, scale to `canvas.fill`, place, optional contact
 * shadow, then the background, composed by the compositing core as a cut-out's canvas is.
 * `original` is needed only for a 'blur' background (without it, the subject's own pixels are blurred).
 */
export async function placeOnCanvas(
  subject: RawImage,
  mask: Mask,
  canvas: CanvasSpec,
  background: BackgroundSpec,
  shadow?: ShadowSpec,
  original?: RawImage,
): Promise<RawImage> {
  requireBounds(mask);
  if (background.type === 'blur' && !original) {
    throw new AtelierError('USAGE', 'background blur needs the original photo', {
      hint: 'use blur only when the input photo is available, or pick a colour background',
    });
  }
  // The mask becomes the alpha: colours go in opaque so a cut-out's own alpha is not applied twice.
  // A blurred background needs the photo around the subject, so then the colours are the original's.
  const opaque = withAlpha(original ?? subject, {
    ...mask,
    data: new Uint8Array(mask.data.length).fill(255),
  });
  const picture =
    background.type === 'image'
      ? coreRgba(await readPicture(background.path, 'background image'))
      : undefined;
  const { image } = composeRecipe(
    { photo: opaque, mask, fullWidth: mask.width, fullHeight: mask.height },
    { canvas, background, shadow, edges: 'soft', feather: 0, decontaminate: false },
    { backgroundPicture: picture },
  );
  return rawFromCore(image);
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
