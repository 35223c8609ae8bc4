/**
 * The pixels of a cut-out's image background for the live preview (the compositor's
 * `backgroundPicture` input): the kept picture at display size, RGBA, loaded once per picture. The
 * preview shows the real picture, not a placeholder; until it has loaded, the compositor's note says so.
 */
import { useEffect, useState } from 'react';
import type { Picture } from '../../../electron/engine/api/contract';
import { imageUrl } from '../api/client';
import type { Rgba8 } from '../../../electron/engine/compose/core';
import { usePictures } from './pictures-store';

/** Longest side of a background picture in the preview (the preview itself is at most 1600 px). */
const PICTURE_MAX_SIDE = 1600;
const cache = new Map<number, Promise<Rgba8>>();

async function loadPixels(picture: Picture): Promise<Rgba8> {
  const res = await fetch(imageUrl(picture.imageId, { max: PICTURE_MAX_SIDE }));
  if (!res.ok) throw new Error(`${picture.name} could not be loaded (HTTP ${res.status})`);
  const bitmap = await createImageBitmap(await res.blob(), { premultiplyAlpha: 'none' });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2D canvas');
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  return { data, width: canvas.width, height: canvas.height };
}

/** Pixels of the picture that `background` names (`{ type: 'image', path }`), or undefined. */
export function useBackgroundPicture(background: unknown): Rgba8 | undefined {
  const path =
    background && typeof background === 'object' && (background as { type?: unknown }).type === 'image'
      ? (background as { path?: unknown }).path
      : undefined;
  const picture = usePictures((s) => s.recent.find((p) => p.path === path));
  const [loaded, setLoaded] = useState<{ id: number; pixels: Rgba8 } | null>(null);

  useEffect(() => {
    if (!picture) return;
    let live = true;
    let pending = cache.get(picture.imageId);
    if (!pending) {
      pending = loadPixels(picture);
      cache.set(picture.imageId, pending);
      pending.catch(() => cache.delete(picture.imageId));
    }
    pending.then(
      (pixels) => live && setLoaded({ id: picture.imageId, pixels }),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [picture]);

  return picture && loaded?.id === picture.imageId ? loaded.pixels : undefined;
}
