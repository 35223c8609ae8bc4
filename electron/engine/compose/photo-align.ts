/**
 * A photo under the same transform as its subject on a canvas, for blurred-photo backgrounds: the
 * subject then covers its own spot and the blur keeps the photo's perspective.
 */
import type { RawImage } from '../imaging/raw';
import type { Box } from './bounds';
import { rawFromSharp, sharpFromRaw } from './sharp-raw';

/**
 * The photo under the same transform as the subject (scaled by `scale`, `bounds` landing on `box`),
 * cut to the canvas; where it does not reach, its edge pixels are
 * repeated outward (mirroring would repeat the subject itself; after the blur, repeated edges read as
 * a soft continuation).
 */
export async function alignWithSubject(
  original: RawImage,
  bounds: Box,
  box: Box,
  scale: number,
  width: number,
  height: number,
): Promise<RawImage> {
  const rw = Math.max(1, Math.round(original.width * scale));
  const rh = Math.max(1, Math.round(original.height * scale));
  const offX = Math.round(box.x - bounds.x * scale);
  const offY = Math.round(box.y - bounds.y * scale);
  const pad = (n: number) => Math.max(0, n);
  const left = pad(offX);
  const top = pad(offY);
  const right = pad(width - (offX + rw));
  const bottom = pad(height - (offY + rh));
  const scaled = await rawFromSharp(
    (original.channels === 4 ? sharpFromRaw(original).removeAlpha() : sharpFromRaw(original)).resize(rw, rh, {
      fit: 'fill',
    }),
  );
  const padded = await rawFromSharp(
    sharpFromRaw(scaled).extend({ left, top, right, bottom, extendWith: 'copy' }),
  );
  const x = Math.max(0, left - offX);
  const y = Math.max(0, top - offY);
  // The padding makes the photo reach every canvas edge, so the window is always complete.
  const window = await rawFromSharp(sharpFromRaw(padded).extract({ left: x, top: y, width, height }));
  if (left + top + right + bottom === 0) return window;
  return fadeStreaks(window, { x: offX, y: offY, width: rw, height: rh });
}

/**
 * Repeated edge pixels make streaks; away from the photo they fade into a very soft version of the
 * canvas (a small copy blurred and scaled back), over a tenth of the canvas.
 */
async function fadeStreaks(img: RawImage, photo: Box): Promise<RawImage> {
  const { width, height, channels } = img;
  const side = 64;
  const s = Math.min(1, side / Math.max(width, height));
  const soft = await rawFromSharp(
    sharpFromRaw(
      await rawFromSharp(
        sharpFromRaw(img)
          .resize(Math.max(1, Math.round(width * s)), Math.max(1, Math.round(height * s)), { fit: 'fill' })
          .blur(side / 12),
      ),
    ).resize(width, height, { fit: 'fill' }),
  );
  const reach = 0.1 * Math.max(width, height);
  const out = Buffer.from(img.data);
  for (let y = 0; y < height; y++) {
    const dy = Math.max(photo.y - y, y - (photo.y + photo.height - 1), 0);
    for (let x = 0; x < width; x++) {
      const dx = Math.max(photo.x - x, x - (photo.x + photo.width - 1), 0);
      if (dx === 0 && dy === 0) continue;
      const t = Math.min(1, Math.max(dx, dy) / reach);
      const o = (y * width + x) * channels;
      for (let c = 0; c < channels; c++)
        out[o + c] = Math.round((img.data[o + c] ?? 0) * (1 - t) + (soft.data[o + c] ?? 0) * t);
    }
  }
  return { data: out, width, height, channels };
}
