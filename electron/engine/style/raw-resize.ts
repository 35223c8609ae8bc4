/**
 * RawImage ⇄ sharp for the style engine's resizes (libvips is far faster than JS loops for these).
 * Always 3-channel RGB: the style pipeline works on colour only and restores alpha at the end.
 */
import sharp from 'sharp';
import type { RawImage } from '../imaging/raw';

export async function resizeRgb(img: RawImage, width: number, height: number): Promise<RawImage> {
  if (img.width === width && img.height === height) return img;
  const { data, info } = await sharp(img.data, {
    raw: { width: img.width, height: img.height, channels: img.channels },
  })
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}

/** The colour channels of any RawImage as interleaved RGB (grey is replicated, alpha dropped). */
export function toRgb(img: RawImage): RawImage {
  if (img.channels === 3) return img;
  const n = img.width * img.height;
  const out = Buffer.allocUnsafe(n * 3);
  for (let i = 0; i < n; i++) {
    const s = i * img.channels;
    const grey = img.channels === 1;
    out[i * 3] = img.data[s]!;
    out[i * 3 + 1] = img.data[grey ? s : s + 1]!;
    out[i * 3 + 2] = img.data[grey ? s : s + 2]!;
  }
  return { data: out, width: img.width, height: img.height, channels: 3 };
}

/** Size with the long side at most `longSide`, aspect kept, never upscaled. */
export function fitLongSide(
  width: number,
  height: number,
  longSide: number,
): { width: number; height: number } {
  const scale = Math.min(1, longSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
