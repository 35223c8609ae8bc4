/**
 * A stored image at display size (`/image/:id?max=N`, `atelier://image/ID?max=N`): resized with sharp
 * to fit N×N, so the editor never downloads a 24 MP original for its preview. PNG stays PNG (masks
 * keep every grey level), JPEG stays JPEG, anything else becomes PNG. Stored images never change
 * under an id, so the last few resized copies are kept in memory.
 */
import sharp from 'sharp';
import type { Store } from '../store';
import { AtelierError } from '../errors';

export const MAX_DISPLAY_SIDE = 8192;
const CACHE_ENTRIES = 24;
const cache = new Map<string, { mime: string; bytes: Buffer }>();

/** `max` from a query string: absent → null (the original); otherwise an integer 16..8192. */
export function parseMax(raw: string | null): number | null {
  if (raw === null || raw === '') return null;
  const max = Number(raw);
  if (!Number.isInteger(max) || max < 16 || max > MAX_DISPLAY_SIDE) {
    throw new AtelierError(
      'USAGE',
      `max must be a whole number of pixels 16–${MAX_DISPLAY_SIDE} (got "${raw}")`,
    );
  }
  return max;
}

export async function displayImage(
  store: Store,
  imageId: number,
  max: number | null,
): Promise<{ mime: string; bytes: Buffer }> {
  // Size first, then the cache: the bytes (Base64 decoded in the pool) are loaded only when needed.
  const info = store.imageInfo(imageId);
  if (max === null || (info.width <= max && info.height <= max)) {
    const stored = await store.loadImage(imageId);
    return { mime: stored.mime, bytes: stored.bytes };
  }
  // The account is part of the key: two accounts may hold different images under one id.
  const key = `${store.currentAccountId}:${imageId}:${max}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const stored = await store.loadImage(imageId);
  // rotate(): the engine cut out the EXIF-oriented image, so the preview (and its mask) must be oriented too.
  const resized = sharp(stored.bytes, { limitInputPixels: false }).rotate().resize(max, max, {
    fit: 'inside',
    withoutEnlargement: true,
  });
  const out =
    stored.mime === 'image/jpeg'
      ? { mime: 'image/jpeg', bytes: await resized.jpeg({ quality: 90 }).toBuffer() }
      : { mime: 'image/png', bytes: await resized.png({ compressionLevel: 3 }).toBuffer() };
  cache.set(key, out);
  if (cache.size > CACHE_ENTRIES) {
    const oldest = cache.keys().next().value;
    if (oldest) cache.delete(oldest);
  }
  return out;
}
