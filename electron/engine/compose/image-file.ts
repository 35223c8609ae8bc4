/**
 * Reading a picture a user names for compositing (an image background or a reference). Decoding is
 * imaging/decode's job (formats, orientation, the pixel limit read from the header before any
 * decoding, errors naming the file); this adds what compositing needs on top: a picture too small
 * to be a background is refused, naming the file.
 */
import { AtelierError } from '../errors';
import { decodeImage, DEFAULT_MAX_PIXELS } from '../imaging/decode';
import type { RawImage } from '../imaging/raw';

/** Smallest side we accept: below this a picture cannot be a meaningful background. */
export const MIN_PICTURE_SIDE = 16;
/** Largest picture we composite onto (the decoder's limit, checked from the header). */
export const MAX_PICTURE_PIXELS = DEFAULT_MAX_PIXELS;

/** Checks a decoded picture's size (for pictures passed as pixels; files go through decode too). */
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
      { hint: `downscale it below ${MAX_PICTURE_PIXELS / 1e6} megapixels and try again`, file: label },
    );
  }
}

/** Decodes a picture file to 8-bit sRGB (3 or 4 channels), orientation applied. */
export async function readPicture(file: string, role = 'picture'): Promise<RawImage> {
  const { image } = await decodeImage(file, { maxPixels: MAX_PICTURE_PIXELS });
  if (image.width < MIN_PICTURE_SIDE || image.height < MIN_PICTURE_SIDE) {
    throw new AtelierError('USAGE', `${role} is too small (${image.width}×${image.height} px): ${file}`, {
      hint: `use a picture at least ${MIN_PICTURE_SIDE} px on each side`,
      file,
    });
  }
  return image;
}
