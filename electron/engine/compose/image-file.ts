/**
 * Reading a picture a user names for compositing (an image background or a reference), refusing
 * what cannot work before spending memory on it: a missing, corrupt, tiny or oversized file is an
 * AtelierError naming the file. Dimensions come from the header (sharp metadata) so a 30 000 px
 * bomb is refused without being decoded.
 */
import { stat } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { AtelierError } from '../errors';
import type { RawImage } from '../imaging/raw';
import { rawFromSharp } from './sharp-raw';

/** Smallest side we accept: below this a picture cannot be a meaningful background. */
export const MIN_PICTURE_SIDE = 16;
/** Largest picture we decode for compositing (100 MP, about 400 MB as RGBA). */
export const MAX_PICTURE_PIXELS = 100_000_000;

/** Checks a decoded picture's size with the same rules as a file (for pictures passed as pixels). */
export function checkPictureSize(width: number, height: number, label: string): void {
  if (width < MIN_PICTURE_SIDE || height < MIN_PICTURE_SIDE) {
    throw new AtelierError('USAGE', `${label} is too small (${width}×${height} px)`, {
      hint: `use a picture at least ${MIN_PICTURE_SIDE} px on each side`,
      file: label,
    });
  }
  if (width * height > MAX_PICTURE_PIXELS) {
    throw new AtelierError(
      'TOO_MANY_PIXELS',
      `${label} is too large (${width}×${height} px, limit ${MAX_PICTURE_PIXELS / 1e6} MP)`,
      { hint: 'downscale it below 100 megapixels and try again', file: label },
    );
  }
}

/** Decodes a picture file to 8-bit RGB(A), orientation applied. */
export async function readPicture(file: string, role = 'picture'): Promise<RawImage> {
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) {
    throw new AtelierError('NOT_FOUND', `${role} not found: ${file}`, {
      hint: 'check the path, or pick the file again',
      file,
    });
  }
  if (info.size === 0) {
    throw new AtelierError('EMPTY_FILE', `${role} is an empty file: ${file}`, {
      hint: 're-export or re-download it',
      file,
    });
  }
  let meta: Metadata;
  try {
    meta = await sharp(file, { limitInputPixels: false }).metadata();
  } catch (cause) {
    throw new AtelierError('CORRUPT_IMAGE', `${role} is not a readable image: ${file}`, {
      hint: 'use a JPEG, PNG, WebP or TIFF file, or re-export it',
      file,
      cause,
    });
  }
  // Header sizes are pre-rotation; swapping for EXIF orientations 5–8 does not change the area.
  checkPictureSize(meta.width, meta.height, file);
  try {
    return await rawFromSharp(
      sharp(file, { limitInputPixels: MAX_PICTURE_PIXELS }).rotate().toColourspace('srgb'),
    );
  } catch (cause) {
    throw new AtelierError('CORRUPT_IMAGE', `${role} is damaged and cannot be decoded: ${file}`, {
      hint: 're-export it from the original',
      file,
      cause,
    });
  }
}
