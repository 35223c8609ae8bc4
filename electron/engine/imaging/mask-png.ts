/**
 * Masks as stored with a history item: a single-channel (grayscale) PNG at full resolution. Masks are
 * mostly flat 0/255 areas, so a fast deflate level already compresses them well; the 256 px WebP
 * thumbnail is made from the raw pixels, without decoding the PNG again.
 */
import sharp from 'sharp';
import { AtelierError } from '../errors';
import type { Mask } from './raw';
import { thumbnailOfPixels } from './thumbnail';

export interface EncodedMask {
  bytes: Buffer;
  mime: 'image/png';
  width: number;
  height: number;
  thumbnail: Buffer;
}

export async function encodeMaskPng(mask: Mask): Promise<EncodedMask> {
  const raw = { raw: { width: mask.width, height: mask.height, channels: 1 as const } };
  const data = Buffer.from(mask.data.buffer, mask.data.byteOffset, mask.data.byteLength);
  const [bytes, thumbnail] = await Promise.all([
    // Grey, one channel: without 'b-w' sharp writes the plane as sRGB, three equal channels (a 12 MP
    // mask 2.7× the bytes in the history and 3–4× the time to encode).
    sharp(data, raw).toColourspace('b-w').png({ compressionLevel: 2 }).toBuffer(),
    thumbnailOfPixels(data, { width: mask.width, height: mask.height, channels: 1 }),
  ]);
  return { bytes, mime: 'image/png', width: mask.width, height: mask.height, thumbnail };
}

export async function decodeMaskPng(bytes: Buffer, name = 'mask'): Promise<Mask> {
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: false })
      .extractChannel(0)
      .raw()
      .toBuffer({ resolveWithObject: true });
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
    };
  } catch (cause) {
    throw new AtelierError('CORRUPT_IMAGE', `The stored ${name} cannot be read`, {
      hint: 'run the cut-out again on the original (a model run)',
      cause,
    });
  }
}
