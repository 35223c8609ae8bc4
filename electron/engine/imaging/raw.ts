/**
 * Raw pixel buffers shared by every stage. 8-bit, interleaved, sRGB, top-left origin, orientation
 * already applied. Big images stay as Buffers (no per-pixel objects) so 24 MP stays within memory.
 */
export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

/** A single-channel 0..255 map (alpha, mask, shadow) with the size of its image. */
export interface Mask {
  data: Uint8Array;
  width: number;
  height: number;
}

export function pixelCount(img: { width: number; height: number }): number {
  return img.width * img.height;
}
