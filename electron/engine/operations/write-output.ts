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
  p: EncodeParams,
  source: EncodeSource,
  output: string,
): Promise<Buffer> {
  const bytes = await encodeOutput(image, p, source);
  await writeFileAtomic(output, bytes);
  return bytes;
}

type EncodeParams = { format: ImageFormat; quality: number; keepMetadata: boolean };
type EncodeSource = { icc?: Buffer | undefined; exif?: Buffer | undefined };
/** How an output is encoded, with what it keeps of its source (what a pool task is told). */
export type OutputEncoding = EncodeParams & EncodeSource;

/** The encoding a pool task is told for params `p` and the photo `source` came from. */
export function encodingOf(p: EncodeParams, source: EncodeSource): OutputEncoding {
  return {
    format: p.format,
    quality: p.quality,
    keepMetadata: p.keepMetadata,
    icc: source.icc,
    exif: source.exif,
  };
}

/** The encoding alone (a re-render stored in the history, written to a file only when saved). */
export function encodeOutput(image: RawImage, p: EncodeParams, source: EncodeSource): Promise<Buffer> {
  return encodeImage(image, {
    format: p.format,
    quality: p.quality,
    flatten: p.format === 'jpeg' ? { r: 255, g: 255, b: 255 } : undefined,
    icc: source.icc,
    exif: source.exif,
    keepMetadata: p.keepMetadata,
  });
}
