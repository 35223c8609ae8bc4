import { AtelierError } from '../errors';
import { DEFAULT_MAX_PIXELS } from '../imaging/decode';
import type { Mask, RawImage } from '../imaging/raw';
import { decontaminateInto } from './decontaminate';

/** The subject on transparency: RGBA with the mask as alpha, edge colours optionally decontaminated. */
export function cutoutRgba(image: RawImage, mask: Mask, opts: { decontaminate: boolean }): RawImage {
  assertSameSize(image, mask);
  const { width, height, channels: ch, data } = image;
  const n = width * height;
  const out = Buffer.allocUnsafe(n * 4);
  for (let i = 0, s = 0, d = 0; i < n; i++, s += ch, d += 4) {
    // An input's own transparency is kept: the cut-out can only remove more.
    const a = ch === 4 ? (mask.data[i]! * data[s + 3]! + 127) / 255 : mask.data[i]!;
    out[d + 3] = a;
    if (out[d + 3] === 0) {
      // Fully transparent pixels are written black, as rembg writes them: the photo's colours there
      // are invisible and only make the PNG bigger and slower to compress.
      out[d] = out[d + 1] = out[d + 2] = 0;
    } else if (ch === 1) {
      out[d] = out[d + 1] = out[d + 2] = data[s]!;
    } else {
      out[d] = data[s]!;
      out[d + 1] = data[s + 1]!;
      out[d + 2] = data[s + 2]!;
    }
  }
  if (opts.decontaminate && ch >= 3) decontaminateInto(out, image, mask);
  return { data: out, width, height, channels: 4 };
}

/** The mask as a greyscale image (white subject on black), for mask-only output. */
export function maskToImage(mask: Mask): RawImage {
  return {
    data: Buffer.from(mask.data.buffer, mask.data.byteOffset, mask.data.byteLength),
    width: mask.width,
    height: mask.height,
    channels: 1,
  };
}

/** Alpha below this is invisible and does not count as subject when trimming. */
const TRIM_THRESHOLD = 8;

/**
 * Crops to the subject's bounding box plus `padding` pixels on every side; padding that reaches past
 * the photo's edge is transparent. An empty mask leaves the image as it is.
 */
export function trimToSubject(rgba: RawImage, mask: Mask, padding: number): { image: RawImage; mask: Mask } {
  assertSameSize(rgba, mask);
  const { width, height } = mask;
  let left = width;
  let right = -1;
  let top = height;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let first = -1;
    let last = -1;
    for (let x = 0; x < width; x++) {
      if (mask.data[row + x]! >= TRIM_THRESHOLD) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first < 0) continue;
    if (y < top) top = y;
    bottom = y;
    if (first < left) left = first;
    if (last > right) right = last;
  }
  if (right < 0) return { image: rgba, mask };
  const pad = Math.max(0, Math.round(padding));
  const x0 = left - pad;
  const y0 = top - pad;
  const w = right - left + 1 + 2 * pad;
  const h = bottom - top + 1 + 2 * pad;
  // `trim` allows 10,000 px of padding: around a photo-sized subject that is gigapixels to allocate and
  // compose. The result is held to the largest image Atelier decodes.
  if (w * h > DEFAULT_MAX_PIXELS) {
    throw new AtelierError(
      'USAGE',
      `trim: ${pad} px of padding makes the result ${w}×${h} px, more than ${DEFAULT_MAX_PIXELS / 1e6} megapixels`,
      { hint: 'use less padding around the subject' },
    );
  }
  const ch = rgba.channels;
  const data = Buffer.alloc(w * h * ch); // zero = transparent (or black for a mask)
  const maskOut = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = y0 + y;
    if (sy < 0 || sy >= height) continue;
    const sx0 = Math.max(0, x0);
    const sx1 = Math.min(width, x0 + w);
    const dx = sx0 - x0;
    rgba.data.copy(data, (y * w + dx) * ch, (sy * width + sx0) * ch, (sy * width + sx1) * ch);
    maskOut.set(mask.data.subarray(sy * width + sx0, sy * width + sx1), y * w + dx);
  }
  return { image: { data, width: w, height: h, channels: ch }, mask: { data: maskOut, width: w, height: h } };
}

function assertSameSize(image: RawImage, mask: Mask): void {
  if (image.width !== mask.width || image.height !== mask.height) {
    throw new AtelierError(
      'INTERNAL',
      `Mask is ${mask.width}×${mask.height} but the image is ${image.width}×${image.height}`,
    );
  }
}
