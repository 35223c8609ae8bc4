/**
 * The subject as a layer: the photo's colours with the mask as alpha (edge colours optionally
 * decontaminated), and trimming it to the subject's bounds.
 */
import { subjectBounds } from './bounds';
import { decontaminateInto } from './decontaminate';
import { scratchBuffer } from './scratch';
import type { Pixels, Plane8, Rgba8 } from './types';

/** The subject on transparency: RGBA with the mask as alpha, edge colours optionally decontaminated. */
export function cutoutRgba(image: Pixels, mask: Plane8, opts: { decontaminate: boolean }): Rgba8 {
  assertSameSize(image, mask);
  const { width, height, channels: ch, data } = image;
  const n = width * height;
  const layer = new Uint8ClampedArray(scratchBuffer(n * 4, true));
  // Written through a plain byte view: the arithmetic below rounds by truncating (+ 0.5).
  const out = new Uint8Array(layer.buffer);
  if (ch === 3) {
    // The common case (an opaque photo), with nothing to test but the mask: the layer starts zeroed,
    // so a transparent pixel is already black.
    for (let i = 0, s = 0, d = 0; i < n; i++, s += 3, d += 4) {
      const a = mask.data[i]!;
      if (a === 0) continue;
      out[d] = data[s]!;
      out[d + 1] = data[s + 1]!;
      out[d + 2] = data[s + 2]!;
      out[d + 3] = a;
    }
  } else if (ch === 4) {
    // An input's own transparency is kept: the cut-out can only remove more. Where the mask is 0, or
    // the product rounds to 0, the pixel stays zeroed: fully transparent pixels are black, as rembg
    // writes them (the photo's colours there are invisible and only make the PNG bigger and slower
    // to compress). Where the photo is opaque, (m · 255 + 127) / 255 truncates to m.
    for (let i = 0, s = 0, d = 0; i < n; i++, s += 4, d += 4) {
      const m = mask.data[i]!;
      if (m === 0) continue;
      const own = data[s + 3]!;
      out[d + 3] = own === 255 ? m : (m * own + 127) / 255;
      if (out[d + 3] === 0) continue;
      out[d] = data[s]!;
      out[d + 1] = data[s + 1]!;
      out[d + 2] = data[s + 2]!;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const a = mask.data[i]!;
      if (a === 0) continue;
      const d = i * 4;
      out[d] = out[d + 1] = out[d + 2] = data[i]!;
      out[d + 3] = a;
    }
  }
  if (opts.decontaminate && ch >= 3) decontaminateInto(out, image, mask);
  return { data: layer, width, height };
}

/** Alpha below this is invisible and does not count as subject when trimming. */
export const TRIM_THRESHOLD = 8;

/**
 * Crops to the subject's bounding box plus `padding` pixels on every side; padding that reaches past
 * the photo's edge is transparent. An empty mask leaves the image as it is.
 */
export function trimToSubject(rgba: Rgba8, mask: Plane8, padding: number): { image: Rgba8; mask: Plane8 } {
  assertSameSize(rgba, mask);
  const { width, height } = mask;
  const bounds = subjectBounds(mask, TRIM_THRESHOLD);
  if (!bounds) return { image: rgba, mask };
  const left = bounds.x;
  const top = bounds.y;
  const right = bounds.x + bounds.width - 1;
  const bottom = bounds.y + bounds.height - 1;
  const pad = Math.max(0, Math.round(padding));
  const x0 = left - pad;
  const y0 = top - pad;
  const w = right - left + 1 + 2 * pad;
  const h = bottom - top + 1 + 2 * pad;
  const data = new Uint8ClampedArray(w * h * 4); // zero = transparent
  const maskOut = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = y0 + y;
    if (sy < 0 || sy >= height) continue;
    const sx0 = Math.max(0, x0);
    const sx1 = Math.min(width, x0 + w);
    const dx = sx0 - x0;
    data.set(rgba.data.subarray((sy * width + sx0) * 4, (sy * width + sx1) * 4), (y * w + dx) * 4);
    maskOut.set(mask.data.subarray(sy * width + sx0, sy * width + sx1), y * w + dx);
  }
  return { image: { data, width: w, height: h }, mask: { data: maskOut, width: w, height: h } };
}

/** A programming error, not a user's: the engine reports it as INTERNAL. */
function assertSameSize(image: { width: number; height: number }, mask: Plane8): void {
  if (image.width !== mask.width || image.height !== mask.height) {
    throw new Error(`Mask is ${mask.width}×${mask.height} but the image is ${image.width}×${image.height}`);
  }
}
