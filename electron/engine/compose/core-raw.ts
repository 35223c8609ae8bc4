/**
 * The bridge between the engine's RawImage (Node Buffers with a channel count) and the compositing
 * core's typed arrays. Views, not copies, wherever the layout allows: both are the same bytes.
 */
import type { Mask, RawImage } from '../imaging/raw';
import { toRgba } from './core/raster';
import type { Rgba8 } from './core/types';

/** A core RGBA result as an engine image (same memory). */
export function rawFromCore(img: Rgba8): RawImage {
  return {
    data: Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength),
    width: img.width,
    height: img.height,
    channels: 4,
  };
}

/** An engine image as core RGBA: a view when it is RGBA already, else an opaque RGBA copy. */
export function coreRgba(img: RawImage): Rgba8 {
  return toRgba(img);
}

/** An engine image as a fresh core RGBA buffer the core may draw into. */
export function coreRgbaCopy(img: RawImage): Rgba8 {
  const rgba = toRgba(img);
  return img.channels === 4 ? { ...rgba, data: new Uint8ClampedArray(rgba.data) } : rgba;
}

/** A mask as a greyscale engine image (white subject on black), for mask-only output. */
export function maskToImage(mask: Mask): RawImage {
  return {
    data: Buffer.from(mask.data.buffer, mask.data.byteOffset, mask.data.byteLength),
    width: mask.width,
    height: mask.height,
    channels: 1,
  };
}
