import { crc32 } from 'node:zlib';

/**
 * Writes an input's EXIF block into an encoded PNG, JPEG or WebP. sharp keeps EXIF only from its own
 * input, and ours is raw pixels, so the block is spliced into the container here. Orientation is set
 * to 1 because the pixels were already rotated upright at decode time.
 */
export function insertExif(
  encoded: Buffer,
  format: 'png' | 'jpeg' | 'webp',
  exif: Buffer,
  hasAlpha: boolean,
): Buffer {
  const tiff = normaliseOrientation(exifTiff(exif));
  if (!tiff) return encoded;
  if (format === 'jpeg') return insertJpeg(encoded, tiff);
  if (format === 'png') return insertPng(encoded, tiff);
  return insertWebp(encoded, tiff, hasAlpha);
}

const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1');

/** sharp reports EXIF with the JPEG APP1 "Exif\0\0" prefix; containers other than JPEG want bare TIFF. */
export function exifTiff(exif: Buffer): Buffer | undefined {
  const tiff = exif.subarray(0, 6).equals(EXIF_HEADER) ? exif.subarray(6) : exif;
  const order = tiff.subarray(0, 2).toString('latin1');
  return order === 'II' || order === 'MM' ? tiff : undefined;
}

/** The Orientation (0x0112) of IFD0, or undefined when absent. */
export function readOrientation(tiff: Buffer): number | undefined {
  const entry = findOrientationEntry(tiff);
  if (entry === undefined) return undefined;
  return tiff.subarray(0, 2).toString('latin1') === 'II'
    ? tiff.readUInt16LE(entry + 8)
    : tiff.readUInt16BE(entry + 8);
}

/** A copy of the TIFF block with Orientation set to 1 (malformed blocks are returned undefined). */
export function normaliseOrientation(tiff: Buffer | undefined): Buffer | undefined {
  if (!tiff || tiff.length < 8) return undefined;
  const copy = Buffer.from(tiff);
  try {
    const entry = findOrientationEntry(copy);
    if (entry !== undefined) {
      if (copy.subarray(0, 2).toString('latin1') === 'II') copy.writeUInt16LE(1, entry + 8);
      else copy.writeUInt16BE(1, entry + 8);
    }
  } catch {
    return undefined;
  }
  return copy;
}

function findOrientationEntry(tiff: Buffer): number | undefined {
  const le = tiff.subarray(0, 2).toString('latin1') === 'II';
  const u16 = (o: number) => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  const ifd0 = u32(4);
  if (ifd0 + 2 > tiff.length) return undefined;
  const count = u16(ifd0);
  for (let i = 0; i < count; i++) {
    const entry = ifd0 + 2 + i * 12;
    if (entry + 12 > tiff.length) return undefined;
    if (u16(entry) === 0x0112) return entry;
  }
  return undefined;
}

function insertJpeg(jpeg: Buffer, tiff: Buffer): Buffer {
  const payload = Buffer.concat([EXIF_HEADER, tiff]);
  if (payload.length + 2 > 0xffff) return jpeg; // does not fit one APP1 segment; EXIF is optional
  let at = 2; // after SOI; keep a JFIF APP0 first, as readers expect
  if (jpeg[at] === 0xff && jpeg[at + 1] === 0xe0) at += 2 + jpeg.readUInt16BE(at + 2);
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xffe1, 0);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, at), head, payload, jpeg.subarray(at)]);
}

function insertPng(png: Buffer, tiff: Buffer): Buffer {
  const ihdrEnd = 8 + 8 + png.readUInt32BE(8) + 4;
  return Buffer.concat([png.subarray(0, ihdrEnd), pngChunk('eXIf', tiff), png.subarray(ihdrEnd)]);
}

/** One PNG chunk: length, type, data and its CRC. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}

function riffChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(type, 0, 'latin1');
  head.writeUInt32LE(data.length, 4);
  return Buffer.concat([head, data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

function insertWebp(webp: Buffer, tiff: Buffer, hasAlpha: boolean): Buffer {
  const first = webp.subarray(12, 16).toString('latin1');
  let body: Buffer;
  if (first === 'VP8X') {
    body = Buffer.from(webp.subarray(12));
    body[8] = body[8]! | 0x08; // EXIF flag
  } else {
    // A simple (VP8/VP8L-only) file needs the extended header to carry metadata.
    const { width, height } = webpSize(webp, first);
    const vp8x = Buffer.alloc(10);
    vp8x[0] = 0x08 | (hasAlpha ? 0x10 : 0);
    vp8x.writeUIntLE(width - 1, 4, 3);
    vp8x.writeUIntLE(height - 1, 7, 3);
    body = Buffer.concat([riffChunk('VP8X', vp8x), webp.subarray(12)]);
  }
  const all = Buffer.concat([Buffer.from('RIFF\0\0\0\0WEBP', 'latin1'), body, riffChunk('EXIF', tiff)]);
  all.writeUInt32LE(all.length - 8, 4);
  return all;
}

function webpSize(webp: Buffer, chunk: string): { width: number; height: number } {
  const data = 20;
  if (chunk === 'VP8L') {
    const bits = webp.readUInt32LE(data + 1);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  // VP8 key frame: 3-byte tag, 3-byte start code, then 14-bit width and height.
  return { width: webp.readUInt16LE(data + 6) & 0x3fff, height: webp.readUInt16LE(data + 8) & 0x3fff };
}
