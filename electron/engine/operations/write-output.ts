import { encodeImage } from '../imaging/encode';
import type { RawImage } from '../imaging/raw';
import { writeFileAtomic } from './atomic-write';
import type { ImageFormat } from './types';

/**
 * The last stage every operation shares: encode in the requested format (JPEG flattened on white),
 * keep the source photo's colour profile and, if asked, its EXIF, and write the file atomically.
 * Returns the bytes for the history.
 */
export async function encodeAndWrite(
  image: RawImage,
  p: { format: ImageFormat; quality: number; keepMetadata: boolean },
  source: { icc?: Buffer | undefined; exif?: Buffer | undefined },
  output: string,
): Promise<Buffer> {
  const bytes = await encodeImage(image, {
    format: p.format,
    quality: p.quality,
    flatten: p.format === 'jpeg' ? { r: 255, g: 255, b: 255 } : undefined,
    icc: source.icc,
    exif: source.exif,
    keepMetadata: p.keepMetadata,
  });
  await writeFileAtomic(output, bytes);
  return bytes;
}
