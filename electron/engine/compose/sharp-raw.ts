/**
 * The bridge between RawImage/Mask buffers and sharp pipelines, so every compose step can hand
 * resizing and blurring to libvips (much faster than JS loops) and get raw pixels back.
 */
import sharp, { type Sharp } from 'sharp';
import type { Mask, RawImage } from '../imaging/raw';

/** Single-channel input stays single-channel (sharp would otherwise widen it to sRGB). */
export function sharpFromRaw(img: RawImage): Sharp {
  // Raw buffers are already in memory and sized by us: sharp's input pixel limit does not apply.
  const pipeline = sharp(img.data, {
    raw: { width: img.width, height: img.height, channels: img.channels },
    limitInputPixels: false,
  });
  return img.channels === 1 ? pipeline.toColourspace('b-w') : pipeline;
}

export function sharpFromMask(mask: Mask): Sharp {
  return sharp(Buffer.from(mask.data.buffer, mask.data.byteOffset, mask.data.byteLength), {
    raw: { width: mask.width, height: mask.height, channels: 1 },
    limitInputPixels: false,
  }).toColourspace('b-w');
}

export async function rawFromSharp(pipeline: Sharp): Promise<RawImage> {
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  const channels = info.channels;
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new Error(`unexpected channel count ${channels} from sharp`);
  }
  return { data, width: info.width, height: info.height, channels };
}

/** A single-channel pipeline result as a Mask (takes the first channel if sharp widened it). */
export async function maskFromSharp(pipeline: Sharp): Promise<Mask> {
  const raw = await rawFromSharp(pipeline.extractChannel(0));
  return {
    data: new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.width * raw.height),
    width: raw.width,
    height: raw.height,
  };
}

/** Gaussian blur of a mask; sigma below sharp's minimum (0.3) means no blur. */
export async function blurMask(mask: Mask, sigma: number): Promise<Mask> {
  if (sigma < 0.3) return mask;
  return maskFromSharp(sharpFromMask(mask).blur(sigma));
}

/** The image as 4-channel RGBA (opaque alpha added when it has none). */
export function toRgba(img: RawImage): RawImage {
  if (img.channels === 4) return img;
  const n = img.width * img.height;
  const out = Buffer.alloc(n * 4);
  for (let i = 0; i < n; i++) {
    const s = i * img.channels;
    const r = img.data[s] ?? 0;
    out[i * 4] = r;
    out[i * 4 + 1] = img.channels === 3 ? (img.data[s + 1] ?? 0) : r;
    out[i * 4 + 2] = img.channels === 3 ? (img.data[s + 2] ?? 0) : r;
    out[i * 4 + 3] = 255;
  }
  return { data: out, width: img.width, height: img.height, channels: 4 };
}
