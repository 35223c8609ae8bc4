/** Broken and hostile inputs for the bad-input tests, written byte by byte. */
import { readFileSync, writeFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';

export function zeroByteFile(file: string): string {
  writeFileSync(file, Buffer.alloc(0));
  return file;
}

/** The first 40 % of a real JPEG: a valid header, then nothing. */
export function truncatedCopy(source: string, file: string): string {
  const bytes = readFileSync(source);
  writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length * 0.4)));
  return file;
}

export function textFile(file: string): string {
  writeFileSync(file, 'This is a text file, not a picture.\n'.repeat(20));
  return file;
}

/** A valid 2×2 24-bit BMP: a real image in a format we do not read. */
export function bmpFile(file: string): string {
  const rowSize = 8; // 2 px × 3 bytes, padded to 4
  const pixels = Buffer.alloc(rowSize * 2, 0x80);
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'ascii');
  header.writeUInt32LE(54 + pixels.length, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(2, 18);
  header.writeInt32LE(2, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  header.writeUInt32LE(pixels.length, 34);
  writeFileSync(file, Buffer.concat([header, pixels]));
  return file;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/**
 * A decompression bomb: a tiny PNG whose header claims `side`×`side` pixels (the compressed rows of
 * a few lines of zeros). Decoding it would need gigabytes; it must be refused from its header.
 */
export function pngBomb(file: string, side = 60_000): string {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const rows = deflateSync(Buffer.alloc((side + 1) * 4));
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', rows),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  writeFileSync(file, png);
  return file;
}
