/**
 * The History's preview of an image: at most THUMBNAIL_SIZE px on its longer side, WebP. Made from
 * the raw pixels where they already are (a pool thread, after the encode), never by decoding the
 * stored file again.
 */
import sharp from 'sharp';

export const THUMBNAIL_SIZE = 256;

export function thumbnailOfPixels(
  data: Uint8Array,
  size: { width: number; height: number; channels: 1 | 2 | 3 | 4 },
): Promise<Buffer> {
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return sharp(view, { raw: { width: size.width, height: size.height, channels: size.channels } })
    .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toBuffer();
}
