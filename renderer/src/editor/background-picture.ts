/**
 * The pixels of image backgrounds for the live preview. The engine reads an image background from
 * its file path; the renderer cannot read paths, so whoever lets the user pick the picture (the
 * panel, a drop) hands the file here with the path the recipe will name, and the preview composes
 * with the real picture. A path not handed over (an item opened in a later session) shows a plain
 * stand-in with a note until Apply renders it (compose/core/backgrounds.ts).
 */
import type { Rgba8 } from '../../../electron/engine/compose/core';

/** Longest side kept: a background is cover-fitted to the display-size preview, never larger. */
const MAX_SIDE = 1600;

const pictures = new Map<string, Promise<Rgba8 | null>>();

/** Decodes `file` once and keeps its pixels for the recipe path `path`. */
export function rememberBackgroundPicture(path: string, file: Blob): void {
  pictures.set(
    path,
    decode(file).catch((error: unknown) => {
      console.error(`could not read the background picture ${path} for the preview`, error);
      return null;
    }),
  );
}

/** The pixels kept for `path`, or null when none were handed over (or they could not be read). */
export function backgroundPicture(path: string): Promise<Rgba8 | null> {
  return pictures.get(path) ?? Promise.resolve(null);
}

async function decode(file: Blob): Promise<Rgba8> {
  const bitmap = await createImageBitmap(file, { premultiplyAlpha: 'none' });
  const k = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * k));
  const height = Math.max(1, Math.round(bitmap.height * k));
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2D canvas');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  return { data: ctx.getImageData(0, 0, width, height).data, width, height };
}
