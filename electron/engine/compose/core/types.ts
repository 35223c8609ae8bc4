/**
 * The pixel buffers the compositing core works on: plain typed arrays, so the same code runs in the
 * engine (Node, at full resolution), in the renderer's preview Web Worker (at display size) and in
 * worker threads, with buffers that move between them by transfer.
 */

/** Straight-alpha RGBA, 4 bytes a pixel (the layout of ImageData): what the core produces. */
export interface Rgba8 {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** One 8-bit channel: a mask (0 = background, 255 = subject) or a shadow's alpha. */
export interface Plane8 {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * An input photo: 1 (grey), 3 (RGB) or 4 (RGBA) interleaved 8-bit channels. The engine's decoded
 * images (Node Buffers, a Uint8Array) fit as they are; the renderer's ImageData fits with channels 4.
 */
export interface Pixels {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
