import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { AtelierError } from '../errors';
import type { RawImage } from './raw';

/** 100 megapixels: a 24 MP photo upscaled 4× still fits; a decompression bomb does not. */
export const DEFAULT_MAX_PIXELS = 100_000_000;

export interface DecodeLimits {
  maxPixels?: number;
}

export interface DecodedImage {
  file: string;
  /** 8-bit sRGB, EXIF orientation applied, 3 or 4 channels. */
  image: RawImage;
  hasAlpha: boolean;
  /** jpeg, png, webp, avif, tiff or gif. */
  format: string;
  /** The input's ICC profile, kept so the encoder can write the same colour space back. */
  icc?: Buffer;
  /** The input's EXIF block as sharp reports it, so the encoder can keep it. */
  exif?: Buffer;
  /** Size of the encoded input in bytes. */
  bytes: number;
  /** Something the user should know about how the input was read (an animation cut to one frame). */
  note?: string;
}

const SUPPORTED = 'JPEG, PNG, WebP, AVIF, TIFF or GIF';

/** Reads and decodes an image file; every failure is an AtelierError naming the file. */
export async function decodeImage(file: string, limits: DecodeLimits = {}): Promise<DecodedImage> {
  return decodeImageBuffer(await readImageFile(file), file, limits);
}

/** An image file's bytes, read whole; a folder, an empty file or an unreadable one is an AtelierError. */
export async function readImageFile(file: string): Promise<Buffer> {
  let size: number;
  try {
    const info = await stat(file);
    if (info.isDirectory()) {
      throw new AtelierError('UNSUPPORTED_FORMAT', `${file} is a folder, not an image`, {
        hint: 'pass an image file',
        file,
      });
    }
    size = info.size;
  } catch (cause) {
    if (cause instanceof AtelierError) throw cause;
    throw readError(file, cause);
  }
  if (size === 0) throw emptyFile(file);
  try {
    return await readFile(file);
  } catch (cause) {
    throw readError(file, cause);
  }
}

/** Why a file could not be opened, in words, with what to do: never a raw "permission denied". */
function readError(file: string, cause: unknown): AtelierError {
  const code = (cause as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') {
    return new AtelierError('NOT_READABLE', `Cannot read ${file}: permission denied`, {
      hint: 'give your user read access to it (or its folder), or copy it somewhere you can read',
      file,
      cause,
    });
  }
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new AtelierError('NOT_FOUND', `Image not found: ${file}`, {
      hint: 'check the path and spelling',
      file,
      cause,
    });
  }
  return new AtelierError('NOT_READABLE', `Cannot read ${file} (${code ?? String(cause)})`, {
    hint: 'check the disk and the file, then try again',
    file,
    cause,
  });
}

