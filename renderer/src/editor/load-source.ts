/**
 * Loads what the editor composes from: the item's original and mask at display size (the image
 * route's ?max=N, so a 24 MP photo never crosses to the renderer whole), decoded to pixels without
 * colour conversion (a mask's grey levels are alpha values, not colours).
 */
import { imageUrl } from '../api/client';
import type { Plane8, Rgba8 } from '../../../electron/engine/compose/core';

/** Longest side of the display-size copies (and so of the live preview). */
export const PREVIEW_MAX_SIDE = 1600;

export function displayUrl(id: number, max = PREVIEW_MAX_SIDE): string {
  return imageUrl(id, { max });
}

async function bitmap(url: string, signal?: AbortSignal): Promise<ImageBitmap> {
  const res = await fetch(url, { signal });
  if (!res.ok) throw new Error(`could not load ${url} (HTTP ${res.status})`);
  return createImageBitmap(await res.blob(), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
}

function pixels(image: ImageBitmap, width = image.width, height = image.height): Uint8ClampedArray {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2D canvas');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(image, 0, 0, width, height);
  return ctx.getImageData(0, 0, width, height).data;
}

/** A grey mask image (its red channel is the alpha) as a plane of `width` × `height`. */
function toPlane(maskImage: ImageBitmap, width: number, height: number): Plane8 {
  const maskRgba = pixels(maskImage, width, height);
  const mask = new Uint8Array(width * height);
  for (let i = 0; i < mask.length; i++) mask[i] = maskRgba[i * 4]!;
  return { data: mask, width, height };
}

/** A mask the engine made (after a one-click fix), at the display size of the item's original. */
export async function loadMask(
  maskImageId: number,
  width: number,
  height: number,
  signal?: AbortSignal,
): Promise<Plane8> {
  const maskImage = await bitmap(displayUrl(maskImageId), signal);
  try {
    return toPlane(maskImage, width, height);
  } finally {
    maskImage.close();
  }
}

export async function loadSource(
  originalImageId: number,
  maskImageId: number,
  signal: AbortSignal,
): Promise<{ original: Rgba8; mask: Plane8 }> {
  const [photo, maskImage] = await Promise.all([
    bitmap(displayUrl(originalImageId), signal),
    bitmap(displayUrl(maskImageId), signal),
  ]);
  const { width, height } = photo;
  const rgba = pixels(photo);
  // An opaque original: a photo with its own transparency is composed as the engine does (alpha kept).
  const mask = toPlane(maskImage, width, height);
  photo.close();
  maskImage.close();
  return { original: { data: rgba, width, height }, mask };
}