/** Decodes an image held in memory; `name` is used in messages (a path or a display name). */
export async function decodeImageBuffer(
  buf: Buffer,
  name: string,
  limits: DecodeLimits = {},
): Promise<DecodedImage> {
  if (buf.length === 0) throw emptyFile(name);
  const maxPixels = limits.maxPixels ?? DEFAULT_MAX_PIXELS;

  // Read only the header first: a 30000×30000 PNG is a few kilobytes on disk and 3.6 GB decoded.
  let meta: Metadata;
  try {
    meta = await sharp(buf, { limitInputPixels: false }).metadata();
  } catch (cause) {
    throw unreadable(buf, name, cause);
  }
  const format = formatName(meta);
  if (!format) {
    throw new AtelierError(
      'UNSUPPORTED_FORMAT',
      `${name} is a ${meta.format.toUpperCase()} image, which Atelier does not read`,
      { hint: `convert it to ${SUPPORTED}`, file: name },
    );
  }
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  if (width <= 0 || height <= 0) {
    throw new AtelierError('CORRUPT_IMAGE', `${name} has no valid dimensions in its header`, {
      hint: 're-export it from the original',
      file: name,
    });
  }
  if (width * height > maxPixels) {
    const mp = (n: number) => (n / 1e6).toFixed(1);
    throw new AtelierError(
      'TOO_MANY_PIXELS',
      `${name} is ${width}×${height} (${mp(width * height)} MP), over the ${mp(maxPixels)} MP limit`,
      { hint: 'downscale it first, or raise the pixel limit in settings', file: name },
    );
  }

  let decoded: { data: Buffer; info: OutputInfo };
  try {
    decoded = await sharp(buf, { failOn: 'truncated', limitInputPixels: maxPixels, pages: 1 })
      .rotate() // applies EXIF orientation
      .toColourspace('srgb') // CMYK, greyscale, 16-bit and palette inputs all become 8-bit sRGB
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw new AtelierError(
      'CORRUPT_IMAGE',
      `${name} is damaged or truncated and cannot be decoded (${detail})`,
      { hint: 're-export it from the original or download it again', file: name, cause },
    );
  }
  const { data, info } = decoded;
  const channels = info.channels;
  if (channels !== 3 && channels !== 4) {
    throw new AtelierError('CORRUPT_IMAGE', `${name} decoded to ${channels} channels`, {
      hint: `re-export it as ${SUPPORTED}`,
      file: name,
    });
  }
  return {
    file: name,
    image: { data, width: info.width, height: info.height, channels },
    hasAlpha: channels === 4,
    format,
    ...(meta.icc ? { icc: meta.icc } : {}),
    ...(meta.exif ? { exif: meta.exif } : {}),
    bytes: buf.length,
    // Every operation makes one still picture: say so instead of silently dropping the other frames.
    ...((meta.pages ?? 1) > 1
      ? {
          note:
            format === 'tiff'
              ? `multi-page TIFF (${meta.pages} pages): only the first page was used`
              : `animated ${format.toUpperCase()} (${meta.pages} frames): only the first frame was used`,
        }
      : {}),
  };
}

function formatName(meta: Metadata): string | undefined {
  switch (meta.format) {
    case 'jpeg':
    case 'png':
    case 'webp':
    case 'tiff':
    case 'gif':
      return meta.format;
    case 'heif':
      // sharp reports AVIF as heif with the AV1 codec; HEIC (HEVC) needs a patent-encumbered decoder.
      return meta.compression === 'av1' ? 'avif' : undefined;
    default:
      return undefined;
  }
}

function emptyFile(name: string): AtelierError {
  return new AtelierError('EMPTY_FILE', `${name} is empty (0 bytes)`, {
    hint: 'the copy or download did not finish; copy it again',
    file: name,
  });
}

/** The header could not be read at all: tell a mislabelled non-image apart from a damaged image. */
function unreadable(buf: Buffer, name: string, cause: unknown): AtelierError {
  if (looksLikeImage(buf)) {
    return new AtelierError('CORRUPT_IMAGE', `${name} is damaged: its header cannot be read`, {
      hint: 're-export it from the original or download it again',
      file: name,
      cause,
    });
  }
  const ext = path.extname(name).slice(1).toUpperCase();
  return new AtelierError(
    'UNSUPPORTED_FORMAT',
    `${name} is not an image${ext ? ` (despite its .${ext.toLowerCase()} name)` : ''}`,
    { hint: `pass a ${SUPPORTED} file`, file: name, cause },
  );
}

/** Magic numbers of the formats we read, so "damaged image" and "not an image" get different hints. */
function looksLikeImage(buf: Buffer): boolean {
  const starts = (...bytes: number[]) => bytes.every((b, i) => buf[i] === b);
  const ascii = (offset: number, text: string) =>
    buf.subarray(offset, offset + text.length).toString('latin1') === text;
  return (
    starts(0xff, 0xd8, 0xff) ||
    starts(0x89, 0x50, 0x4e, 0x47) ||
    (ascii(0, 'RIFF') && ascii(8, 'WEBP')) ||
    ascii(0, 'GIF8') ||
    ascii(0, 'II*\0') ||
    ascii(0, 'MM\0*') ||
    (ascii(4, 'ftyp') && (ascii(8, 'avif') || ascii(8, 'avis') || ascii(8, 'mif1')))
  );
}
